"""One benchmark result from the runs of `lc_benchmark` that trained other models on the same data, split and seeds
(`benchmark_report.merge_benchmark_results`): every model's comparison with the baseline is made again from the
per-object losses, and every run's command, config, machine and time are kept in `merged_from`.

    python benchmarks/merge_results.py RUN_DIR RUN_DIR [...] --out benchmarks/results
"""
import argparse, json, os
from pathlib import Path
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
from lc_transformer.benchmark_report import load_benchmark_result, load_object_losses, merge_benchmark_results, save_object_losses

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('runs', nargs='+', help='run directories, each with benchmark.json and object_losses.npz')
    parser.add_argument('--out', required=True, help='where to write the merged benchmark.json and object_losses.npz')
    args = parser.parse_args()
    runs = [Path(r) for r in args.runs]
    losses = [load_object_losses(r/'object_losses.npz') for r in runs]
    merged = merge_benchmark_results(*[load_benchmark_result(r/'benchmark.json') for r in runs], losses=losses)
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    (out/'benchmark.json').write_text(json.dumps(merged, indent=1, allow_nan=True))
    save_object_losses(out/'object_losses.npz', {'labels': losses[0]['labels'],
                                                 'models': {n: m for l in losses for n, m in l['models'].items()}})
    print(f"outputs: {out/'benchmark.json'}, {out/'object_losses.npz'} ({', '.join(merged['models'])})")
