"""Speed of `lc_transformer.features.object_features` (avocado-style GP features): objects per second with one and
two worker processes, on a simulated PLAsTiCC test set (about 5% deep-drilling objects of ~400 observations).

Usage: python benchmarks/bench_features.py [--n_objects 5000] [--seed 1] [--n_jobs 1 2]
"""
import argparse, os, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
from lc_transformer.features import object_features
from lc_transformer.simulate import simulate_plasticc

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--n_objects', type=int, default=5000)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--n_jobs', type=int, nargs='+', default=[1, 2])
    args = parser.parse_args()
    light_curves, metadata = simulate_plasticc(args.n_objects, 'test', seed=args.seed)
    metadata = metadata.set_index('object_id')
    rows = light_curves.groupby('object_id').size()
    print(f"{args.n_objects} simulated test objects, {len(light_curves):,} observations "
          f"(median {rows.median():.0f}, max {rows.max()} per object, {metadata.ddf.mean():.1%} deep-drilling), {os.cpu_count()} CPUs")
    for n_jobs in args.n_jobs:
        start = time.perf_counter()
        features = object_features(light_curves, metadata, n_jobs=n_jobs)
        seconds = time.perf_counter() - start
        print(f"n_jobs={n_jobs}: {len(features) / seconds:.0f} objects/s ({seconds:.1f} s, {features.shape[1]} features)")
