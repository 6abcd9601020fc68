"""The GPU path under JAX, measured: the Transformer autoencoder at the reference size and at 4x it, the token
classifier at batch 4,096, and one benchmark seed of the token model, each with its light curves per second and the
share of the device's measured matmul peak it achieves. `benchmarks/gpu.sh` installs what a JAX-only GPU machine
lacks and runs this under `KERAS_BACKEND=jax`; no TensorFlow is needed. `--tiny` runs every part on tiny sizes (on a
CPU, its test).

- peak: the best of 5 products of two n x n matrices (n 8,192 on a GPU, 1,024 elsewhere) in float32 and in bfloat16,
  TFLOP/s. A part's share is its FLOP rate over the peak of the precision it computes in (`precision='auto'`:
  bfloat16 on a GPU of compute capability 8 or more).
- autoencoder: the reference configuration of `bench_transformer.py` (d_model 128, 8+8 layers, 8 heads, dff 64, 101
  steps, 6 filters) and 4x it (d_model 256, dff 128: 4x the weights and about 4x the FLOPs per light curve), on the
  original benchmark's data. Training: light curves/s of one epoch after a compiling one, at batch 64 (the reference)
  and --big_batch; FLOPs 3x `transformer.forward_flops` (every step computed: skipping unobserved steps is
  TensorFlow's). Reconstruction: `reconstruct` at batch 1,024 on a GPU (its CPU default elsewhere), seconds per light curve after a compiling pass,
  FLOPs those of one forward pass; its largest difference from `reconstruct_naive` on 2 light curves.
- token classifier: the default size (`config.TokenSize`), untrained, on --n_test simulated test objects, model only
  (`token_probabilities` at batch 4,096) after a compiling pass; FLOPs from XLA's cost analysis of every batch shape.
- one benchmark seed: `run_benchmark` with the token model alone, one seed, on --bench_train/--bench_test simulated
  objects: wall time and scores.
No assertions: timings depend on the machine. Each line is printed and added to --out as soon as it is measured.

    KERAS_BACKEND=jax python benchmarks/bench_gpu.py [--tiny] [--out benchmarks/results/bench_gpu.txt]
"""
import argparse, os, platform, shlex, sys, tempfile, time
from datetime import datetime, timezone
from pathlib import Path
os.environ.setdefault('KERAS_BACKEND', 'jax')
import numpy as np
import jax, jax.numpy as jnp
import keras
sys.path.insert(0, str(Path(__file__).parent))
from bench_transformer import original_data, REFERENCE, STEPS, N_FILTERS
from lc_transformer.benchmark import BenchmarkConfig, run_benchmark
from lc_transformer.config import TrainConfig, TokenSize
from lc_transformer.data import OBSERVATION_COLUMNS, PLASTICC_TRAIN_TARGETS
from lc_transformer.distribute import resolve_precision
from lc_transformer.prepare import tokens_from_observations
from lc_transformer.simulate import simulate_plasticc
from lc_transformer.token_transformer import _predicted_batches, token_classifier, token_probabilities
from lc_transformer.train import build_autoencoder
from lc_transformer.transformer import (RECONSTRUCTION_BATCH_SIZE, autoencoder_inputs, float32_copy, forward_flops, reconstruct,
                                         reconstruct_naive)

OUT = None
def say(text=''):
    "Print `text` and add it to the result file at once: a run stopped at its time limit keeps the parts it finished."
    print(text, flush=True)
    with open(OUT, 'a') as f: f.write(text + '\n')

def matmul_peak_tflops(dtype, n:int, repeats:int=5) -> float:
    "The best rate of `repeats` products of two n x n matrices of `dtype` on the default device, TFLOP/s."
    a = jax.random.normal(jax.random.key(0), (n, n), dtype)
    product = jax.jit(lambda x: x @ x)
    product(a).block_until_ready()
    best = min(_seconds(lambda: product(a).block_until_ready()) for _ in range(repeats))
    return 2 * n ** 3 / best / 1e12

def _seconds(fn) -> float:
    start = time.perf_counter(); fn(); return time.perf_counter() - start

def share(flops_per_s:float, peak_tflops:float) -> str:
    return f"{flops_per_s / 1e12:.2f} TFLOP/s, {100 * flops_per_s / 1e12 / peak_tflops:.1f}% of peak"

def autoencoder_part(name:str, size:dict, n:int, big_batch:int, peaks:dict):
    "Training and reconstruction of the autoencoder of `size` on `n` light curves of the original benchmark's data."
    flux, mask = original_data(n)
    inputs, weight = autoencoder_inputs(flux, mask), mask.astype('float32')
    config = TrainConfig().with_options(**size)
    flops = forward_flops(STEPS, N_FILTERS, size['d_model'], size['num_layers'], size['dff'])
    for batch in (64, big_batch):
        keras.utils.set_random_seed(0)
        model = build_autoencoder(config, N_FILTERS)
        fit = lambda: model.fit(inputs, flux, sample_weight=weight, batch_size=batch, epochs=1, verbose=0, shuffle=False)
        fit()
        rate = n / _seconds(fit)
        precision = model.dtype_policy.name
        say(f"autoencoder {name}: training at batch {batch}, {precision}: {rate:,.0f} LC/s; "
            f"{share(3 * flops * rate, peaks['bfloat16' if 'bfloat16' in precision else 'float32'])}")
    batch = 1024 if jax.devices()[0].platform == 'gpu' else RECONSTRUCTION_BATCH_SIZE
    reconstruct(model, flux, mask, batch_size=batch)                  # compiles every shape
    per_curve = _seconds(lambda: reconstruct(model, flux, mask, batch_size=batch)) / n
    difference = np.abs(reconstruct(model, flux[:2], mask[:2]) - reconstruct_naive(float32_copy(model), flux[:2], mask[:2])).max()
    say(f"autoencoder {name}: reconstruction (`reconstruct`, float32, batch {batch}): {1e3 * per_curve:.3f} ms per light curve, "
        f"{1 / per_curve:,.0f} LC/s; {share(flops / per_curve, peaks['float32'])}; largest difference from the naive loop {difference:.1e}")

def jax_flops(model, x:dict) -> float:
    "FLOPs of one call of the Keras `model` on `x`, from XLA's cost analysis."
    call = lambda trainable, non_trainable, x: model.stateless_call(trainable, non_trainable, x, training=False)[0]
    compiled = jax.jit(call).lower([v.value for v in model.trainable_variables], [v.value for v in model.non_trainable_variables],
                                   x).compile()
    analysis = compiled.cost_analysis()
    return float((analysis[0] if isinstance(analysis, list) else analysis)['flops'])

def token_part(n_test:int, peaks:dict):
    "The default token classifier, model only, at batch 4,096 on `n_test` simulated test objects."
    lcs, meta = simulate_plasticc(n_test, 'test', seed=1)
    tokens = tokens_from_observations(lcs[list(OBSERVATION_COLUMNS)], meta.set_index('object_id'), PLASTICC_TRAIN_TARGETS + (99,))
    keras.utils.set_random_seed(0)
    model = token_classifier(tokens, **TokenSize().to_dict())
    token_probabilities(model, tokens, 4096)
    rate = len(tokens) / _seconds(lambda: token_probabilities(model, tokens, 4096))
    batches = {}                                               # shape -> (count, one batch of that shape)
    for _, x, _ in _predicted_batches(model, tokens, 4096):
        key = tuple(v.shape for v in x.values())
        batches[key] = (batches.get(key, (0, x))[0] + 1, x)
    flops = sum(count * jax_flops(model, x) for count, x in batches.values()) / len(tokens)
    precision = model.dtype_policy.name
    say(f"token classifier {TokenSize().to_dict()}, {precision}, batch 4,096: {rate:,.0f} LC/s on {len(tokens):,} objects; "
        f"{flops / 1e6:.2f} MFLOP per object; {share(flops * rate, peaks['bfloat16' if 'bfloat16' in precision else 'float32'])}")

def benchmark_part(n_train:int, n_test:int, **options):
    "One seed of `lc_benchmark` with the token model alone (`options`: other settings of `BenchmarkConfig`)."
    options = {'data.n_train': n_train, 'data.n_test': n_test, 'models': ('tokens',), 'seeds': 1, 'baseline': 'tokens', **options}
    with tempfile.TemporaryDirectory() as out:
        config = BenchmarkConfig().with_options(out=out, **options)
        began = time.perf_counter()
        result = run_benchmark(config, verbose=0)
        seconds = time.perf_counter() - began
    scores = {name: result['models']['tokens']['summary'][name]['mean'] for name in ('kaggle_weighted_log_loss', 'accuracy')}
    say(f"one benchmark seed, token model alone ({n_train:,} training and {n_test:,} test objects): {seconds:.0f} s; "
        f"test kaggle_weighted_log_loss {scores['kaggle_weighted_log_loss']:.4f}, accuracy {scores['accuracy']:.4f}")

def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--tiny', action='store_true', help='every part on tiny sizes (a CPU test)')
    parser.add_argument('--out', default='benchmarks/results/bench_gpu.txt')
    args = parser.parse_args()
    global OUT
    OUT = Path(args.out)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text('')
    device = jax.devices()[0]
    began = time.perf_counter()
    n_peak, n_lc, big_batch, n_test = (256, 16, 8, 200) if args.tiny else (8192 if device.platform == 'gpu' else 1024, 1024, 512, 20_000)
    say(f"# bench_gpu: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; command: python {shlex.join(sys.argv)}")
    peaks = {name: matmul_peak_tflops(dtype, n_peak) for name, dtype in (('float32', jnp.float32), ('bfloat16', jnp.bfloat16))}
    say(f"device: {device.platform} {device.device_kind} ({jax.device_count()} device(s)), JAX {jax.__version__}, Keras {keras.__version__} "
        f"backend {keras.backend.backend()}, host {platform.processor() or platform.machine()} with {os.cpu_count()} cores; "
        f"precision 'auto' -> {resolve_precision('auto')}; matmul peak ({n_peak}x{n_peak}) float32 {peaks['float32']:.1f} TFLOP/s, "
        f"bfloat16 {peaks['bfloat16']:.1f} TFLOP/s")
    tiny_size = dict(d_model=16, num_layers=1, num_heads=2, dff=16)
    sizes = {'tiny': tiny_size} if args.tiny else {'reference': REFERENCE, '4x': {**REFERENCE, 'd_model': 256, 'dff': 128}}
    for name, size in sizes.items():
        autoencoder_part(name, size, n_lc, big_batch, peaks)
    token_part(n_test, peaks)
    if args.tiny: benchmark_part(120, 120, early_objects=20, early_days=(0, 10), truncated_copies=0, n_boot=20,
                                  **{'tokens.epochs': 1, 'data.min_test_per_class': 2})
    else: benchmark_part(7848, 20_000, n_boot=100)
    say(f"total {time.perf_counter() - began:.0f} s")

if __name__ == '__main__': main()
