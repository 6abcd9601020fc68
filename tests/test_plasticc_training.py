"The whole PLAsTiCC path on a small simulated release: simulate, then train every model straight from the directory."
import json, shutil, subprocess
import keras
import lc_transformer.classifiers  # registers the custom layers (it imports the transformer and RNN modules) for loading

def run(*args):
    exe = shutil.which(args[0])
    assert exe, f"console script {args[0]} is not installed: pip install -e '.[dev]'"
    result = subprocess.run([exe, *map(str, args[1:])], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return result

def test_train_all_models_on_simulated_plasticc(tmp_path):
    data = tmp_path/'plasticc'
    run('lc_simulate_plasticc', data, '--n_objects', 400, '--schema', 'unblinded', '--gzip', '--seed', 1)
    small = ['--d_model', 16, '--num_layers', 1, '--num_heads', 2, '--dff', 16, '--epochs', 1, '--batch_size', 32]
    run('lc_train_ae', '--data', data, '--out', tmp_path/'ae', *small, '--verbose', 0)
    assert isinstance(keras.saving.load_model(tmp_path/'ae'/'model.keras'), keras.Model)
    for kind, extra in [('encoder', small), ('ae', ['--autoencoder', tmp_path/'ae'/'model.keras', '--epochs', 1]),
                        ('rnn', ['--units', 16, '--epochs', 1])]:
        run('lc_train_classifier', '--kind', kind, '--data', data, '--out', tmp_path/kind, *extra, '--verbose', 0)
        scores = json.loads((tmp_path/kind/'metrics.json').read_text())
        assert scores['n_objects'] > 50 and 0 <= scores['accuracy'] <= 1
        model = keras.saving.load_model(tmp_path/kind/'model.keras')
        assert model.output_shape[-1] == 14        # the 14 PLAsTiCC training classes
