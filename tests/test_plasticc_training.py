"The whole PLAsTiCC path on a small simulated release: simulate, train every model straight from the directory, reload each."
import json, sys, textwrap
import numpy as np
import pytest
from lc_transformer.prepare import prepare_plasticc
from tools import assert_succeeded, run, run_tool

RELOAD = textwrap.dedent("""
    import sys, json
    import lc_transformer
    models = {path: lc_transformer.load_model(path) for path in sys.argv[1:]}
    # Keras 3 itself imports matplotlib; the package adds no plotting module of its own, nor seaborn
    plotting = {'seaborn', 'lc_transformer.plots', 'lc_transformer.evaluate'} & set(sys.modules)
    assert not plotting, f'plotting modules were imported: {plotting}'
    print(json.dumps({path: [type(m).__name__, m.get_config()['n_filters'] if type(m).__name__ == 'TransformerAutoencoder'
                             else m.output_shape[-1]] for path, m in models.items()}))
""")


def test_train_all_models_on_simulated_plasticc(tmp_path):
    data = tmp_path/'plasticc'
    assert_succeeded(run_tool('lc_simulate_plasticc', data, '--n_objects', 400, '--schema', 'unblinded', '--gzip', '--seed', 1))
    labels = prepare_plasticc(data).labels
    n_valid = sum(round(n / 5) for n in np.bincount(labels))                  # a fifth of each class for validation
    small = ['--d_model', 16, '--num_layers', 1, '--num_heads', 2, '--dff', 16, '--epochs', 1, '--batch_size', 32]
    assert_succeeded(run_tool('lc_train_ae', '--source', data, '--out', tmp_path/'autoencoder', *small, '--verbose', 0))
    kinds = [('encoder', small), ('ae', ['--autoencoder', tmp_path/'autoencoder'/'model.keras', '--epochs', 1]),
             ('rnn', ['--units', 16, '--epochs', 1])]
    for kind, extra in kinds:
        assert_succeeded(run_tool('lc_train_classifier', '--kind', kind, '--source', data, '--out', tmp_path/kind, *extra,
                                  '--verbose', 0))
        scores = json.loads((tmp_path/kind/'metrics.json').read_text())
        assert scores['n_objects'] == n_valid, kind
        right = round(scores['accuracy'] * n_valid)                           # a whole number of objects classified right
        assert scores['accuracy'] == pytest.approx(right / n_valid, abs=1e-12), kind
    # every kind of saved model reloads in a fresh process that only imported the package
    paths = [str(tmp_path/name/'model.keras') for name in ('autoencoder', 'encoder', 'ae', 'rnn')]
    result = assert_succeeded(run(sys.executable, '-c', RELOAD, *paths))
    reloaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert [reloaded[p] for p in paths] == [['TransformerAutoencoder', 6]] + [['Functional', 14]] * 3   # 14 training classes
