"""Correctness of the irregular-time Transformer on observation tokens (`lc_transformer.token_transformer`).

Under the JAX backend (a subprocess, skipped without jax): training of the classifier and the pretrainer, invariance
to token order and to padding length, the causal property, and `.keras` save and reload. Under the default backend
(TensorFlow): `.keras` save and reload of every token model, and invariance to a time shift of the raw observations.
Each check is paired with a change that must alter the outputs, so that a comparison that can never fail is caught.
"""
import importlib.util, os, sys, textwrap
import numpy as np
import pytest
import keras
from keras import ops
from lc_transformer.data import PLASTICC_TRAIN_TARGETS, split_by_object
from lc_transformer.simulate import simulate_plasticc
from lc_transformer.prepare import tokens_from_observations
from lc_transformer.token_transformer import (TokenClassifier, TokenPretrainer, token_classifier, token_pretrainer,
                                              fit_token_model, token_probabilities)
from tools import assert_succeeded, run

SIZE = dict(d_model=16, num_layers=1, num_heads=2, dff=32)
TOLERANCE = 1e-5

JAX_SCRIPT = textwrap.dedent("""
    import os, tempfile
    import numpy as np
    import keras
    assert keras.backend.backend() == 'jax', keras.backend.backend()
    from lc_transformer.data import PLASTICC_TRAIN_TARGETS
    from lc_transformer.simulate import simulate_plasticc
    from lc_transformer.data import split_by_object
    from lc_transformer.prepare import tokens_from_observations
    from lc_transformer.token_transformer import (token_classifier, token_pretrainer, fit_token_model, token_probabilities,
                                                  token_probabilities_until)
    TOL = 1e-5
    close = lambda a, b: np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=0, atol=TOL)
    def differ(a, b, what):
        assert np.abs(np.asarray(a) - np.asarray(b)).max() > 1e-3, f'{what} did not change the outputs: the check cannot fail'
    run = lambda model, x: np.asarray(model.predict_on_batch(x))

    # at most 32 tokens per object: two bucket lengths, so few shapes to compile
    observations, metadata = simulate_plasticc(160, seed=3)
    tokens = tokens_from_observations(observations, metadata, PLASTICC_TRAIN_TARGETS, max_tokens=32)
    train, valid = split_by_object(tokens, 0.25, seed=0)
    size = dict(d_model=16, num_layers=1, num_heads=2, dff=32)

    pretrainer = token_pretrainer(train, **size)
    pretraining = fit_token_model(pretrainer, train, None, epochs=1, batch_size=256).history
    assert np.isfinite(pretraining['loss']).all(), pretraining
    classifier = token_classifier(train, pretrained=pretrainer)
    close(classifier.encoder.get_weights()[3], pretrainer.encoder.get_weights()[3])
    history = fit_token_model(classifier, train, None, epochs=1, batch_size=256).history
    assert np.isfinite(history['loss']).all(), history
    causal = token_classifier(train, causal=True, **size)
    causal_history = fit_token_model(causal, train, None, epochs=1, batch_size=256).history
    assert np.isfinite(causal_history['loss']).all(), causal_history
    probs = token_probabilities(classifier, valid)
    assert probs.shape == (len(valid), len(PLASTICC_TRAIN_TARGETS)) and np.allclose(probs.sum(1), 1, atol=1e-4)

    # order: the non-causal model reads a set of tokens
    rng = np.random.default_rng(0)
    objects = valid[np.argsort(-valid.lengths)[:8]]            # the longest objects: many tokens to permute
    x = objects.padded()
    reference = run(classifier, x)
    permuted, scrambled = ({k: v.copy() for k, v in x.items()} for _ in range(2))
    for i, n in enumerate(x['length']):
        order = rng.permutation(n)
        for k in ('time', 'filter', 'flux', 'flux_err', 'detected'): permuted[k][i, :n] = x[k][i, order]
        scrambled['flux'][i, :n] = x['flux'][i, order]         # fluxes moved to other times: a different light curve
    close(run(classifier, permuted), reference)
    differ(run(classifier, scrambled), reference, 'moving fluxes to other tokens')

    # padding: any padded length gives the same probabilities
    close(run(classifier, objects.padded(length=x['time'].shape[1] + 37)), reference)
    longer = objects.padded(length=x['time'].shape[1] + 37)
    longer['length'] = longer['length'] + 5                      # five zero tokens read as observations
    differ(run(classifier, longer), reference, 'reading padding as tokens')

    # causal: tokens after position k do not change the outputs before k
    k = 10
    full = run(causal, x)
    assert full.shape == (len(objects), x['time'].shape[1], len(PLASTICC_TRAIN_TARGETS)), full.shape
    changed = {key: v.copy() for key, v in x.items()}
    changed['flux'][:, k:] *= 50; changed['time'][:, k:] += 3; changed['filter'][:, k:] = (changed['filter'][:, k:] + 1) % 6
    after = run(causal, changed)
    close(after[:, :k], full[:, :k])
    differ(after[:, k + 1:], full[:, k + 1:], 'changing the later tokens')
    close(run(causal, objects.padded(length=x['time'].shape[1] + 37))[:, :x['time'].shape[1]], full)
    # ... and the probabilities at a day are those of the tokens known by then
    days = np.quantile(objects.time, [0.2, 0.5, 0.8]).tolist()      # the tokens kept are the most recent 32
    until = token_probabilities_until(causal, objects, days)
    for d, day in enumerate(days):
        known = objects.until(day)
        close(until[objects.positions(known.object_ids), d], token_probabilities(causal, known))
        assert np.isnan(until[~np.isin(objects.object_ids, known.object_ids), d]).all()
    both = ~np.isnan(until[:, 1, 0]) & ~np.isnan(until[:, 2, 0])
    differ(until[both, 1], until[both, 2], 'a later day')
    plain_until = token_probabilities_until(classifier, objects, days[1:2])
    known = objects.until(days[1])
    close(plain_until[objects.positions(known.object_ids), 0], token_probabilities(classifier, known))

    # .keras save and reload: identical predictions
    directory = tempfile.mkdtemp()
    for name, model in (('classifier', classifier), ('causal', causal), ('pretrainer', pretrainer)):
        path = os.path.join(directory, name + '.keras')
        model.save(path)
        reloaded = keras.saving.load_model(path)
        assert type(reloaded) is type(model) and reloaded.get_config() == model.get_config(), name
        np.testing.assert_array_equal(run(reloaded, x), run(model, x))
    print('jax ok', np.round(history['loss'], 4).tolist(), np.round(pretraining['loss'], 4).tolist())
""")

@pytest.mark.skipif(importlib.util.find_spec('jax') is None, reason='jax is not installed')
def test_token_models_under_jax():
    env = {**os.environ, 'KERAS_BACKEND': 'jax', 'TF_CPP_MIN_LOG_LEVEL': '2', 'JAX_PLATFORMS': 'cpu'}
    result = assert_succeeded(run(sys.executable, '-c', JAX_SCRIPT, env=env))
    assert 'jax ok' in result.stdout


# --- the default backend (TensorFlow) ---

def predict(model, x): return ops.convert_to_numpy(model(x, training=False))

def assert_differ(a, b, what):
    assert np.abs(np.asarray(a) - np.asarray(b)).max() > 1e-3, f"{what} did not change the outputs: the check cannot fail"

@pytest.fixture(scope='module')
def data():
    observations, metadata = simulate_plasticc(160, seed=3)
    tokens = tokens_from_observations(observations, metadata, PLASTICC_TRAIN_TARGETS)
    short = tokens_from_observations(observations, metadata, PLASTICC_TRAIN_TARGETS, max_tokens=32)   # quick to train
    train, valid = split_by_object(short, 0.25, seed=0)
    return observations, metadata, tokens, train, valid

@pytest.fixture(scope='module')
def models(data):
    _, _, _, train, valid = data
    pretrainer = token_pretrainer(train, **SIZE)
    fit_token_model(pretrainer, train, None, epochs=1, batch_size=256)
    classifier = token_classifier(train, pretrained=pretrainer)
    fit_token_model(classifier, train, None, epochs=1, batch_size=256)
    causal = token_classifier(train, causal=True, **SIZE)
    fit_token_model(causal, train, None, epochs=1, batch_size=256)
    return {'classifier': classifier, 'causal': causal, 'pretrainer': pretrainer}

@pytest.mark.parametrize('name', ['classifier', 'causal', 'pretrainer'])
def test_keras_save_and_reload(data, models, name, tmp_path):
    valid = data[4]
    model = models[name]
    path = tmp_path/f'{name}.keras'
    model.save(path)
    reloaded = keras.saving.load_model(path)
    assert type(reloaded) is {'pretrainer': TokenPretrainer}.get(name, TokenClassifier)
    assert reloaded.get_config() == model.get_config()
    assert (name == 'causal') == getattr(reloaded, 'causal', False)
    x = valid.padded()
    before, after = predict(model, x), predict(reloaded, x)
    np.testing.assert_array_equal(after, before)
    if name != 'pretrainer':
        np.testing.assert_array_equal(token_probabilities(reloaded, valid), token_probabilities(model, valid))
    # a model of the same configuration but other weights predicts otherwise: the comparison above can fail
    other = type(model).from_config(model.get_config())
    other(x)
    assert_differ(predict(other, x)[..., 0], before[..., 0], 'other weights')

def test_time_shift_invariance(data, models):
    observations, metadata, tokens, _, valid = data
    classifier = models['classifier']
    objects = tokens.select(valid.object_ids[:24])             # whole light curves, up to 256 tokens
    reference = token_probabilities(classifier, objects)
    shifted = tokens_from_observations(observations.assign(mjd=observations.mjd + 1000), metadata, PLASTICC_TRAIN_TARGETS)
    np.testing.assert_allclose(shifted.trigger, tokens.trigger + 1000, rtol=0, atol=1e-6)
    np.testing.assert_allclose(shifted.time, tokens.time, rtol=0, atol=1e-5)
    np.testing.assert_allclose(token_probabilities(classifier, shifted.select(objects.object_ids)), reference,
                               rtol=0, atol=TOLERANCE)
    causal = models['causal']
    np.testing.assert_allclose(token_probabilities(causal, shifted.select(objects.object_ids)),
                               token_probabilities(causal, objects), rtol=0, atol=TOLERANCE)
    # a shift of one filter alone moves times relative to the others: the probabilities change
    one_band = observations.assign(mjd=observations.mjd + np.where(observations.passband == 2, 7.3, 0.))
    moved = tokens_from_observations(one_band, metadata, PLASTICC_TRAIN_TARGETS, window=None)
    unmoved = tokens_from_observations(observations, metadata, PLASTICC_TRAIN_TARGETS, window=None)
    assert_differ(token_probabilities(classifier, moved.select(objects.object_ids)),
                  token_probabilities(classifier, unmoved.select(objects.object_ids)), 'shifting one filter')
