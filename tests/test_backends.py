"The model code is pure Keras 3: it trains and reconstructs under the JAX backend too."
import importlib.util, os, sys, textwrap
import pytest
from tools import assert_succeeded, run

SCRIPT = textwrap.dedent("""
    import keras, numpy as np
    assert keras.backend.backend() == 'jax', keras.backend.backend()
    from lc_transformer.bazin import simulate_bazin
    from lc_transformer.data import model_arrays
    from lc_transformer.transformer import TransformerAutoencoder, autoencoder_inputs, reconstruct, reconstruct_naive
    from lc_transformer.losses import WeightedLoss, first_kernel_regularizer, make_optimizer
    keras.utils.set_random_seed(0)
    lcs = simulate_bazin(n_objects=64, n_days=30, seed=0)
    x, y, w = model_arrays(lcs)
    x = autoencoder_inputs(x, lcs.mask)
    model = TransformerAutoencoder(d_model=16, num_layers=1, num_heads=2, dff=16,
                                   first_kernel_regularizer=first_kernel_regularizer('KLD_RMSE', 0.01, 0.05))
    model.compile(make_optimizer(16), loss=WeightedLoss('KLD_RMSE'), jit_compile=True)
    history = model.fit(x, y, sample_weight=w, batch_size=16, epochs=2, verbose=0).history['loss']
    assert np.isfinite(history).all(), history
    np.testing.assert_allclose(reconstruct(model, y[:2], lcs.mask[:2]), reconstruct_naive(model, y[:2], lcs.mask[:2]), atol=1e-4)
    print('jax ok', history)
""")

@pytest.mark.skipif(importlib.util.find_spec('jax') is None, reason='jax is not installed')
def test_trains_under_jax():
    env = {**os.environ, 'KERAS_BACKEND': 'jax', 'TF_CPP_MIN_LOG_LEVEL': '2', 'JAX_PLATFORMS': 'cpu'}
    result = assert_succeeded(run(sys.executable, '-c', SCRIPT, env=env))
    assert 'jax ok' in result.stdout
