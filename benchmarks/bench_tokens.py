"""Speed and accuracy of the token Transformer (`lc_transformer.token_transformer`) beside the grid encoder + FFN, in one
run on the same simulated PLAsTiCC-like objects.

For each token-model size, and for the grid encoder + FFN of `lc_benchmark` (d_model 32, 2 layers, 4 heads, dff 64):
- inputs: light curves per second of making the model's inputs from the raw test observations (`tokens_from_observations`,
  or the grid of `ObservationSet.light_curves`); the same for every token size;
- inference, model only: light curves per second from ready inputs (`token_probabilities` / `final_probabilities`), with
  XLA (`jit_compile=True`, what 'auto' picks) and without, at each batch size of --batches; the best batch is reported.
  Every variant first makes one untimed pass over the whole test set (it compiles every input shape);
- end to end: raw observations -> inputs -> probabilities, with the fastest inference variant;
- training: light curves per second of the training part of the epochs after the first (the first compiles), median;
- scores on the test set after --epochs epochs (early stopping on the validation loss, patience 5), calibrated on the
  validation objects with a fitted class-99 column exactly as `lc_benchmark`'s `score_model` does; the names are those of
  `metrics.classification_scores`, and `accuracy_without_99` is its `accuracy` on the objects of the known classes, the
  class-99 column dropped (`metrics.without_class_99`).
The timed passes alternate between the models, round after round, and the best round counts: the least disturbed by
other jobs on a shared machine. No assertions: timings depend on the machine and on what else runs on it (the load average
is printed at the start and the end). The markdown table is printed and written to --out with the date and the machine.

    python benchmarks/bench_tokens.py [--n_train 6000] [--n_test 20000] [--epochs 10] [--batches 1024 4096] [--repeats 3]
                                      [--sizes 32/1/2/64 32/2/2/64 32/2/4/64 16/2/2/32 16/1/2/32] [--out ...] [--note ...]
"""
import argparse, os, shlex, sys, time
from datetime import datetime, timezone
from pathlib import Path
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import pandas as pd
import keras
from lc_transformer.benchmark import BenchmarkConfig, machine
from lc_transformer.distribute import bfloat16_is_fast
from lc_transformer.observations import ObservationSet
from lc_transformer.sources import light_curves_of
from lc_transformer.data import PLASTICC_CLASS_NAMES, PLASTICC_TRAIN_TARGETS, split_by_object
from lc_transformer.metrics import markdown_table, classification_scores, fit_calibration, without_class_99
from lc_transformer.classifier_inputs import predictions_for, final_probabilities
from lc_transformer.simulate import simulate_plasticc
from lc_transformer.classifiers import train_classifier
from lc_transformer.config import GridConfig, TokenSize
from lc_transformer.train import build_classifier
from lc_transformer.prepare import tokens_from_observations
from lc_transformer.token_transformer import TokenBatches, TokenClassifier, token_classifier, fit_token_model, token_probabilities

TEST_CLASSES = PLASTICC_TRAIN_TARGETS + (99,)
TARGET = 30_000
GRID_NAME = 'grid encoder + FFN'

class EpochTimer(keras.callbacks.Callback):
    "Seconds of the training part of each epoch: from its start to its validation (or its end, without validation)."
    def __init__(self):
        super().__init__()
        self.seconds, self._began = [], None
    def on_epoch_begin(self, epoch, logs=None): self._began = time.perf_counter()
    def _stop(self):
        if self._began is not None: self.seconds.append(time.perf_counter() - self._began); self._began = None
    def on_test_begin(self, logs=None): self._stop()
    def on_epoch_end(self, epoch, logs=None): self._stop()

def timed(fn):
    began = time.perf_counter(); result = fn()
    return time.perf_counter() - began, result

def parse_size(text:str) -> dict:
    d_model, num_layers, num_heads, dff = (int(v) for v in text.split('/'))
    return dict(d_model=d_model, num_layers=num_layers, num_heads=num_heads, dff=dff)

def size_name(size:dict) -> str: return f"d{size['d_model']}/{size['num_layers']}L/{size['num_heads']}h/dff{size['dff']}"

def without_xla(model:keras.Model, example:dict) -> keras.Model:
    "A copy of a trained model with the same weights, compiled for inference without XLA (a plain `tf.function`)."
    copy = TokenClassifier.from_config(model.get_config()) if isinstance(model, TokenClassifier) else keras.models.clone_model(model)
    if isinstance(copy, TokenClassifier): copy(example)
    copy.set_weights(model.get_weights())
    copy.compile(jit_compile=False)
    return copy

def test_scores(valid_labels, valid_probs, test_labels, test_probs) -> dict:
    "`lc_benchmark`'s scores: temperature and class-99 column fitted on validation, then the scores of the test set."
    calibration = fit_calibration(valid_labels, valid_probs, PLASTICC_TRAIN_TARGETS)
    probs = calibration(test_probs)
    scores = classification_scores(test_labels, probs, [PLASTICC_CLASS_NAMES[c] for c in TEST_CLASSES], TEST_CLASSES)
    known_labels, known_probs, _ = without_class_99(test_labels, probs, TEST_CLASSES)
    scores['accuracy_without_99'] = classification_scores(known_labels, known_probs)['accuracy']
    return scores

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--n_train', type=int, default=6000, help='simulated training objects (seed 0); 20%% validate')
    parser.add_argument('--n_test', type=int, default=20_000, help='simulated test objects (seed 1), with class 99')
    parser.add_argument('--epochs', type=int, default=10, help='training epochs of every model (early stopping, patience 5)')
    parser.add_argument('--batch_size', type=int, default=64, help="training batch size (lc_benchmark's)")
    parser.add_argument('--batches', type=int, nargs='+', default=[1024, 4096], help='inference batch sizes')
    parser.add_argument('--repeats', type=int, default=3, help='timed rounds over every model')
    default = TokenSize()
    parser.add_argument('--sizes', nargs='+', default=[f'{default.d_model}/{default.num_layers}/{default.num_heads}/{default.dff}',
                                                       '32/2/2/64', '32/2/4/64', '16/2/2/32', '16/1/2/32'],
                        help='token model sizes, d_model/num_layers/num_heads/dff (the first: the default TokenSize)')
    parser.add_argument('--grid', type=int, default=1, help='also the grid encoder + FFN (1) or not (0)')
    parser.add_argument('--out', default='benchmarks/results/bench_tokens.txt', help='where to write the table ("": nowhere)')
    parser.add_argument('--note', default='', help='a line for the header of --out (e.g. that another job overlapped)')
    args = parser.parse_args()
    began = time.perf_counter()
    say = lambda text: print(f"[{time.perf_counter() - began:5.0f} s] {text}", flush=True)

    info = machine()
    load_start = os.getloadavg()
    isa = os.environ.get('ONEDNN_MAX_CPU_ISA')
    machine_line = (f"{info['cores']} CPU cores, {info['cpu_model']}, bfloat16 {'native' if bfloat16_is_fast() else 'not native'}, "
                    f"fp32 matmul peak {info['matmul_peak_gflops']:.0f} GFLOP/s (numpy 2048x2048), {info['processor']}, {info['platform']}; "
                    f"backend {keras.backend.backend()}" + (f"; oneDNN limited to {isa} (ONEDNN_MAX_CPU_ISA)" if isa else ''))
    print(f"machine: {machine_line}; load average at start {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}", flush=True)

    seconds, (train_obs, train_meta) = timed(lambda: simulate_plasticc(args.n_train, 'train', seed=0))
    test_obs, test_meta = simulate_plasticc(args.n_test, 'test', seed=1)
    say(f"simulated {args.n_train:,} training objects ({len(train_obs):,} observations) and {args.n_test:,} test objects "
        f"({len(test_obs):,} observations)")
    train_meta, test_meta = train_meta.set_index('object_id'), test_meta.set_index('object_id')

    # the same objects for every model: tokens and grids of the training set, one split by object id
    tokens = tokens_from_observations(train_obs, train_meta, PLASTICC_TRAIN_TARGETS)
    test_tokens = tokens_from_observations(test_obs, test_meta, TEST_CLASSES)
    train, valid = split_by_object(tokens, 0.2, seed=0)
    train_set, test_set = ObservationSet(train_obs, train_meta, PLASTICC_TRAIN_TARGETS), ObservationSet(test_obs, test_meta, TEST_CLASSES)
    assert np.array_equal(test_set.object_ids, test_tokens.object_ids), "tokens and grid read different test objects"
    prior = np.bincount(train_set.labels, minlength=len(PLASTICC_TRAIN_TARGETS)) / len(train_set)
    say(f"tokens: training {train}, validation {valid}, test {test_tokens} (median {np.median(test_tokens.lengths):.0f}, "
        f"mean {test_tokens.lengths.mean():.1f} tokens per object)")
    if args.grid:
        grid_lcs, test_lcs = light_curves_of(train_set, GridConfig()), light_curves_of(test_set, GridConfig())
        is_valid = np.isin(grid_lcs.object_ids, valid.object_ids)
        grid_train, grid_valid = grid_lcs[~is_valid], grid_lcs[is_valid]
        say(f"grid: training {len(grid_train):,}, validation {len(grid_valid):,}, test {len(test_lcs):,} light curves of "
            f"{test_lcs.n_steps} steps ({len(test_set) - len(test_lcs)} test objects without a grid get the training prior)")

    # training, one model after the other
    models, rows = {}, {}
    for text in args.sizes:
        size = parse_size(text)
        name = f"tokens {size_name(size)}"
        model = token_classifier(train, d_model=size['d_model'], num_layers=size['num_layers'], num_heads=size['num_heads'],
                                 dff=size['dff'], dropout=0.1)
        timer = EpochTimer()
        seconds, history = timed(lambda: fit_token_model(model, train, valid, args.epochs, args.batch_size, 1e-3, patience=5,
                                                          callbacks=[timer], seed=0, jit_compile='auto'))
        models[name] = dict(model=model, kind='tokens', n_train=len(train), timer=timer, train_seconds=seconds,
                            epochs=len(history.history['loss']), valid_probs=token_probabilities(model, valid))
        say(f"trained {name} ({model.count_params():,} parameters): {seconds:.0f} s, {len(history.history['loss'])} epochs, "
            f"first epoch {timer.seconds[0]:.1f} s, validation loss {min(history.history['val_loss']):.3f}")
    if args.grid:
        config = BenchmarkConfig().encoder_classifier
        keras.utils.set_random_seed(0)
        model = build_classifier(config, grid_train)
        size = config.options.size
        timer = EpochTimer()
        seconds, history = timed(lambda: train_classifier(model, grid_train, grid_valid, args.epochs, args.batch_size, 1e-3,
                                                          patience=5, callbacks=[timer], seed=0, jit_compile='auto'))
        name = f"{GRID_NAME} d{size.d_model}/{size.num_layers}L/{size.num_heads}h/dff{size.dff}"
        models[name] = dict(model=model, kind='grid', n_train=len(grid_train), timer=timer, train_seconds=seconds,
                            epochs=len(history.history['loss']), valid_probs=final_probabilities(model, grid_valid))
        say(f"trained {name} ({model.count_params():,} parameters): {seconds:.0f} s, {len(history.history['loss'])} epochs, "
            f"first epoch {timer.seconds[0]:.1f} s, validation loss {min(history.history['val_loss']):.3f}")

    # inference variants: XLA (as trained: jit_compile 'auto' -> True) and a plain tf.function copy, at each batch size
    def predictor(model, kind, batch):
        if kind == 'tokens': return lambda inputs: token_probabilities(model, inputs, batch)
        return lambda inputs: final_probabilities(model, inputs, batch)
    for name, m in models.items():
        m['variants'] = {}
        for xla in (True, False):
            model = m['model'] if xla else without_xla(m['model'], test_tokens[:2].padded())
            for batch in args.batches:
                predict = predictor(model, m['kind'], batch)
                inputs = test_tokens if m['kind'] == 'tokens' else test_lcs
                seconds, probs = timed(lambda: predict(inputs))
                m['variants'][(xla, batch)] = dict(predict=predict, best=np.inf, first=seconds)
                if xla and batch == args.batches[0]: m['test_probs'] = probs
        say(f"warmed up {name}: first passes " + ', '.join(f"{'XLA' if x else 'no XLA'} batch {b} {v['first']:.1f} s"
                                                            for (x, b), v in m['variants'].items()))
    # inputs alone and padding alone, then the models, round after round
    make_tokens = lambda: tokens_from_observations(test_obs, test_meta, None)
    make_grid = lambda: light_curves_of(ObservationSet(test_obs, test_meta, TEST_CLASSES), GridConfig())
    def pad_only(batch):
        batches = TokenBatches(test_tokens, batch, target=None)
        for i in range(len(batches)): batches[i]
    inputs_best = {'tokens': np.inf, 'grid': np.inf, 'padding': np.inf}
    for r in range(args.repeats):
        inputs_best['tokens'] = min(inputs_best['tokens'], timed(make_tokens)[0])
        inputs_best['padding'] = min(inputs_best['padding'], timed(lambda: pad_only(args.batches[0]))[0])
        if args.grid: inputs_best['grid'] = min(inputs_best['grid'], timed(make_grid)[0])
        for name, m in models.items():
            inputs = test_tokens if m['kind'] == 'tokens' else test_lcs
            for variant in m['variants'].values():
                variant['best'] = min(variant['best'], timed(lambda: variant['predict'](inputs))[0])
        say(f"timed round {r + 1} of {args.repeats}")
    for r in range(args.repeats):                                         # end to end, with each model's fastest variant
        for name, m in models.items():
            fastest = min(m['variants'].values(), key=lambda v: v['best'])
            make = make_tokens if m['kind'] == 'tokens' else make_grid
            m['end_to_end'] = min(m.get('end_to_end', np.inf), timed(lambda: fastest['predict'](make()))[0])
        say(f"end-to-end round {r + 1} of {args.repeats}")
    load_end = os.getloadavg()

    n_test = len(test_set)
    for name, m in models.items():
        probs = m['test_probs'] if m['kind'] == 'tokens' else predictions_for(test_set.object_ids, test_lcs.object_ids,
                                                                              m['test_probs'], prior)
        valid_labels = valid.labels if m['kind'] == 'tokens' else grid_valid.labels
        scores = test_scores(valid_labels, m['valid_probs'], test_set.labels, probs)
        rate = lambda xla: max(((n_test / v['best'], b) for (x, b), v in m['variants'].items() if x == xla))
        (xla_rate, xla_batch), (plain_rate, plain_batch) = rate(True), rate(False)
        later = m['timer'].seconds[1:] or m['timer'].seconds
        model_only = max(xla_rate, plain_rate)
        rows[name] = {
            'parameters': m['model'].count_params(),
            'inputs LC/s': f"{n_test / inputs_best[m['kind']]:,.0f}",
            'inference LC/s, XLA (batch)': f"{xla_rate:,.0f} ({xla_batch})",
            'inference LC/s, no XLA (batch)': f"{plain_rate:,.0f} ({plain_batch})",
            'end-to-end LC/s': f"{n_test / m['end_to_end']:,.0f}",
            'training LC/s': f"{m['n_train'] / np.median(later):,.0f}",
            'first epoch s': f"{m['timer'].seconds[0]:.1f}",
            'epochs': m['epochs'],
            'accuracy': scores['accuracy'], 'accuracy_without_99': scores['accuracy_without_99'],
            'kaggle_weighted_log_loss': scores['kaggle_weighted_log_loss'],
            'kaggle_weighted_log_loss_without_99': scores['kaggle_weighted_log_loss_without_99'],
            'macro_roc_auc': scores['macro_roc_auc']}
        m.update(model_only=model_only, xla_gain=xla_rate / plain_rate, end_to_end_rate=n_test / m['end_to_end'])

    table = markdown_table(pd.DataFrame.from_dict(rows, orient='index').rename_axis('model'), digits=3)
    reach = lambda key: [n for n, m in models.items() if m[key] >= TARGET] or ['none']
    lines = [
        f"Target {TARGET:,} LC/s: model only (ready inputs): {', '.join(reach('model_only'))}; "
        f"end to end (from raw observations): {', '.join(reach('end_to_end_rate'))}.",
        f"Making the tokens alone: {n_test / inputs_best['tokens']:,.0f} LC/s; batching and padding ready tokens alone "
        f"(`TokenBatches`, batch {args.batches[0]}): {n_test / inputs_best['padding']:,.0f} LC/s"
        + (f"; the grid alone: {n_test / inputs_best['grid']:,.0f} LC/s." if args.grid else "."),
        "XLA over no XLA, best batch each: " + ', '.join(f"{n} x{m['xla_gain']:.2f}" for n, m in models.items()) + '.',
        *(f"Model only, LC/s at each batch, {n}: " + ', '.join(f"{'XLA' if x else 'no XLA'} {b} {n_test / v['best']:,.0f}"
                                                               for (x, b), v in m['variants'].items()) for n, m in models.items())]
    header = [f"# bench_tokens: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
              f"machine: {machine_line}",
              f"load average (1, 5, 15 min) at start {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}, "
              f"at end {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}",
              *([f"note: {args.note}"] if args.note else []),
              f"command: python {shlex.join(sys.argv)}",
              f"data: simulate_plasticc({args.n_train}, 'train', seed=0) split 80/20 by object (the same objects for every "
              f"model), test simulate_plasticc({args.n_test}, 'test', seed=1), {n_test:,} objects, "
              f"{test_tokens.n_tokens:,} tokens (median {np.median(test_tokens.lengths):.0f} per object); "
              f"{args.epochs} epochs max, batch {args.batch_size}, Adam 1e-3, balanced class weights, no truncated copies",
              "LC/s: test light curves per second (training: training light curves per second, epochs after the first, median); "
              "scores on the test set after calibration on the validation objects with a fitted class-99 column "
              "(as lc_benchmark's score_model).", '']
    text = '\n'.join(header) + table + '\n' + '\n'.join(lines) + '\n'
    print('\n' + text, flush=True)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text)
        say(f"wrote {args.out}")

if __name__ == '__main__': main()
