"""Before and after: the same models in two `lc_benchmark` runs on the same test objects (same simulation seed and sizes),
one changed setting apart. For each model in both runs and each training seed in both: the Kaggle-weighted log-loss of
the run AFTER minus that of the run BEFORE, seed by seed, with a bootstrap interval over the test objects (resampled
within class) and the verdict ('better' where every seed and the interval are below zero, 'worse' where all are above,
else 'no change'), from the per-object losses each run stored in object_losses.npz; then the same at each early day.

Runs on different test objects (two simulators, say) cannot be paired object by object. With --across_data, each run
is instead summarised by every model's lead over that run's own baseline (model minus baseline, paired within the
run, on the seeds both runs have), side by side: what the change of data does to each model's standing.

    python benchmarks/compare_runs.py RUN_BEFORE RUN_AFTER [--n_boot 1000] [--out table.md] [--across_data]
"""
import argparse, os
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import pandas as pd
from lc_transformer.benchmark_report import load_benchmark_result, load_object_losses, paired_comparison
from lc_transformer.metrics import class_weighted_mean, plasticc_class_weights, markdown_table

VERDICTS = {'ahead': 'better', 'behind': 'worse', 'tie': 'no change'}

def run_files(directory):
    "The result and the per-object losses of a run directory."
    return load_benchmark_result(os.path.join(directory, 'benchmark.json')), load_object_losses(os.path.join(directory, 'object_losses.npz'))

def compare_runs(before:str, after:str, n_boot:int=1000) -> pd.DataFrame:
    "One row per model and day ('all' for the whole test set): both means over the common seeds, the paired difference and its verdict."
    (result_before, losses_before), (result_after, losses_after) = run_files(before), run_files(after)
    for key in ('n_test', 'n_test_observations', 'class_counts_test'):
        if result_before['data'].get(key) != result_after['data'].get(key):
            raise ValueError(f"the runs differ in data.{key}: {result_before['data'].get(key)} and {result_after['data'].get(key)}")
    if not np.array_equal(losses_before['labels']['test'], losses_after['labels']['test']):
        raise ValueError("the runs' test objects differ: compare runs of one simulation and size")
    seeds = [s for s in result_after['seeds'] if s in result_before['seeds']]
    rows = lambda result: [result['seeds'].index(s) for s in seeds]
    codes = result_after['class_codes']
    weights = plasticc_class_weights(codes)
    table = []
    for model in (m for m in result_after['models'] if m in result_before['models']):
        b, a = losses_before['models'][model], losses_after['models'][model]
        sets = [('all', b['test'], a['test'], losses_after['labels']['test'])]
        sets += [(day, bd, ad, labels) for day, bd, ad, labels in zip(result_after['early_days'], b['early'], a['early'],
                                                                      losses_after['labels']['early'])]
        for day, loss_before, loss_after, labels in sets:
            loss_before, loss_after = loss_before[rows(result_before)], loss_after[rows(result_after)]
            c = paired_comparison(loss_after, loss_before, labels, codes, n_boot)
            mean = lambda losses: np.mean([class_weighted_mean(l, labels, weights) for l in losses])
            table.append(dict(model=model, day=day, before=mean(loss_before), after=mean(loss_after), difference=c['difference'],
                              per_seed=' '.join(f'{d:+.3f}' for d in c['per_seed']),
                              interval=f"[{c['interval'][0]:+.3f}, {c['interval'][1]:+.3f}]", verdict=VERDICTS[c['verdict']]))
    return pd.DataFrame(table).round(3)

def leads_over_baseline(before:str, after:str, n_boot:int=1000) -> pd.DataFrame:
    "One row per model and day: each run's mean and its lead over its own baseline (interval, verdict), on the seeds both runs have."
    runs = dict(before=run_files(before), after=run_files(after))
    baseline = runs['after'][0]['config']['baseline']
    for name, (result, _) in runs.items():
        if result['config']['baseline'] != baseline or baseline not in result['models']:
            raise ValueError(f"the {name} run has no result for the baseline {baseline} (its baseline: {result['config']['baseline']})")
    seeds = [s for s in runs['after'][0]['seeds'] if s in runs['before'][0]['seeds']]
    days = [d for d in runs['after'][0]['early_days'] if d in runs['before'][0]['early_days']]
    models = [m for m in runs['after'][0]['models'] if m in runs['before'][0]['models']]
    table = []
    for model in models:
        for day in ['all', *days]:
            row = dict(model=model, day=day)
            for name, (result, losses) in runs.items():
                rows = [result['seeds'].index(s) for s in seeds]
                pick = (lambda l: l['test']) if day == 'all' else (lambda l: l['early'][result['early_days'].index(day)])
                labels, codes = pick(losses['labels']), result['class_codes']
                model_losses, weights = pick(losses['models'][model])[rows], plasticc_class_weights(codes)
                row[name] = np.mean([class_weighted_mean(l, labels, weights) for l in model_losses])
                if model != baseline:
                    c = paired_comparison(model_losses, pick(losses['models'][baseline])[rows], labels, codes, n_boot)
                    row[f'{name}_lead'] = (f"{c['difference']:+.3f} [{c['interval'][0]:+.3f}, {c['interval'][1]:+.3f}] "
                                           f"{c['verdict']}")
                else: row[f'{name}_lead'] = 'baseline'
            table.append(row)
    return pd.DataFrame(table)[['model', 'day', 'before', 'before_lead', 'after', 'after_lead']].round(3)

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('before'); parser.add_argument('after')
    parser.add_argument('--n_boot', type=int, default=1000)
    parser.add_argument('--out', help='also write the table as Markdown to this file')
    parser.add_argument('--across_data', action='store_true', help="runs on different test objects: each model's lead over "
                                                                   "its run's baseline, side by side")
    args = parser.parse_args()
    if args.across_data:
        table = leads_over_baseline(args.before, args.after, args.n_boot)
        print(f"Kaggle-weighted log-loss in each run and model minus baseline (95% interval, verdict); seeds in both runs")
    else:
        table = compare_runs(args.before, args.after, args.n_boot)
        print(f"after ({args.after}) minus before ({args.before}), Kaggle-weighted log-loss; seeds in both runs")
    print(table.to_string(index=False))
    if args.out:
        with open(args.out, 'w') as f: f.write(markdown_table(table.set_index('model'), digits=3) + '\n')
