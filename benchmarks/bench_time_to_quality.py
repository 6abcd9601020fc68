"""Time to quality of the autoencoder and of the encoder classifier for a reference size and smaller ones, on the
bundled Bazin set (3,000 objects) or on the benchmark's training set (`--data benchmark`: the 7,848 simulated
PLAsTiCC-like training objects of `lc_benchmark` on its 70-step grid), 20% of the objects for validation. On the
bundled set, the autoencoder's reference size also runs in float32 against mixed_bfloat16 (equal results: the
validation loss after the same epochs; float32 trains for the reference's epochs, not within its time).
On the benchmark's training set, `--part tokens` times the token classifier (the benchmark's token run: batches of
128, the challenge's class weights) at its default size and larger ones, and the default size with the cosine
schedule (which keeps the default's epochs: it decays over them); the FLOPs are those of the longest sequence.

The first configuration of a part (the autoencoder's reference size, the encoder classifier's default) trains
for a fixed number of epochs; its best validation loss
(the mean over the seeds) is the quality target and its training time the budget. Every other configuration
trains for as many epochs as fit in that budget (the epoch that crosses it ends the run), so a smaller model gets
more epochs. A configuration's time to quality is the wall time of training (validation included) until its
validation loss first reaches the target, and "never" if it does not within the budget. The losses are named
exactly: the autoencoder's validation loss is the weighted MSE of its teacher-forced reconstruction over the
observed points (weights 1/sigma^2 normalised as in `WeightedLoss`) plus the KL sparsity penalty; the classifier's
is the categorical cross-entropy with every object weighing 1 on the bundled set, and on the benchmark the PLAsTiCC
challenge's class-weighted log-loss (`kaggle_weighted_log_loss`, the benchmark's headline score) of the validation
objects, computed after every epoch (that computation is not counted in the time).

    python benchmarks/bench_time_to_quality.py [--data bundled|benchmark] [--part ae classifier] [--epochs_ae 6]
        [--epochs_classifier 10] [--seeds 0]

Prints a table per part and writes them with every run's history to --out (JSON)."""
import argparse, json, os, tempfile, time
from pathlib import Path
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import keras
from lc_transformer.benchmark import BenchmarkConfig, BenchmarkDataConfig, benchmark_data, machine
from lc_transformer.data import split_by_object, BUILTIN_BAZIN
from lc_transformer.metrics import kaggle_weighted_log_loss
from lc_transformer.classifier_inputs import final_probabilities
from lc_transformer.sources import load_dataset, light_curves_of, tokens_of
from lc_transformer.token_transformer import token_probabilities
from lc_transformer.config import TrainConfig, ClassifierConfig
from lc_transformer.train import train_autoencoder, train_classifier_run
from lc_transformer.distribute import resolve_precision
from lc_transformer.transformer import forward_flops

AE_DEFAULT = dict(d_model=128, num_layers=8, num_heads=8, dff=64)
AE_SIZES = {'reference (128, 8+8 layers)': AE_DEFAULT, '64, 4+4 layers': dict(d_model=64, num_layers=4, num_heads=8, dff=64),
            '32, 2+2 layers': dict(d_model=32, num_layers=2, num_heads=4, dff=64)}
AE_SIZES_BENCHMARK = {'default (32, 2+2 layers)': dict(d_model=32, num_layers=2, num_heads=4, dff=64),
                      '32, 1+1 layers': dict(d_model=32, num_layers=1, num_heads=4, dff=64),
                      '16, 1+1 layers': dict(d_model=16, num_layers=1, num_heads=2, dff=32)}
MAX_EPOCHS = 1000                                   # the time budget ends the smaller configurations' runs
TOKEN_CONFIGURATIONS = {'default (32, 1 layer), constant': {}, '32, 2 layers, constant': dict(num_layers=2),
                        '64, 2 layers, constant': dict(d_model=64, num_layers=2, num_heads=4, dff=128),
                        'default (32, 1 layer), cosine': {'options.schedule': 'cosine'}}
CLASSIFIER_SIZES = {'default (32, 2 layers)': dict(d_model=32, num_layers=2, num_heads=4, dff=64),
                    '32, 1 layer': dict(d_model=32, num_layers=1, num_heads=4, dff=64),
                    '16, 1 layer': dict(d_model=16, num_layers=1, num_heads=2, dff=32)}

class EpochClock(keras.callbacks.Callback):
    """Wall seconds since training began, at the end of every epoch (validation included), and the epoch's `score(model)`
    if given (its own time not counted); stops after `budget` seconds."""
    def __init__(self, budget=None, score=None): super().__init__(); self.budget, self.score = budget, score
    def on_train_begin(self, logs=None): self.began, self.seconds, self.scores = time.perf_counter(), [], []
    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.began)
        if self.score is not None:
            scoring_began = time.perf_counter()
            self.scores.append(float(self.score(self.model)))
            self.began += time.perf_counter() - scoring_began
        if self.budget is not None and self.seconds[-1] >= self.budget: self.model.stop_training = True

def timed_run(train, config, lcs, budget=None, score=None):
    "One training run: its quality after every epoch (`score(model)`, or the validation loss) and the seconds until then."
    clock = EpochClock(budget, score)
    history = train(config, lcs, verbose=0, callbacks=[clock])[1]
    return {'quality': clock.scores if score else [float(v) for v in history['val_loss']], 'seconds': clock.seconds}

def time_to(run, target):
    "Seconds until the quality (lower is better) first reaches `target`, or None."
    return next((s for loss, s in zip(run['quality'], run['seconds']) if loss <= target), None)

def part_table(name, runs, default, steps, measure):
    "Print and return the summary of one part: best quality, time to the first configuration's quality, FLOPs per light curve."
    target = float(np.mean([min(r['quality']) for r in runs[default]]))
    rows = []
    print(f"\n{name}: target = {target:.5g}, the best {measure} of '{default}' (mean over seeds)")
    print(f"{'configuration':42} {'best':>10} {'time to target (s)':>19} {'epochs':>7} {'s per epoch':>12} {'MFLOP/LC':>9}")
    for label, seed_runs in runs.items():
        best = [min(r['quality']) for r in seed_runs]
        reached = [time_to(r, target) for r in seed_runs]
        per_epoch = np.median([np.diff([0, *r['seconds']]) for r in seed_runs])
        shown = ', '.join('never' if t is None else f"{t:.0f}" for t in reached)
        flops = steps[label] / 1e6
        print(f"{label:42} {np.mean(best):10.5g} {shown:>19} {len(seed_runs[0]['quality']):7d} {per_epoch:12.1f} {flops:9.0f}")
        rows.append({'configuration': label, 'best': best, 'seconds_to_target': reached,
                     'seconds_per_epoch': float(per_epoch), 'forward_mflop_per_light_curve': flops})
    return {'measure': measure, 'target': target, 'rows': rows}

def sweep(name, configs, epochs, seeds, lcs, measure='validation loss', score=None):
    """Train every configuration, `label -> (train, config of a seed, forward FLOPs, keeps the first's epochs)`: the first
    for `epochs` (its time is the budget), each other for `epochs` if it keeps them, else within the budget."""
    runs, flops, budget = {}, {}, None
    for label, (train, config, flops[label], same_epochs) in configs.items():
        fixed = budget is None or same_epochs
        n_epochs = epochs if fixed else MAX_EPOCHS
        runs[label] = [timed_run(train, config(seed).with_options(epochs=n_epochs, patience=n_epochs), lcs,
                                 None if fixed else budget, score and score(seed)) for seed in seeds]
        budget = budget or float(np.mean([r['seconds'][-1] for r in runs[label]]))
        print(f"  {label}: best {measure} {[min(r['quality']) for r in runs[label]]}", flush=True)
    return {**part_table(f"{name}, {epochs} epochs", runs, next(iter(configs)), flops, measure), 'runs': runs}

def benchmark_training_set(directory):
    "The benchmark's training objects (`ObservationSet`) and config, simulated into `directory` unless they are there."
    config = BenchmarkConfig(out=str(directory))
    if (directory/'data').is_dir(): config.data = BenchmarkDataConfig(source=str(directory/'data'))
    return benchmark_data(config)[0], config

def validation_kaggle_log_loss(lcs, valid_fraction=0.2, probabilities=final_probabilities):
    "`seed -> score(model)`: the Kaggle-weighted log-loss on the validation objects that training with `seed` holds out."
    def for_seed(seed):
        valid = split_by_object(lcs, valid_fraction, seed=seed)[1]
        return lambda model: kaggle_weighted_log_loss(valid.labels, probabilities(model, valid), valid.class_codes)
    return for_seed

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data', default='bundled', choices=['bundled', 'benchmark'])
    parser.add_argument('--benchmark_dir', default='runs/benchmark', help="the benchmark's directory: its data/ is read if there")
    parser.add_argument('--part', nargs='+', default=['ae', 'classifier'], choices=['ae', 'classifier', 'tokens'])
    parser.add_argument('--epochs_ae', type=int, default=6)
    parser.add_argument('--epochs_classifier', type=int, default=10)
    parser.add_argument('--epochs_tokens', type=int, default=60, help="the token classifier's epochs (the benchmark's at most)")
    parser.add_argument('--seeds', type=int, nargs='+', default=[0])
    parser.add_argument('--out', help='JSON results (default benchmarks/results/time_to_quality[_benchmark].json)')
    args = parser.parse_args()
    on_benchmark = args.data == 'benchmark'
    if 'tokens' in args.part and not on_benchmark: parser.error("--part tokens needs --data benchmark (the bundled set has no observations)")
    out = args.out or f"benchmarks/results/time_to_quality{'_benchmark' if on_benchmark else ''}.json"
    info = machine()
    if on_benchmark:
        train, benchmark = benchmark_training_set(Path(args.benchmark_dir))
        lcs = light_curves_of(train, benchmark.grid)
    else: lcs = load_dataset(BUILTIN_BAZIN)
    print(f"{info['cores']} CPU cores, fp32 matmul peak {info['matmul_peak_gflops']:.0f} GFLOP/s (numpy 2048x2048), "
          f"precision 'auto' = {resolve_precision()}; {args.data} data: {len(lcs):,} objects, {lcs.n_steps} steps")
    steps = lcs.flux.shape[1]
    result = {'machine': info}
    with tempfile.TemporaryDirectory() as tmp:
        if 'ae' in args.part:
            ae_flops = lambda size: forward_flops(steps, lcs.n_filters, size['d_model'], size['num_layers'], size['dff'])
            ae = lambda size, precision: lambda seed: TrainConfig(out=f'{tmp}/ae', seed=seed, precision=precision).with_options(**size)
            configs = {f"{label}, {resolve_precision()}": (train_autoencoder, ae(size, 'auto'), ae_flops(size), False)
                       for label, size in (AE_SIZES_BENCHMARK if on_benchmark else AE_SIZES).items()}
            if not on_benchmark:
                configs["reference (128, 8+8 layers), float32"] = (train_autoencoder, ae(AE_DEFAULT, 'float32'), ae_flops(AE_DEFAULT), True)
            result['autoencoder'] = sweep('autoencoder', configs, args.epochs_ae, args.seeds, lcs)
        if 'classifier' in args.part:
            classifier = lambda size: lambda seed: ClassifierConfig(kind='encoder', out=f'{tmp}/classifier', seed=seed).with_options(**size)
            configs = {label: (train_classifier_run, classifier(size),
                               forward_flops(steps, lcs.n_filters, size['d_model'], size['num_layers'], size['dff'], decoder=False), False)
                       for label, size in CLASSIFIER_SIZES.items()}
            quality = (dict(measure='validation Kaggle-weighted log-loss', score=validation_kaggle_log_loss(lcs))
                       if on_benchmark else {})
            result['classifier'] = sweep('encoder classifier', configs, args.epochs_classifier, args.seeds, lcs, **quality)
        if 'tokens' in args.part:
            tokens = tokens_of(train, benchmark.tokens.options.tokens)
            longest = int(np.diff(tokens.offsets).max())
            token_run = lambda options: lambda seed: benchmark.tokens.with_options(out=f'{tmp}/tokens', seed=seed, **options)
            configs = {}
            for label, options in TOKEN_CONFIGURATIONS.items():
                size = token_run(options)(0).options.size
                flops = forward_flops(longest, lcs.n_filters, size.d_model, size.num_layers, size.dff, decoder=False)
                configs[label] = (train_classifier_run, token_run(options), flops, options.get('options.schedule') == 'cosine')
            result['tokens'] = sweep('token classifier', configs, args.epochs_tokens, args.seeds, tokens,
                                     measure='validation Kaggle-weighted log-loss',
                                     score=validation_kaggle_log_loss(tokens, probabilities=token_probabilities))
    with open(out, 'w') as f: json.dump(result, f, indent=1)
    print(f"written to {out}")

if __name__ == '__main__': main()
