"""Learning curves: the Kaggle-weighted log-loss (with class 99, the challenge's metric) of LightGBM with avocado's
augmentation and of a token Transformer against the number of labelled training objects, on one simulation.

For each size of --sizes, `lc_benchmark` runs with that many simulated training objects and the same test objects
(--n_test of the same simulation seed, so every size is scored on the same objects), --seeds training seeds, and the
benchmark's settings otherwise (causal truncated copies, challenge class weights, calibration on the validation
objects). Each row holds both models' means over the seeds, the Transformer's lead over LightGBM (model minus
baseline: per seed and the 95% bootstrap interval over test objects resampled within class) and the verdict, from the
run's own `benchmark.json`. The training sets are the benchmark's: the simulator's spectroscopic selection, as
PLAsTiCC's training set was (brighter, lower redshift than the test set); the benchmark has no representative one.

The sizes at which the curves would cross are read off a straight line through the leads against log10(size) (least
squares over the sizes run): printed, and written with every run's figures to --out (JSON) and the plot to --plot.
Use a development simulation seed (`benchmark.DEVELOPMENT_SEEDS`): the sizes and models are design choices.

    python benchmarks/learning_curve.py [--sizes 1000 4000 16000] [--n_test 5000] [--seeds 1] [--simulation_seed 20]
        [--model tokens_tabular_augmented] [--config CONFIG] [--out benchmarks/results/learning_curve.json]
"""
import argparse, json, os, time
from pathlib import Path
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
from lc_transformer.benchmark import BenchmarkConfig, run_benchmark, machine

BASELINE = 'features_lightgbm_augmented'

def learning_curve(sizes, model:str, n_test:int, seeds:int, simulation_seed:int, out:Path, config:BenchmarkConfig) -> list:
    "One row per training-set size: both models' mean log-loss, the model's lead over the baseline, and the run's time."
    rows = []
    for size in sizes:
        run = config.with_options(out=str(out/f'n_train_{size}'), models=(BASELINE, model), baseline=BASELINE, seeds=seeds,
                                  **{'data.n_train': size, 'data.n_test': n_test, 'data.simulation_seed': simulation_seed})
        began = time.perf_counter()
        result = run_benchmark(run, verbose=1, command=f'learning_curve.py n_train {size}')
        lead = result['comparisons']['models'][model]['test']
        rows.append(dict(n_train=size, seconds=time.perf_counter() - began,
                         **{name: result['models'][name]['summary']['kaggle_weighted_log_loss']['mean'] for name in (BASELINE, model)},
                         lead=lead['difference'], per_seed=lead['per_seed'], interval=lead['interval'], verdict=lead['verdict']))
        print(f"n_train {size}: {BASELINE} {rows[-1][BASELINE]:.3f}, {model} {rows[-1][model]:.3f}, lead {lead['difference']:+.3f} "
              f"[{lead['interval'][0]:+.3f}, {lead['interval'][1]:+.3f}] {lead['verdict']}", flush=True)
    return rows

def crossing_size(rows:list) -> float|None:
    "The training-set size where a straight line through the leads against log10(size) crosses zero (None: it never does)."
    if len(rows) < 2: return None
    slope, intercept = np.polyfit(np.log10([r['n_train'] for r in rows]), [r['lead'] for r in rows], 1)
    return float(10 ** (-intercept / slope)) if slope < 0 else None

def plot(rows:list, model:str, path:Path):
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 4))
    sizes = [r['n_train'] for r in rows]
    for name in (BASELINE, model): ax.plot(sizes, [r[name] for r in rows], 'o-', label=name)
    ax.set(xscale='log', xlabel='labelled training objects', ylabel='Kaggle-weighted log-loss (with class 99)')
    ax.legend(); fig.tight_layout(); fig.savefig(path, dpi=110)

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--sizes', type=int, nargs='+', default=[1000, 4000, 16000])
    parser.add_argument('--n_test', type=int, default=5000)
    parser.add_argument('--seeds', type=int, default=1)
    parser.add_argument('--simulation_seed', type=int, default=20)
    parser.add_argument('--model', default='tokens_tabular_augmented')
    parser.add_argument('--config', help="a benchmark config.json to start from (the token model's options, say)")
    parser.add_argument('--runs', default='runs/learning_curve', help='where the runs write')
    parser.add_argument('--out', default='benchmarks/results/learning_curve.json')
    parser.add_argument('--plot', default='benchmarks/results/learning_curve.png')
    args = parser.parse_args()
    config = BenchmarkConfig.load(args.config) if args.config else BenchmarkConfig()
    rows = learning_curve(args.sizes, args.model, args.n_test, args.seeds, args.simulation_seed, Path(args.runs), config)
    crossing = crossing_size(rows)
    print(f"the lead of {args.model} over {BASELINE} would reach zero at "
          + (f"about {crossing:,.0f} training objects" if crossing else "no size: it does not shrink with more data")
          + " (straight line in log10(size) through the sizes run)")
    Path(args.out).write_text(json.dumps(dict(model=args.model, baseline=BASELINE, simulation_seed=args.simulation_seed,
                                              n_test=args.n_test, seeds=args.seeds, machine=machine(), rows=rows,
                                              crossing_size=crossing), indent=1))
    plot(rows, args.model, Path(args.plot))
    print(f"outputs: {args.out}, {args.plot}")
