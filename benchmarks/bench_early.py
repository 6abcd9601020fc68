"""What training on randomly truncated light curves buys early classification.

Trains each classifier kind twice on the same split of a data source (default: the bundled Bazin set), without
and with `truncated_copies`, and prints the test accuracy against days since the trigger, from the observations
made up to each day only (`metric_vs_time` with the source's causal truncation).

    python benchmarks/bench_early.py [--data data/bazin] [--kinds rnn encoder] [--copies 2] [--epochs 30]
"""
import argparse, os, tempfile, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import pandas as pd
from lc_transformer.data import split_by_object
from lc_transformer.sources import load_dataset, truncation_for
from lc_transformer.config import ClassifierConfig
from lc_transformer.train import train_classifier_run
from lc_transformer.classifier_inputs import final_probabilities
from lc_transformer.evaluate import metric_vs_time

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data', default='data/bazin')
    parser.add_argument('--kinds', nargs='+', default=['rnn', 'encoder'])
    parser.add_argument('--copies', type=int, default=2, help='truncated copies of each training object')
    parser.add_argument('--epochs', type=int, default=30)
    parser.add_argument('--days', type=float, nargs='+', default=[0, 5, 10, 20, 30, 50, 100])
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    lcs = load_dataset(args.data)
    rest, test = split_by_object(lcs, 0.2, seed=args.seed)
    truncate = truncation_for(args.data)
    print(f"{args.data}: {len(rest)} objects for training and validation, {len(test)} for the test; load average {os.getloadavg()[0]:.2f}")
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kinds:
            for copies in (0, args.copies):
                config = ClassifierConfig(out=f'{tmp}/{kind}_{copies}', seed=args.seed).with_options(
                    kind=kind, data=args.data, epochs=args.epochs, truncated_copies=copies)
                start = time.time()
                model, _, _ = train_classifier_run(config, rest, verbose=0)
                curve = metric_vs_time(lambda l: final_probabilities(model, l), test, args.days, truncate=truncate)
                rows[f'{kind}, {copies} truncated copies'] = curve.set_index('days')['accuracy']
                print(f"{kind} with {copies} truncated copies: trained in {time.time() - start:.0f} s", flush=True)
    table = pd.DataFrame(rows).T
    table.columns = [f'day {d:g}' for d in table.columns]
    print('\ntest accuracy against days since the trigger\n' + table.round(3).to_string())

if __name__ == '__main__': main()
