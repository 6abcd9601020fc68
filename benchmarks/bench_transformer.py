"""Speed of the Transformer autoencoder on the reference configuration (d_model 128, 8+8 layers, 8 heads, dff 64,
101 steps, 6 filters, batch 64), measured against the original code side by side, and option by option.

    python benchmarks/bench_transformer.py --original ORIGINAL_CODE_DIRECTORY --original_python /tmp/orig/bin/python [--rounds 3]
    python benchmarks/bench_transformer.py --options [--rounds 6]

`--original`: alternate runs of the original code (`bench_original.py` in that directory, in its own Keras 2
environment, see its docstring) and of ours, each in a fresh process, `--rounds` rounds each, on the same data: the
original benchmark's light curves (1,024 random light curves with 90% of the points zero; the mask is the nonzero
points, 47% of the steps have one). Prints every round, the median of each figure, the ratio of the medians and the
median of the ratios of the rounds (ours over the original for rates, the original over ours for reconstruction
time; each round pairs two neighbouring runs, so this one is the least disturbed by a machine whose speed drifts), and the machine's fp32 matmul peak at the
start and the end. Ours runs as shipped: `build_autoencoder` with the default options (precision 'auto',
skip_unobserved), `fit` on numpy arrays; reconstruction is `reconstruct` with its default batch and streams (one per core)
against the original's one light curve at a time, and its largest difference from the naive loop is printed. The first line names the CPU,
whether it multiplies bfloat16 natively and the precision that 'auto' trains in. `--emulate_fp32_machine` measures
as on a CPU without AVX-512 (the other kind of machine here), with any mode: oneDNN's and XLA's kernels limited to
AVX2 in every process (`AVX2_ONLY`), ours in float32.

`--decoder_batches 16 32 64 128 256`: milliseconds per light curve of `reconstruct` at each batch size, after a
pass that compiles every shape, in alternating rounds (what `transformer.RECONSTRUCTION_BATCH_SIZE` follows).

`--cache_bandwidth 4 16 32 128`: the rate (GB/s) at which the compiled decoding loop's attention products read the
cached keys and values, at each batch size: one query per step over caches of the reference heads, depth and layers,
`--cache_length` steps long (what bounds `reconstruct` once the dense layers are batched: the caches of a batch of 128
are larger than the CPU's caches, those of a few light curves are not).

`--options`: training light curves/s of every combination of precision, skip_unobserved and XLA in one process,
in alternating rounds of 2 batches (median of the rounds, and ratio to float32 on every step without XLA).

No assertions: timings depend on the machine and on what else runs on it."""
import argparse, json, os, re, statistics, subprocess, sys, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np

REFERENCE = dict(d_model=128, num_layers=8, num_heads=8, dff=64)
STEPS, N_FILTERS, BATCH = 101, 6, 64

def original_data(n):
    "The original benchmark's light curves, built as `bench_original.py` builds them, and their mask (the nonzero points)."
    rng = np.random.default_rng(0)
    flux = rng.random((n, STEPS, N_FILTERS)).astype('float32'); flux[rng.random((n, STEPS, N_FILTERS)) < 0.9] = 0
    return flux, flux != 0

def measure_ours(n, precision='auto'):
    "Training, teacher-forced forward and reconstruction of ours, as shipped, on the original benchmark's data: a dict."
    import keras
    from lc_transformer.config import TrainConfig
    from lc_transformer.train import build_autoencoder
    from lc_transformer.transformer import autoencoder_inputs, reconstruct, reconstruct_naive, float32_copy, available_cores
    flux, mask = original_data(n)
    inputs, weight = autoencoder_inputs(flux, mask), mask.astype('float32')
    keras.utils.set_random_seed(0)
    config = TrainConfig(precision=precision).with_options(**REFERENCE)
    model = build_autoencoder(config, N_FILTERS)
    warm = {k: v[:2 * BATCH] for k, v in inputs.items()}
    model.fit(warm, flux[:2 * BATCH], sample_weight=weight[:2 * BATCH], batch_size=BATCH, epochs=1, verbose=0, shuffle=False)
    start = time.perf_counter()
    model.fit(inputs, flux, sample_weight=weight, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)
    training = n / (time.perf_counter() - start)
    model.predict({k: v[:256] for k, v in inputs.items()}, batch_size=256, verbose=0)
    start = time.perf_counter(); model.predict(inputs, batch_size=256, verbose=0)
    forward = n / (time.perf_counter() - start)
    reconstruct(model, flux, mask)                                                 # compiles the decoder for every shape
    start = time.perf_counter(); fast = reconstruct(model, flux, mask)
    per_curve = (time.perf_counter() - start) / n
    difference = float(np.abs(fast[:2] - reconstruct_naive(float32_copy(model), flux[:2], mask[:2])).max())
    return {'training': training, 'forward': forward, 'reconstruction_s': per_curve, 'max_difference_from_naive': difference,
            'precision': model.dtype_policy.name, 'skip_unobserved': config.skip_unobserved,
            'streams': available_cores()}

ORIGINAL_LINES = {'training': r'original training: ([\d.]+) light curves/s', 'forward': r'original teacher-forced forward pass: ([\d.]+)',
                  'reconstruction_s': r'original reconstruction of one light curve \(autoregressive\): ([\d.]+) s'}

AVX2_ONLY = {'ONEDNN_MAX_CPU_ISA': 'AVX2', 'XLA_FLAGS': '--xla_cpu_max_isa=AVX2'}
"What `--emulate_fp32_machine` sets for every process: oneDNN's and XLA's kernels limited to AVX2, as on a CPU without AVX-512."

def run_original(seed_directory, python, n):
    out = subprocess.run([python, os.path.join(seed_directory, 'bench_original.py'), str(n)], capture_output=True, text=True, check=True).stdout
    return {name: float(re.search(pattern, out).group(1)) for name, pattern in ORIGINAL_LINES.items()}

def run_ours(n, precision='auto'):
    out = subprocess.run([sys.executable, __file__, '--measure_ours', str(n), '--precision', precision], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])

def machine_line() -> str:
    "The CPU: its cores and model, whether it multiplies bfloat16 natively, and what `precision='auto'` trains in."
    from lc_transformer.benchmark import cpu_model
    from lc_transformer.distribute import bfloat16_is_fast, resolve_precision
    limited = f"; oneDNN's and XLA's kernels limited to {os.environ['ONEDNN_MAX_CPU_ISA']}" if 'ONEDNN_MAX_CPU_ISA' in os.environ else ''
    return (f"{os.cpu_count()} CPU cores, {cpu_model()}, bfloat16 {'native' if bfloat16_is_fast() else 'not native'} "
            f"(precision 'auto' trains in {resolve_precision('auto')}){limited}")

def side_by_side(seed_directory, python, rounds, n, precision='auto'):
    from lc_transformer.benchmark import matmul_peak_gflops
    peak = matmul_peak_gflops()
    print(f"{machine_line()}, fp32 matmul peak {peak:.0f} GFLOP/s (numpy 2048x2048) at the start; reference "
          f"configuration {REFERENCE}, {STEPS} steps, batch {BATCH}; {n} light curves of the original benchmark's data", flush=True)
    runs = {'original': [], 'ours': []}
    for r in range(rounds):
        for who in (('original', 'ours') if r % 2 == 0 else ('ours', 'original')):
            runs[who].append(run_original(seed_directory, python, n) if who == 'original' else run_ours(n, precision))
            shown = runs[who][-1]
            print(f"round {r + 1}, {who:8}: training {shown['training']:6.1f} LC/s, teacher-forced forward {shown['forward']:6.1f} LC/s, "
                  f"reconstruction {shown['reconstruction_s'] * 1e3:9.2f} ms per light curve", flush=True)
    median = {who: {k: statistics.median(r[k] for r in rs) for k in ORIGINAL_LINES} for who, rs in runs.items()}
    ours = runs['ours'][-1]
    print(f"\nours as shipped: precision {ours['precision']}, skip_unobserved={ours['skip_unobserved']}, jit_compile=False; "
          f"reconstruction: `reconstruct`, default batch and streams ({ours['streams']}), decoded in float32; largest difference from the naive loop "
          f"(2 light curves, naive loop of the float32 model): {ours['max_difference_from_naive']:.2e}")
    print(f"{'median of ' + str(rounds) + ' rounds':32} {'original':>12} {'lc_transformer':>15} {'ratio of medians':>17} "
          f"{'median of the rounds ratios (each round)':>40}")
    for name, label, unit, better in (('training', 'training', 'LC/s', 1), ('forward', 'teacher-forced forward', 'LC/s', 1),
                                      ('reconstruction_s', 'reconstruction of one LC', 's', -1)):
        ratio = lambda o, u: u / o if better > 0 else o / u
        paired = [ratio(o[name], u[name]) for o, u in zip(runs['original'], runs['ours'])]
        o, u = median['original'][name], median['ours'][name]
        print(f"{label + ' (' + unit + ')':32} {o:12.4g} {u:15.4g} {ratio(o, u):16.2f}x "
              f"{statistics.median(paired):10.2f}x ({', '.join(f'{r:.2f}' for r in paired)})")
    print(f"fp32 matmul peak at the end: {matmul_peak_gflops():.0f} GFLOP/s")

def options_table(rounds):
    "Training light curves/s of each option combination, alternating rounds of 2 batches in one process."
    import keras
    from lc_transformer.bazin import simulate_bazin
    from lc_transformer.benchmark import matmul_peak_gflops
    from lc_transformer.config import TrainConfig
    from lc_transformer.train import build_autoencoder
    from lc_transformer.transformer import autoencoder_inputs, forward_flops
    print(f"{machine_line()}, fp32 matmul peak {matmul_peak_gflops():.0f} GFLOP/s (numpy 2048x2048); reference "
          f"configuration, batch {BATCH}, bundled-style Bazin light curves (47% of steps observed)", flush=True)
    lcs = simulate_bazin(n_objects=4 * BATCH, n_days=STEPS - 1, seed=0)
    inputs = autoencoder_inputs(lcs.flux, lcs.mask)
    batches = [({k: v[i:i + BATCH] for k, v in inputs.items()}, lcs.flux[i:i + BATCH], lcs.weight[i:i + BATCH])
               for i in range(0, 4 * BATCH, BATCH)]
    precisions = ('float32',) if 'ONEDNN_MAX_CPU_ISA' in os.environ else ('float32', 'mixed_bfloat16')   # no bfloat16 kernels on AVX2
    combinations = [(p, s, j) for p in precisions for s in (False, True) for j in (False, True) if not (s and j)]
    models = {}
    for precision, skip, jit in combinations:
        keras.utils.set_random_seed(0)
        model = build_autoencoder(TrainConfig(precision=precision, skip_unobserved=skip).with_options(jit_compile=jit, **REFERENCE))
        for x, y, w in batches[:2]: model.train_on_batch(x, y, sample_weight=w)
        models[precision, skip, jit] = model
    seconds = {key: [] for key in models}
    for r in range(rounds):
        for key, model in models.items():
            start = time.perf_counter()
            for x, y, w in batches[2 * (r % 2):2 * (r % 2) + 2]: model.train_on_batch(x, y, sample_weight=w)
            seconds[key].append((time.perf_counter() - start) / 2)
    flops = 3 * forward_flops(STEPS, N_FILTERS, **{k: REFERENCE[k] for k in ('d_model', 'num_layers', 'dff')})
    base = BATCH / statistics.median(seconds['float32', False, False])
    print(f"{'precision':16} {'skip_unobserved':>15} {'jit_compile':>11} {'LC/s':>7} {'ratio':>6} {'GFLOP/s (all steps)':>20}")
    for (precision, skip, jit), times in seconds.items():
        rate = BATCH / statistics.median(times)
        print(f"{precision:16} {str(skip):>15} {str(jit):>11} {rate:7.1f} {rate / base:5.2f}x {flops * rate / 1e9:20.0f}")

def decoder_batches(batches, rounds, n, precision='auto'):
    "Milliseconds per light curve of `reconstruct` at each batch size, after a compiling pass, in alternating rounds."
    import keras
    from lc_transformer.config import TrainConfig
    from lc_transformer.train import build_autoencoder
    from lc_transformer.transformer import autoencoder_inputs, reconstruct
    flux, mask = original_data(n)
    keras.utils.set_random_seed(0)
    model = build_autoencoder(TrainConfig(precision=precision).with_options(**REFERENCE), N_FILTERS)
    model.predict(autoencoder_inputs(flux[:2], mask[:2]), verbose=0)
    for batch in batches: reconstruct(model, flux, mask, batch_size=batch)
    seconds = {batch: [] for batch in batches}
    for r in range(rounds):
        for batch in (batches if r % 2 == 0 else batches[::-1]):
            start = time.perf_counter(); reconstruct(model, flux, mask, batch_size=batch)
            seconds[batch].append((time.perf_counter() - start) / n)
    print(f"{machine_line()}; reference configuration, {n} light curves of the original benchmark's data, median of {rounds} rounds")
    for batch, times in seconds.items(): print(f"batch {batch:5}: {1e3 * statistics.median(times):7.2f} ms per light curve")

def cache_bandwidth(batches, length, rounds, steps=50):
    "GB/s of the attention products of a compiled decoding loop over cached keys and values, per batch size (best of `rounds`)."
    import tensorflow as tf
    from keras import ops
    heads, layers = REFERENCE['num_heads'], REFERENCE['num_layers']
    depth = REFERENCE['d_model'] // heads
    print(f"{machine_line()}; {layers} layers of attention of one query over cached keys and values (batch, {heads} heads, "
          f"{length} steps, depth {depth}) in float32, {steps} steps in an XLA-compiled loop, best of {rounds}")
    rng = np.random.default_rng(0)
    for batch in batches:
        caches = [[tf.constant(rng.random((batch, heads, length, depth), np.float32)) for _ in range(2)] for _ in range(layers)]
        def step(_, query):
            for key, value in caches:
                query = ops.matmul(ops.softmax(ops.einsum('bhqd,bhkd->bhqk', query, key), axis=-1), value)
            return query
        loop = tf.function(lambda query: ops.fori_loop(0, steps, step, query), jit_compile=True)
        query = tf.constant(rng.random((batch, heads, 1, depth), np.float32))
        loop(query).numpy()
        best = float('inf')
        for _ in range(rounds):
            start = time.perf_counter(); loop(query).numpy(); best = min(best, time.perf_counter() - start)
        cache_bytes = 2 * layers * batch * heads * length * depth * 4
        print(f"batch {batch:4}: caches {cache_bytes / 2**20:6.1f} MiB, {steps * cache_bytes / best / 1e9:5.1f} GB/s, "
              f"{best / steps / batch * 1e6:6.2f} us per light curve and step")

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--original', help="directory of the original code's transformer.py and bench_original.py")
    parser.add_argument('--original_python', default='python3', help="a Python with TensorFlow and tf_keras (Keras 2) for the original")
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--n', type=int, default=1024, help='light curves per measurement')
    parser.add_argument('--options', action='store_true', help='time every combination of the speed options')
    parser.add_argument('--emulate_fp32_machine', action='store_true',
                        help="measure as on a CPU without AVX-512: oneDNN and XLA limited to AVX2, ours in float32")
    parser.add_argument('--decoder_batches', type=int, nargs='+', help="time `reconstruct` at these batch sizes")
    parser.add_argument('--cache_bandwidth', type=int, nargs='+', help="GB/s of the decoding loop's cache reads at these batch sizes")
    parser.add_argument('--cache_length', type=int, default=96, help='steps of the caches for --cache_bandwidth')
    parser.add_argument('--precision', default='auto', help=argparse.SUPPRESS)
    parser.add_argument('--measure_ours', type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.emulate_fp32_machine:                      # before TensorFlow starts, here and in every process started from here
        os.environ.update(AVX2_ONLY)
        args.precision = 'float32'
        print(f"emulating a CPU without AVX-512 on this one: {AVX2_ONLY} for every process, ours in float32 (what precision 'auto' "
              "picks on such a CPU); the NumPy matmul peak is this CPU's", flush=True)
    if args.measure_ours: print(json.dumps(measure_ours(args.measure_ours, args.precision)))
    elif args.options: options_table(args.rounds)
    elif args.cache_bandwidth: cache_bandwidth(args.cache_bandwidth, args.cache_length, args.rounds)
    elif args.decoder_batches: decoder_batches(args.decoder_batches, args.rounds, args.n, args.precision)
    elif args.original: side_by_side(args.original, args.original_python, args.rounds, args.n, args.precision)
    else: parser.error('give --original DIRECTORY (side by side with the original code) or --options')

if __name__ == '__main__': main()
