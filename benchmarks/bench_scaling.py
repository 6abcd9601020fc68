"""PLAsTiCC preparation on Dask (`lc_transformer.parallel.prepare_plasticc_dask`) with 1 and with 2 worker processes
(one thread each) on a simulated test set of at least `--rows` observations, for linear and Gaussian-process
interpolation: throughput, peak memory per worker, and the time extrapolated to the real test set (453M
observations of 3.5M objects) on N two-core machines.

    python benchmarks/bench_scaling.py [--rows 20000000] [--data runs/scaling_data] [--methods linear gp] [--workers 1 2]

The test set is simulated once into --data (unblinded schema, plain CSV, 11 files like the real release) and reused.
Each configuration runs on a fresh local cluster; its time counts from submitting the tasks to the manifest written
(the cluster's start-up, about the import of the package in each worker, is printed apart). Peak memory is each
worker process's maximum resident set size. The extrapolation assumes the throughput per worker measured with 2
workers, and 2 workers per 2-core machine: by observations or by objects, whichever gives the longer time (the
simulated objects have fewer observations each than the real ones)."""
import argparse, json, os, resource, shutil, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
from pathlib import Path
import numpy as np
from lc_transformer.benchmark import machine
from lc_transformer.data import read_parts_manifest
from lc_transformer.parallel import dask_client, prepare_plasticc_dask
from lc_transformer.plasticc import plasticc_files, read_metadata
from lc_transformer.simulate import simulate_plasticc_files

FULL_ROWS, FULL_OBJECTS = 453_653_104, 3_492_890      # the real PLAsTiCC test set

def simulated_test_set(directory:Path, rows:int) -> tuple:
    "A simulated test set of at least `rows` observations in `directory` (made once): (rows, objects)."
    done = directory/'made.json'
    if done.exists():
        made = json.loads(done.read_text())
        if made['rows'] >= rows: return made['rows'], made['objects']
    probe = directory.parent/(directory.name + '_probe')
    simulate_plasticc_files(probe, 2000, 'test', schema='unblinded', seed=11)
    rows_per_object = sum(sum(1 for _ in open(p)) - 1 for p in plasticc_files(probe, 'test')[0]) / 2000
    shutil.rmtree(probe)
    n_objects = int(rows / rows_per_object * 1.03) + 1
    shutil.rmtree(directory, ignore_errors=True)
    began = time.perf_counter()
    lc_paths, _ = simulate_plasticc_files(directory, n_objects, 'test', schema='unblinded', seed=12, n_files=11)
    n_rows = sum(sum(1 for _ in open(p)) - 1 for p in lc_paths)
    done.write_text(json.dumps({'rows': n_rows, 'objects': n_objects, 'seconds': time.perf_counter() - began}))
    return n_rows, n_objects

def peak_memory_mib(client) -> list:
    "The maximum resident set size of every worker process so far, in MiB."
    return sorted(v / 1024 for v in client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss).values())

def run(data:Path, out:Path, method:str, n_workers:int, chunk_mb:float) -> dict:
    began = time.perf_counter()
    with dask_client(n_workers=n_workers, memory_limit='6GiB') as client:
        client.run(lambda: __import__('lc_transformer.parallel'))       # start-up: every worker imports the package
        started = time.perf_counter()
        prepare_plasticc_dask(data, out, method=method, chunk_bytes=int(chunk_mb * 2**20), client=client, overwrite=True)
        seconds = time.perf_counter() - started
        memory = peak_memory_mib(client)
    info = read_parts_manifest(out)['info']
    shutil.rmtree(out)
    return dict(method=method, workers=n_workers, seconds=seconds, startup_seconds=started - began, rows=info['n_rows'],
                objects=info['n_read'], rows_per_second=info['n_rows'] / seconds, objects_per_second=info['n_read'] / seconds,
                peak_memory_mib=memory)

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, default=20_000_000)
    parser.add_argument('--data', default='runs/scaling_data')
    parser.add_argument('--out', default='runs/scaling_out')
    parser.add_argument('--methods', nargs='+', default=['linear', 'gp'])
    parser.add_argument('--workers', type=int, nargs='+', default=[1, 2])
    parser.add_argument('--chunk_mb', type=float, default=64)
    parser.add_argument('--machines', type=int, nargs='+', default=[1, 8, 32])
    parser.add_argument('--results', default='benchmarks/results/scaling.json')
    args = parser.parse_args()
    info = machine()
    rows, objects = simulated_test_set(Path(args.data), args.rows)
    print(f"{info['cores']} CPU cores, fp32 matmul peak {info['matmul_peak_gflops']:.0f} GFLOP/s; simulated test set: "
          f"{rows:,} observations of {objects:,} objects in 11 files; ranges of {args.chunk_mb:g} MB", flush=True)
    results = []
    for method in args.methods:
        for n_workers in args.workers:
            result = run(Path(args.data), Path(args.out), method, n_workers, args.chunk_mb)
            results.append(result)
            print(f"{method:6} {n_workers} worker(s): {result['seconds']:7.1f} s, {result['rows_per_second'] / 1e6:6.3f}M observations/s, "
                  f"{result['objects_per_second']:8.0f} objects/s, peak memory per worker {', '.join(f'{m:.0f}' for m in result['peak_memory_mib'])} MiB "
                  f"(cluster start-up {result['startup_seconds']:.1f} s)", flush=True)
    print(f"\nspeed-up from 1 to 2 workers, and the full test set ({FULL_ROWS / 1e6:.0f}M observations, {FULL_OBJECTS / 1e6:.2f}M objects) "
          f"extrapolated from the 2-worker throughput, 2 workers per 2-core machine, by observations or objects, whichever is slower:")
    for method in args.methods:
        by_workers = {r['workers']: r for r in results if r['method'] == method}
        if 1 in by_workers and 2 in by_workers:
            speedup = by_workers[2]['rows_per_second'] / by_workers[1]['rows_per_second']
            two = by_workers[2]          # seconds on one 2-core machine: by observations or by objects, whichever is longer
            one_machine = max(FULL_ROWS / two['rows_per_second'], FULL_OBJECTS / two['objects_per_second'])
            times = ', '.join(f"{n} machine(s): {one_machine / n / 60:.1f} min" for n in args.machines)
            print(f"{method:6} 1 -> 2 workers: {speedup:.2f}x; {times}")
            for r in (by_workers[1], by_workers[2]): r['speedup_1_to_2'] = speedup
    Path(args.results).write_text(json.dumps({'machine': info, 'rows': rows, 'objects': objects, 'chunk_mb': args.chunk_mb,
                                              'results': results}, indent=1))
    print(f"written to {args.results}")

if __name__ == '__main__': main()
