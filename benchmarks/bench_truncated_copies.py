"""Speed of `ObservationSet.with_truncated_copies` (truncated copies made from the raw observations) and of making the
causal inputs of the copied set, on a simulated PLAsTiCC training set.

Prints, best of --repeats: the seconds to make --copies copies of each of --n_objects objects, then the seconds to make
the grid light curves (`sources.light_curves_of`) and the tokens (`sources.tokens_of`) of the originals and copies, with
the load average (timings depend on what else runs on the machine; no assertions).

    python benchmarks/bench_truncated_copies.py [--n_objects 10000] [--copies 1 4] [--repeats 3] [--seed 1]
"""
import argparse, os, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
from lc_transformer.data import PLASTICC_TRAIN_TARGETS
from lc_transformer.observations import ObservationSet
from lc_transformer.simulate import simulate_plasticc
from lc_transformer.sources import light_curves_of, tokens_of

def best_of(repeats, make):
    "The result of `make()` and the least of `repeats` timings, in seconds."
    best = float('inf')
    for _ in range(repeats):
        start = time.perf_counter()
        out = make()
        best = min(best, time.perf_counter() - start)
    return out, best

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--n_objects', type=int, default=10_000)
    parser.add_argument('--copies', type=int, nargs='+', default=[1, 4])
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--seed', type=int, default=1)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    observations, metadata = simulate_plasticc(args.n_objects, 'train', seed=args.seed)
    originals = ObservationSet(observations, metadata.set_index('object_id'), PLASTICC_TRAIN_TARGETS)
    print(originals)
    for n_copies in args.copies:
        copied, seconds = best_of(args.repeats, lambda: originals.with_truncated_copies(n_copies, seed=0))
        print(f"with_truncated_copies({n_copies}): {seconds:.3f} s -> {copied}")
        fresh = lambda: ObservationSet(copied.observations, copied.metadata, copied.classes)   # inputs not made yet
        _, grid = best_of(args.repeats, lambda: light_curves_of(fresh()))
        _, tokens = best_of(args.repeats, lambda: tokens_of(fresh()))
        print(f"  inputs of the {len(copied):,} objects: grid {grid:.2f} s, tokens {tokens:.2f} s")
    print(f"load average {os.getloadavg()[0]:.2f}")
