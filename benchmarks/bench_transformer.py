"""Speed of the Transformer autoencoder on the reference configuration (SPEC 1.1 and 3).

Prints: the machine's measured fp32 matmul peak (2048x2048), training light curves per second (batch 64,
with and without `jit_compile`, numpy arrays, no generator), the achieved GFLOP/s against that peak, the teacher-forced
forward pass, and reconstruction time per light curve, batched incremental and the naive loop.
No assertions: timings depend on the machine and on what else runs on it.

    python benchmarks/bench_transformer.py [--quick] [--steps 101] [--threads N]
"""
import argparse, os, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import keras
from keras import ops
from lc_transformer.bazin import simulate_bazin
from lc_transformer.data import model_arrays
from lc_transformer.transformer import TransformerAutoencoder, reconstruct, reconstruct_naive
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
    args = parser.parse_args()
    size = dict(d_model=32, num_layers=2, num_heads=4, dff=64) if args.quick else dict(d_model=128, num_layers=8, num_heads=8, dff=64)
    batch = 64
    print(f"backend {keras.backend.backend()}, {os.cpu_count()} cpus, config {size}, {args.steps} steps, batch {batch}")
    peak = matmul_peak()
    print(f"fp32 matmul peak (2048x2048): {peak:.0f} GFLOP/s")

    lcs = simulate_bazin(n_objects=1024, n_days=args.steps - 1, seed=0)
    x, y, w = model_arrays(lcs)
    xb, yb, wb = x[:batch], y[:batch], w[:batch]
    flops = forward_flops(args.steps, 6, size['d_model'], size['num_layers'], size['dff'])
    for jit_compile in map(bool, args.jit):
        keras.utils.set_random_seed(0)
        model = TransformerAutoencoder(**size)
        model.compile(make_optimizer(size['d_model']), loss=WeightedLoss('MSE'), jit_compile=jit_compile)
        start = time.perf_counter(); model.train_on_batch(xb, yb, sample_weight=wb); model.train_on_batch(xb, yb, sample_weight=wb)
        print(f"jit_compile={jit_compile}: compile + 2 first steps {time.perf_counter() - start:.1f} s")
        per_batch = timed(lambda: model.train_on_batch(xb, yb, sample_weight=wb), args.batches)
        train_rate = batch / per_batch
        print(f"training (jit_compile={jit_compile}): {per_batch:.3f} s per batch of {batch} = {train_rate:.0f} light curves/s "
              f"(seed: 50); {3 * flops * train_rate / 1e9:.0f} GFLOP/s = {3 * flops * train_rate / 1e9 / peak:.0%} of peak "
              f"(forward {flops / 1e6:.0f} MFLOP per light curve, training counted as 3x forward)")

    model.predict(x[:256], batch_size=256, verbose=0)
    forward = timed(lambda: model.predict(x, batch_size=256, verbose=0), 1)
    print(f"teacher-forced forward pass: {len(x) / forward:.0f} light curves/s (seed: 128)")

    n_fast = 512
    reconstruct(model, x[:8], batch_size=8)   # warm-up
    fast = timed(lambda: reconstruct(model, x[:n_fast], batch_size=n_fast), 1) / n_fast
    naive = timed(lambda: reconstruct_naive(model, x[:args.naive]), 1) / args.naive
    print(f"reconstruction: batched incremental {1e3 * fast:.2f} ms per light curve ({n_fast} at once); "
          f"naive loop (batched, {args.naive} at once) {1e3 * naive:.0f} ms per light curve; seed 23 s: "
          f"{23 / fast:.0f}x faster")
    difference = np.abs(reconstruct(model, x[:2]) - reconstruct_naive(model, x[:2])).max()
    print(f"max |incremental - naive| on 2 light curves: {difference:.2e}")

if __name__ == '__main__': main()
