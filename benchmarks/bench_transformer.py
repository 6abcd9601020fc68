"""Speed of the Transformer autoencoder on the reference configuration (SPEC 1.1 and 3).

Prints: the machine's measured fp32 matmul peak (2048x2048), training light curves per second (batch 64,
with and without `jit_compile`, numpy arrays, no generator), the achieved GFLOP/s against that peak, the teacher-forced
forward pass, and reconstruction time per light curve, batched incremental and the naive loop.
No assertions: timings depend on the machine and on what else runs on it; the load average is printed at the start
and the end, and training is timed in rounds of 2 batches, reporting the median round and the best one (the best is
the least disturbed by other jobs on a shared machine). The same architecture built from stock Keras 3 layers
(`keras.layers.MultiHeadAttention`, as the seed's TensorFlow code did) is timed alongside as a same-machine
baseline: the seed itself cannot run here, and its 50 light curves/s were measured on a machine whose matmul peak
was about 200 GFLOP/s.

    python benchmarks/bench_transformer.py [--quick] [--steps 101] [--batches 10] [--naive 2] [--jit 1 0] [--baseline 1]
"""
import argparse, os, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import keras
from keras import ops
from lc_transformer.bazin import simulate_bazin
from lc_transformer.data import model_arrays
from lc_transformer.transformer import TransformerAutoencoder, autoencoder_inputs, reconstruct, reconstruct_naive
from lc_transformer.losses import WeightedLoss, make_optimizer

def matmul_peak(n=2048, repeats=10):
    "fp32 GFLOP/s of an n x n matmul, best of `repeats`."
    a = ops.convert_to_tensor(np.random.default_rng(0).normal(size=(n, n)).astype(np.float32))
    ops.convert_to_numpy(ops.matmul(a, a))
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter(); ops.convert_to_numpy(ops.matmul(a, a)); best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9

def forward_flops(steps, n_filters, d_model, num_layers, dff):
    "Multiply-add FLOPs (x2) of one teacher-forced forward pass of one light curve."
    dense = lambda n_in, n_out: 2 * steps * n_in * n_out
    attention = 2 * 2 * steps * steps * d_model                       # scores and weighted sum
    projections = dense(d_model, d_model) + dense(d_model, 2 * d_model) + dense(d_model, d_model)
    ffn = dense(d_model, dff) + dense(dff, d_model)
    encoder = dense(n_filters, d_model) + num_layers * (projections + attention + ffn)
    decoder = dense(n_filters, d_model) + num_layers * (2 * (projections + attention) + ffn) + dense(d_model, n_filters)
    return encoder + decoder

def keras_mha_baseline(steps, n_filters, d_model, num_layers, num_heads, dff):
    "The same architecture from stock Keras 3 layers (`keras.layers.MultiHeadAttention`): a same-machine stand-in for the seed."
    from lc_transformer.transformer import positional_encoding
    L, positions = keras.layers, positional_encoding(steps, d_model)
    flux = keras.Input((steps, n_filters))
    observed = L.Lambda(lambda x: ops.any(ops.not_equal(x, 0), axis=-1))(flux)                       # (batch, steps)
    padding = L.Lambda(lambda m: ops.logical_and(m[:, None, :], ops.ones_like(m)[:, :, None]))(observed)
    embed = lambda x: L.Lambda(lambda e: e * d_model ** 0.5 + positions)(L.Dense(d_model)(x))
    feed_forward = lambda x: L.LayerNormalization()(x + L.Dense(d_model)(L.Dense(dff, activation='relu')(x)))
    attention = lambda q, kv, **mask: L.LayerNormalization()(q + L.MultiHeadAttention(num_heads, d_model // num_heads)(q, kv, **mask))
    memory = embed(flux)
    for _ in range(num_layers): memory = feed_forward(attention(memory, memory, attention_mask=padding))
    y = embed(L.Lambda(lambda t: ops.pad(t[:, :-1], ((0, 0), (1, 0), (0, 0))))(flux))
    for _ in range(num_layers):
        y = feed_forward(attention(attention(y, y, use_causal_mask=True), memory, attention_mask=padding))
    return keras.Model(flux, L.Dense(n_filters)(y))

def timed(fn, repeats):
    start = time.perf_counter()
    for _ in range(repeats): fn()
    return (time.perf_counter() - start) / repeats

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='a small model (d_model 32, 2+2 layers) for a smoke run')
    parser.add_argument('--steps', type=int, default=101)
    parser.add_argument('--batches', type=int, default=10, help='timed training batches')
    parser.add_argument('--naive', type=int, default=2, help='light curves in the naive-loop timing')
    parser.add_argument('--jit', type=int, nargs='+', default=[1, 0], help='jit_compile settings to time (1 and/or 0)')
    parser.add_argument('--baseline', type=int, default=1, help='also time the same model built from stock Keras layers')
    args = parser.parse_args()
    size = dict(d_model=32, num_layers=2, num_heads=4, dff=64) if args.quick else dict(d_model=128, num_layers=8, num_heads=8, dff=64)
    batch = 64
    print(f"backend {keras.backend.backend()}, {os.cpu_count()} cpus, config {size}, {args.steps} steps, batch {batch}, "
          f"load average {os.getloadavg()[0]:.2f}")
    peak = matmul_peak()
    print(f"fp32 matmul peak (2048x2048): {peak:.0f} GFLOP/s")

    lcs = simulate_bazin(n_objects=1024, n_days=args.steps - 1, seed=0)
    x, y, w = model_arrays(lcs)
    inputs = autoencoder_inputs(x, lcs.mask)                  # ours takes the observation mask; the stock baseline the flux alone
    yb, wb = y[:batch], w[:batch]
    flops = forward_flops(args.steps, 6, size['d_model'], size['num_layers'], size['dff'])
    builders = {'lc_transformer': (lambda: TransformerAutoencoder(**size), {k: v[:batch] for k, v in inputs.items()})}
    if args.baseline: builders['stock Keras MultiHeadAttention'] = (lambda: keras_mha_baseline(args.steps, x.shape[-1], **size), x[:batch])
    for name, (build, xb) in builders.items():
        for jit_compile in map(bool, args.jit):
            keras.utils.set_random_seed(0)
            trained = build()
            trained.compile(make_optimizer(size['d_model']), loss=WeightedLoss('MSE'), jit_compile=jit_compile)
            start = time.perf_counter(); trained.train_on_batch(xb, yb, sample_weight=wb); trained.train_on_batch(xb, yb, sample_weight=wb)
            print(f"{name}, jit_compile={jit_compile}: compile + 2 first steps {time.perf_counter() - start:.1f} s")
            rounds = [timed(lambda: trained.train_on_batch(xb, yb, sample_weight=wb), 2) for _ in range(max(1, args.batches // 2))]
            for label, per_batch in (('median', np.median(rounds)), ('best', min(rounds))):
                train_rate = batch / per_batch
                print(f"{name}, training (jit_compile={jit_compile}, {label} round): {per_batch:.3f} s per batch of {batch} = "
                      f"{train_rate:.0f} light curves/s (seed: 50); {3 * flops * train_rate / 1e9:.0f} GFLOP/s = "
                      f"{3 * flops * train_rate / 1e9 / peak:.0%} of peak "
                      f"(forward {flops / 1e6:.0f} MFLOP per light curve, training counted as 3x forward)")

    model = TransformerAutoencoder(**size)
    model.compile(jit_compile=False)
    model.predict({k: v[:256] for k, v in inputs.items()}, batch_size=256, verbose=0)
    forward = timed(lambda: model.predict(inputs, batch_size=256, verbose=0), 1)
    print(f"teacher-forced forward pass: {len(x) / forward:.0f} light curves/s (seed: 128)")

    n_fast = 512
    mask = lcs.mask
    reconstruct(model, x[:8], mask[:8], batch_size=8)   # warm-up
    fast = timed(lambda: reconstruct(model, x[:n_fast], mask[:n_fast], batch_size=n_fast), 1) / n_fast
    naive = timed(lambda: reconstruct_naive(model, x[:args.naive], mask[:args.naive]), 1) / args.naive
    print(f"reconstruction: batched incremental {1e3 * fast:.2f} ms per light curve ({n_fast} at once); "
          f"naive loop (batched, {args.naive} at once) {1e3 * naive:.0f} ms per light curve; seed 23 s: "
          f"{23 / fast:.0f}x faster")
    difference = np.abs(reconstruct(model, x[:2], mask[:2]) - reconstruct_naive(model, x[:2], mask[:2])).max()
    print(f"max |incremental - naive| on 2 light curves: {difference:.2e}; load average {os.getloadavg()[0]:.2f}")

if __name__ == '__main__': main()
