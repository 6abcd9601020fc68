"""`lc_predict` on simulated PLAsTiCC test sets: observations per second and peak memory, against the size of the set.

Simulates a small training set and trains a classifier of each kind asked for, of the kind's default size, for one
epoch only (the speed of prediction does not depend on how well a model is trained), then simulates Kaggle-schema test sets of about 1 and
2.2 million observation rows (and 5 and 10 million, to see the trend) spread over 4 files, and a tiny one (the
start-up alone), and runs the installed `lc_predict` on each, each run in a fresh measuring process: the peak
resident memory printed is `resource.getrusage(RUSAGE_CHILDREN).ru_maxrss` of that process, whose only child is the
`lc_predict` run, so the maxima of different runs stay apart. The memory and the whole time include the start-up (imports,
TensorFlow, and the classifier loaded and calibrated on its training run's validation objects); the throughput is
that of the streaming alone (reading, classifying, writing), as lc_predict's summary gives it. Streaming means that
the peak memory should not grow with the test set. The largest set is run once more with
TensorFlow's oneDNN kernels off (`TF_ENABLE_ONEDNN_OPTS=0`): they keep state for each input shape they meet, in a
bounded cache; the token model's prediction batches are filled up to a power of two objects, so that they take few
shapes.

    python benchmarks/bench_predict.py [--rows 1e6 2.2e6 5e6 1e7] [--kinds rnn tokens] [--chunk_objects 2000] [--data_dir DIR]
"""
import argparse, json, os, re, resource, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROWS_PER_OBJECT = 116  # mean rows per object of the simulator's test set (about 116; 1% more objects are simulated)
TINY_OBJECTS = 200     # the tiny test set: the start-up's memory
KINDS = ('rnn', 'tokens')


def simulate_test(directory, n_objects):
    "Run in a fresh process: write a Kaggle-schema test set in 4 files."
    from lc_transformer.simulate import simulate_plasticc_files
    simulate_plasticc_files(directory, n_objects, 'test', schema='kaggle', seed=2, n_files=4)


def train(root, kind):
    "Run in a fresh process: simulate the training set (once) and train a tiny classifier of `kind` for one epoch."
    from lc_transformer.simulate import simulate_plasticc_files
    from lc_transformer.config import ClassifierConfig
    from lc_transformer.train import train_classifier_run
    if not (Path(root)/'train'/'training_set_metadata.csv').exists(): simulate_plasticc_files(Path(root)/'train', 1000, 'train', seed=0)
    run = ClassifierConfig(kind=kind).with_options(source=str(Path(root)/'train'), out=str(Path(root)/kind), epochs=1)
    train_classifier_run(run, verbose=0)


def measure(classifier, directory, chunk_objects):
    "Run in a fresh process: run lc_predict once; report its times and the peak memory of this process's only child."
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        done = subprocess.run([shutil.which('lc_predict'), classifier, directory, '--out', str(Path(tmp)/'submission.csv'),
                               '--chunk_objects', str(chunk_objects), '--verbose', '1'], capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode: sys.exit(f"lc_predict failed:\n{done.stderr}")
        n_lines = sum(1 for _ in open(Path(tmp)/'submission.csv')) - 1
    said = lambda pattern: float(re.search(pattern, done.stdout).group(1))    # what lc_predict's summary says
    print(json.dumps(dict(seconds=seconds, load_seconds=said(r'loaded and calibrated in ([\d.]+) s'),
                          stream_seconds=said(r'classified in ([\d.]+) s'), submission_rows=n_lines,
                          peak_rss_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)))


def count_rows(directory) -> tuple[int, int]:
    "Observation rows of the test light-curve files, and objects of the metadata."
    rows = sum(sum(1 for _ in open(p, 'rb')) - 1 for p in Path(directory).glob('test_set_batch*.csv'))
    return rows, sum(1 for _ in open(Path(directory)/'test_set_metadata.csv', 'rb')) - 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--rows', type=float, nargs='+', default=[1e6, 2.2e6, 5e6, 1e7], help='observation rows of each test set (at least)')
    parser.add_argument('--kinds', nargs='+', default=['rnn', 'tokens'], choices=KINDS)
    parser.add_argument('--chunk_objects', type=int, default=2000)
    parser.add_argument('--data_dir', help='keep (and reuse) the simulated sets and the classifiers here instead of a temporary directory')
    parser.add_argument('--measure', nargs=2, metavar=('CLASSIFIER', 'DIRECTORY'), help=argparse.SUPPRESS)
    parser.add_argument('--simulate', nargs=2, metavar=('DIRECTORY', 'N_OBJECTS'), help=argparse.SUPPRESS)
    parser.add_argument('--train', nargs=2, metavar=('ROOT', 'KIND'), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure: return measure(*args.measure, args.chunk_objects)
    if args.simulate: return simulate_test(args.simulate[0], int(args.simulate[1]))
    if args.train: return train(*args.train)
    if not shutil.which('lc_predict'): sys.exit("console script lc_predict is not installed: pip install -e '.[dev]'")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.data_dir or tmp)
        for kind in args.kinds:
            if not (root/kind/'model.keras').exists():
                subprocess.run([sys.executable, __file__, '--train', str(root), kind], check=True)
        sets = {}
        for n_objects in [TINY_OBJECTS] + [int(rows / ROWS_PER_OBJECT * 1.01) + 1 for rows in args.rows]:
            directory = root/f'test_{n_objects}'
            if not (directory/'test_set_metadata.csv').exists():
                subprocess.run([sys.executable, __file__, '--simulate', str(directory), str(n_objects)], check=True)
            sets[directory] = count_rows(directory)
        for (n_rows, n_objects), rows in zip(list(sets.values())[1:], args.rows):
            if n_rows < rows: sys.exit(f"the simulated set has {n_rows:,} rows, fewer than the {rows:,.0f} asked for: raise ROWS_PER_OBJECT's margin")
        print(f"test sets (Kaggle schema, 4 files): " + ', '.join(f"{rows:,} rows of {objects:,} objects" for rows, objects in sets.values()))
        print(f"lc_predict --chunk_objects {args.chunk_objects}, {os.cpu_count()} CPU cores; each run in a fresh process; "
              "wall time and peak RSS of the whole lc_predict run")
        largest = list(sets)[-1]
        for kind in args.kinds:
            for directory, (n_rows, n_objects), env in [*[(d, size, {}) for d, size in sets.items()],
                                                        (largest, sets[largest], {'TF_ENABLE_ONEDNN_OPTS': '0'})]:
                out = subprocess.run([sys.executable, __file__, '--measure', str(root/kind), str(directory),
                                      '--chunk_objects', str(args.chunk_objects)], capture_output=True, text=True, check=True,
                                     env={**os.environ, **env}).stdout
                r = json.loads(out.strip().splitlines()[-1])
                assert r['submission_rows'] == n_objects, (r, n_objects)
                print(f"  {kind:6s}: {n_rows:>10,} rows, {n_objects:>6,} objects: {r['seconds']:5.1f} s in all (start-up "
                      f"{r['seconds'] - r['stream_seconds']:4.1f} s, of which the classifier {r['load_seconds']:.1f} s), "
                      f"streaming {r['stream_seconds']:5.1f} s = {n_rows / r['stream_seconds']:>9,.0f} rows/s, "
                      f"{n_objects / r['stream_seconds']:>6,.0f} objects/s; peak RSS {r['peak_rss_mb']:,.0f} MB"
                      + (" (oneDNN off: TF_ENABLE_ONEDNN_OPTS=0)" if env else ''), flush=True)


if __name__ == '__main__':
    main()
