"""Batch inference speed of the classifiers on 51-step, 6-filter light curves (the PLAsTiCC grid).

Prints light curves per second for the encoder + FFN classifier (default configuration), the AE classifier on
an autoencoder of the same encoder size, and the RAPID-style RNN. Weights are random: speed does not depend on
them. Usage: python benchmarks/bench_classifiers.py [--n 20000] [--batch 1024] [--repeats 3]
"""
import argparse, os, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import keras
from lc_transformer.bazin import simulate_bazin
from lc_transformer.classifiers import build_ae_classifier, build_encoder_classifier
from lc_transformer.rnn import build_rnn_classifier
from lc_transformer.classifier_inputs import classifier_inputs
from lc_transformer.transformer import TransformerAutoencoder

def light_curves_per_second(model, inputs, batch, repeats):
    "Best of `repeats` timed passes over `inputs` (after one warm-up pass that compiles)."
    model.predict({k: v[:batch] for k, v in inputs.items()}, batch_size=batch, verbose=0)
    n, best = len(next(iter(inputs.values()))), np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict(inputs, batch_size=batch, verbose=0)
        best = min(best, time.perf_counter() - start)
    return n / best

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--n', type=int, default=20_000)
    parser.add_argument('--batch', type=int, default=1024)
    parser.add_argument('--repeats', type=int, default=3)
    args = parser.parse_args()
    lcs = simulate_bazin(args.n, n_days=50, seed=0)          # 51 steps with the leading zero step
    print(f"backend {keras.backend.backend()}, {os.cpu_count()} CPUs, {args.n} light curves of {lcs.n_steps} steps, batch {args.batch}")
    encoder_ffn = build_encoder_classifier(lcs)
    autoencoder = TransformerAutoencoder(n_filters=6, d_model=32, num_layers=2, num_heads=4, dff=64, max_len=128)
    autoencoder(lcs.flux[:2])
    ae_classifier = build_ae_classifier(autoencoder, lcs)
    rnn = build_rnn_classifier(lcs)
    for name, model, inputs in [('encoder + FFN (d_model 32, 2 layers, 4 heads)', encoder_ffn, classifier_inputs(lcs, encoder_ffn)),
                                ('AE classifier (same encoder size)', ae_classifier, classifier_inputs(lcs, ae_classifier)),
                                ('RNN (2 x GRU 100)', rnn, classifier_inputs(lcs, rnn))]:
        model.compile(jit_compile=keras.backend.backend() != 'torch')
        rate = light_curves_per_second(model, inputs, args.batch, args.repeats)
        print(f"{name:50s} {rate:10,.0f} LC/s")
