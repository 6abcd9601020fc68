"""Learning curves: the Kaggle-weighted log-loss (with class 99, the challenge's metric) of LightGBM with avocado's
augmentation and of a token Transformer against the number of labelled training objects, on one simulation, for the
spectroscopic training set (PLAsTiCC's kind: brighter, nearer, in the training proportions) or a representative one
(drawn as the test set is: `lc_benchmark --representative_training`), with --min_train_per_class objects of each class
at least (a representative set of a few thousand objects holds one kilonova).

For each size of --sizes, `lc_benchmark` runs with that many simulated training objects and the same test objects
(--n_test of the same simulation seed, so every size and both selections are scored on the same objects), --seeds
training seeds, and the benchmark's settings otherwise (causal truncated copies, challenge class weights, calibration
on the validation objects). Each row holds both models' means over the seeds, the model's lead over LightGBM (model
minus baseline: per seed and the 95% bootstrap interval over test objects resampled within class), the verdict, the
same at each day of the early curve, and the machine and date of its run, from the run's own `benchmark.json`.

A run that stops (the 200,000-object sizes take hours) goes on with --resume: the same command reuses the model
runs it scored and trains the rest from their last finished epoch (`lc_benchmark --resume`); such a row lists the
runs it reused, and its seconds are those of its last process.

--out keeps one curve per selection and training floor: a run adds its rows to its curve (a size run again replaces its
row) and leaves the other curves alone, so the sizes of a curve may come from several sessions; a file made with other
settings (model, simulation seed, test objects, seeds, class floor) is refused. The size at which each curve's lead
would cross zero is read off a straight line through the leads against log10(size), least squares over its sizes:
printed, and written to --out with the plot of both curves to --plot. Use a development simulation seed
(`benchmark.DEVELOPMENT_SEEDS`): the sizes and models are design choices.

    python benchmarks/learning_curve.py [--sizes 1000 4000 16000] [--representative] [--min_train_per_class 0] [--n_test 5000] [--seeds 1]
        [--simulation_seed 20] [--min_test_per_class 0] [--model tokens_tabular_augmented] [--config CONFIG] [--quick]
        [--resume] [--out benchmarks/results/learning_curve.json]
"""
import argparse, json, os, time
from pathlib import Path
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
from lc_transformer.benchmark import BenchmarkConfig, QUICK, run_benchmark
from lc_transformer.benchmark_report import plot_learning_curves

BASELINE = 'features_lightgbm_augmented'
SELECTIONS = ('spectroscopic', 'representative')

def curve_name(selection:str, min_train_per_class:int) -> str:
    "The name of a curve in a learning-curve file: the selection, and the training floor if there is one."
    return selection + (f', at least {min_train_per_class} per class' if min_train_per_class else '')

def learning_curve(sizes, model:str, selection:str, min_train_per_class:int, settings:dict, out:Path, config:BenchmarkConfig,
                   resume:bool=False) -> list:
    "One row per training-set size of `selection`: both models' mean log-loss, the model's lead over the baseline, the run's time and machine."
    rows, name = [], curve_name(selection, min_train_per_class)
    for size in sizes:
        run = config.with_options(out=str(out/name.replace(', ', '_').replace(' ', '_')/f'n_train_{size}'), models=(BASELINE, model),
                                  baseline=BASELINE, seeds=settings['seeds'],
                                  **{'data.n_train': size, 'data.n_test': settings['n_test'], 'data.simulation_seed': settings['simulation_seed'],
                                     'data.min_test_per_class': settings['min_test_per_class'], 'data.min_train_per_class': min_train_per_class,
                                     'data.representative_training': selection == 'representative'})
        began = time.perf_counter()
        result = run_benchmark(run, verbose=1, command=f'learning_curve.py {name} n_train {size}', resume=resume)
        rows.append(curve_row(result, model, time.perf_counter() - began))
        row = rows[-1]
        print(f"{name} n_train {size}: {BASELINE} {row[BASELINE]:.3f}, {model} {row[model]:.3f}, lead {row['lead']:+.3f} "
              f"[{row['interval'][0]:+.3f}, {row['interval'][1]:+.3f}] {row['verdict']}", flush=True)
    return rows

def curve_row(result:dict, model:str, seconds:float) -> dict:
    "The row of a learning curve from a benchmark result of the baseline and `model`, with the lead at each day of the early curve."
    comparison = result['comparisons']['models'][model]
    lead = comparison['test']
    early = [dict(day=day, lead=c['difference'], interval=c['interval'], verdict=c['verdict'])
             for day, c in zip(result['early_days'], comparison['early'])]
    reused = [r['reused_from'] for name in (BASELINE, model) for r in result['models'][name]['runs'] if 'reused_from' in r]
    return dict(n_train=result['data']['n_train'], seconds=seconds, machine=result['machine'], created=result['created'],
                **({'reused': reused} if reused else {}),
                **{name: result['models'][name]['summary']['kaggle_weighted_log_loss']['mean'] for name in (BASELINE, model)},
                lead=lead['difference'], per_seed=lead['per_seed'], interval=lead['interval'], verdict=lead['verdict'], early=early)

def crossing_size(rows:list) -> float|None:
    "The training-set size where a straight line through the leads against log10(size) crosses zero (None: it never does)."
    if len(rows) < 2: return None
    slope, intercept = np.polyfit(np.log10([r['n_train'] for r in rows]), [r['lead'] for r in rows], 1)
    return float(10 ** (-intercept / slope)) if slope < 0 else None

def stored_curves(path:Path, settings:dict) -> dict:
    "The curves of the learning-curve file at `path` (none if it does not exist); a ValueError if it was made with other settings."
    if not path.exists(): return {}
    stored = json.loads(path.read_text())
    differ = {k: (stored.get(k), v) for k, v in settings.items() if stored.get(k) != v}
    if differ: raise ValueError(f"{path} holds curves made with other settings (stored, asked): {differ}; choose another --out")
    return stored['curves']

def with_rows(curves:dict, name:str, rows:list) -> dict:
    "`curves` with `rows` in the curve `name` (replacing rows of the same size), sorted by size, its crossing size again."
    kept = [r for r in curves.get(name, {}).get('rows', []) if r['n_train'] not in {row['n_train'] for row in rows}]
    merged = sorted(kept + rows, key=lambda r: r['n_train'])
    return {**curves, name: dict(rows=merged, crossing_size=crossing_size(merged))}

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--sizes', type=int, nargs='+', default=[1000, 4000, 16000])
    parser.add_argument('--representative', action='store_true', help='a representative training set, not a spectroscopic one')
    parser.add_argument('--min_train_per_class', type=int, default=0, help="the training set's class floor (0: the selection's proportions)")
    parser.add_argument('--n_test', type=int, default=5000)
    parser.add_argument('--seeds', type=int, default=1)
    parser.add_argument('--simulation_seed', type=int, default=20)
    parser.add_argument('--min_test_per_class', type=int, default=0, help="the test set's class floor (0: PLAsTiCC's proportions)")
    parser.add_argument('--model', default='tokens_tabular_augmented')
    parser.add_argument('--config', help="a benchmark config.json to start from (the token model's options, say)")
    parser.add_argument('--quick', action='store_true', help="the benchmark's quick settings (tiny models; for tests)")
    parser.add_argument('--runs', default='runs/learning_curve', help='where the runs write')
    parser.add_argument('--resume', action='store_true', help='go on with stopped runs of these settings (lc_benchmark --resume)')
    parser.add_argument('--out', default='benchmarks/results/learning_curve.json')
    parser.add_argument('--plot', default='benchmarks/results/learning_curve.png')
    args = parser.parse_args()
    config = BenchmarkConfig.load(args.config) if args.config else BenchmarkConfig()
    if args.quick: config = config.with_options(**QUICK)
    settings = dict(model=args.model, baseline=BASELINE, simulation_seed=args.simulation_seed, n_test=args.n_test,
                    seeds=args.seeds, min_test_per_class=args.min_test_per_class)
    try: stored_curves(Path(args.out), settings)
    except ValueError as e: parser.error(str(e))
    selection = SELECTIONS[args.representative]
    name = curve_name(selection, args.min_train_per_class)
    rows = learning_curve(args.sizes, args.model, selection, args.min_train_per_class, settings, Path(args.runs), config, args.resume)
    curves = with_rows(stored_curves(Path(args.out), settings), name, rows)     # read again: another run may have added rows
    crossing = curves[name]['crossing_size']
    print(f"{name}: the lead of {args.model} over {BASELINE} would reach zero at "
          + (f"about {crossing:,.0f} training objects" if crossing else "no size: it does not shrink with more data")
          + " (straight line in log10(size) through the sizes run)")
    Path(args.out).write_text(json.dumps(dict(settings, curves=curves), indent=1))
    plot_learning_curves(dict(settings, curves=curves)).savefig(args.plot, dpi=110)
    print(f"outputs: {args.out}, {args.plot}")
