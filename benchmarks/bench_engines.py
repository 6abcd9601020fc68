"""Light curves per second of a classifier bundle's two engines, Keras (`model.keras`) and onnxruntime (`model.onnx`,
written by `lc_export`), in one run on the same simulated PLAsTiCC-like test objects.

The model is the built-in `builtin:plasticc-sim-tokens` (or --bundle). Its tokens are made once from the raw test
observations (`tokens_from_observations`, as `lc_predict` does); each engine then classifies them with
`token_probabilities` at each batch size of --batches (objects per model call): model only, from ready tokens. Batch 1
classifies the first --n_single objects one at a time. Every variant first makes one untimed pass (Keras compiles each
input shape); the timed passes alternate between the engines, round after round, and the median of --repeats rounds
counts. The largest difference between the engines' probabilities is printed too. No assertions: timings depend on the
machine and on what else runs on it. The markdown table is printed and written to --out with the date and the machine.

    python benchmarks/bench_engines.py [--bundle builtin:plasticc-sim-tokens] [--n_test 8192] [--n_single 300]
                                       [--batches 1 256 4096] [--repeats 3] [--out benchmarks/results/bench_engines.txt]
"""
import argparse, os, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import pandas as pd
from lc_transformer.bundles import ENGINES, load_classifier
from lc_transformer.metrics import markdown_table
from lc_transformer.prepare import tokens_from_observations
from lc_transformer.simulate import simulate_plasticc
from lc_transformer.token_transformer import token_probabilities
from result_file import measured_machine, write_result

def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--bundle', default='builtin:plasticc-sim-tokens')
    parser.add_argument('--n_test', type=int, default=8192)
    parser.add_argument('--n_single', type=int, default=300)
    parser.add_argument('--batches', type=int, nargs='+', default=[1, 256, 4096])
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--out', default='benchmarks/results/bench_engines.txt')
    args = parser.parse_args()
    this_machine = measured_machine()
    classifiers = {engine: load_classifier(args.bundle, engine) for engine in ENGINES}
    if classifiers['keras'].tokens is None: raise SystemExit(f"{args.bundle} is not a token model: this benchmark times token models")
    spec = classifiers['keras'].tokens
    lcs, meta = simulate_plasticc(args.n_test, 'test', seed=args.seed, first_object_id=10_000_000)
    tokens = tokens_from_observations(lcs[['object_id', 'mjd', 'passband', 'flux', 'flux_err', 'detected']],
                                      meta.set_index('object_id'), None, spec.window, spec.max_tokens)
    single = tokens.select(tokens.object_ids[:args.n_single])
    print(f"{len(tokens):,} test objects with tokens ({tokens.lengths.mean():.1f} tokens on average)", flush=True)
    data = {batch: single if batch == 1 else tokens for batch in args.batches}
    seconds = {(engine, batch): [] for engine in ENGINES for batch in args.batches}
    outputs = {}
    for batch in args.batches:
        for engine, c in classifiers.items(): outputs[engine, batch] = token_probabilities(c.model, data[batch], batch)   # untimed
    for _ in range(args.repeats):
        for batch in args.batches:
            for engine, c in classifiers.items():
                began = time.perf_counter(); token_probabilities(c.model, data[batch], batch)
                seconds[engine, batch].append(time.perf_counter() - began)
    rows = []
    for batch in args.batches:
        rate = {engine: len(data[batch]) / np.median(seconds[engine, batch]) for engine in ENGINES}
        difference = np.abs(outputs['keras', batch] - outputs['onnxruntime', batch]).max()
        rows.append({'objects per call': batch, 'objects timed': len(data[batch]), 'keras LC/s': f"{rate['keras']:,.0f}",
                     'onnxruntime LC/s': f"{rate['onnxruntime']:,.0f}", 'onnxruntime / keras': f"{rate['onnxruntime'] / rate['keras']:.2f}",
                     'largest difference': f"{difference:.1e}"})
    table = markdown_table(pd.DataFrame(rows).set_index('objects per call'))
    write_result(args.out, this_machine, f"bundle {args.bundle}; median of {args.repeats} alternating rounds", table)

if __name__ == '__main__': main()
