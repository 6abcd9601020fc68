"""Reading + preparing simulated PLAsTiCC files: observations per second and peak memory.

Simulates Kaggle-schema training files of about 2 and 10 million rows (or reuses them from `--data_dir`), then, each
in a fresh process, (a) `read`: streams the light curves through `ObservationReader`, (b) `prepare`: reads and
prepares them with `prepare_plasticc` (linear interpolation, 51-step grid) streamed into a directory of parts
(`save_to=<directory>, load=False`), so that memory is bounded by `chunk_rows`, not by the file, and optionally
(c) `memory`: the same kept in memory (`prepare_plasticc` without `save_to`), whose memory grows with the file.
Prints observations/s and the peak resident memory of each run (`resource.getrusage` ru_maxrss of the measuring
process; the parent stays small, so the peak it passes on at fork does not hide the child's).

    python benchmarks/bench_plasticc.py [--rows 2e6 1e7] [--chunk_rows 1000000] [--modes read prepare] [--gzip]
                                        [--data_dir DIR]
"""
import argparse, json, resource, subprocess, sys, tempfile, time
from pathlib import Path

ROWS_PER_OBJECT = 171  # mean rows per object of the simulator's training set (25% DDF)


def peak_rss_mb():
    "Peak resident memory of this process, from getrusage (and /proc VmHWM, which should agree)."
    rusage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        for line in open('/proc/self/status'):
            if line.startswith('VmHWM:'): return rusage, int(line.split()[1]) / 1024
    except OSError: pass
    return rusage, None


def simulate(directory, rows, gzip):
    "Run in a fresh process: write the files."
    from lc_transformer.simulate import simulate_plasticc_files
    simulate_plasticc_files(directory, n_objects=int(rows / ROWS_PER_OBJECT), gzip=gzip, seed=1)


def measure(directory, mode, chunk_rows):
    "Run in a fresh process: time one pass, report rows and peak RSS."
    from lc_transformer.plasticc import ObservationReader, plasticc_files, read_metadata
    from lc_transformer.prepare import prepare_plasticc
    from lc_transformer.data import read_parts_manifest
    base_rss = peak_rss_mb()[0]
    lc_paths, meta_path = plasticc_files(directory)
    start = time.perf_counter()
    if mode == 'read':
        reader = ObservationReader(lc_paths, chunk_rows=chunk_rows, metadata=read_metadata(meta_path))
        rows = sum(len(batch) for batch in reader)
        objects = reader.n_objects
    elif mode == 'prepare':
        with tempfile.TemporaryDirectory() as out:
            parts = prepare_plasticc(directory, chunk_rows=chunk_rows, save_to=Path(out)/'parts', load=False)
            info = read_parts_manifest(parts)['info']
        rows, objects = info['n_rows'], info['n_prepared']
    elif mode == 'memory':
        lcs = prepare_plasticc(directory, chunk_rows=chunk_rows)
        rows, objects = None, len(lcs)
    else: raise ValueError(f"unknown mode {mode!r}: expected 'read', 'prepare' or 'memory'")
    seconds = time.perf_counter() - start
    rusage, hwm = peak_rss_mb()
    print(json.dumps(dict(mode=mode, seconds=seconds, objects=objects, rows=rows, base_rss_mb=base_rss,
                          peak_rss_mb=rusage, vm_hwm_mb=hwm)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--rows', type=float, nargs='+', default=[2e6, 1e7])
    parser.add_argument('--chunk_rows', type=int, default=1_000_000)
    parser.add_argument('--modes', nargs='+', default=['read', 'prepare'], choices=['read', 'prepare', 'memory'])
    parser.add_argument('--gzip', action='store_true')
    parser.add_argument('--data_dir', help='keep (and reuse) the simulated files here instead of a temporary directory')
    parser.add_argument('--measure', nargs=2, metavar=('DIRECTORY', 'MODE'), help=argparse.SUPPRESS)
    parser.add_argument('--simulate', nargs=2, metavar=('DIRECTORY', 'ROWS'), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure: return measure(args.measure[0], args.measure[1], args.chunk_rows)
    if args.simulate: return simulate(args.simulate[0], float(args.simulate[1]), args.gzip)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.data_dir or tmp)
        for rows in args.rows:
            directory = root / f"rows_{int(rows)}{'_gz' if args.gzip else ''}"
            start = time.perf_counter()
            if not (directory / 'training_set_metadata.csv').exists():
                subprocess.run([sys.executable, __file__, '--simulate', str(directory), str(rows)] + (['--gzip'] if args.gzip else []), check=True)
            lc_paths = sorted(p for p in directory.iterdir() if p.name.startswith('training_set.csv'))
            n_rows = sum(1 for _ in open(lc_paths[0], 'rb')) - 1 if not args.gzip else None
            size_mb = sum(p.stat().st_size for p in lc_paths) / 2 ** 20
            print(f"{n_rows or '?'} rows ({size_mb:.0f} MB{', gzip' if args.gzip else ''}), ready in {time.perf_counter() - start:.1f} s")
            for mode in args.modes:
                out = subprocess.run([sys.executable, __file__, '--measure', str(directory), mode, '--chunk_rows', str(args.chunk_rows)],
                                     capture_output=True, text=True, check=True).stdout
                r = json.loads(out.strip().splitlines()[-1])
                total = n_rows or r['rows']
                label = {'read': 'read', 'prepare': 'read+prepare (streamed to parts)', 'memory': 'read+prepare (in memory)'}[mode]
                print(f"  {label:34s}: {total:,} rows, {r['objects']:,} objects in {r['seconds']:.1f} s = "
                      f"{total / r['seconds']:,.0f} observations/s; peak RSS {r['peak_rss_mb']:.0f} MB "
                      f"(VmHWM {r['vm_hwm_mb'] or 0:.0f} MB; after imports {r['base_rss_mb']:.0f} MB)", flush=True)


if __name__ == '__main__':
    main()
