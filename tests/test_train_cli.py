"End-to-end tests of the autoencoder training tool `lc_train_ae` (`lc_transformer.train.train_ae_cli`)."
import csv, json, os, sys
from pathlib import Path
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import pytest
import keras
from lc_transformer.bazin import load_test_data
from lc_transformer.train import TrainConfig, train_ae_cli

DATA = Path(__file__).parents[1]/'data'/'bazin'
TINY = ['--data', str(DATA), '--n_objects', '120', '--d_model', '8', '--num_layers', '1', '--num_heads', '2',
        '--dff', '8', '--epochs', '1', '--batch_size', '32', '--verbose', '0']

def run_cli(monkeypatch, *args):
    "Run the console script `lc_train_ae` with `args`, as the shell would."
    monkeypatch.setattr(sys, 'argv', ['lc_train_ae', *args])
    train_ae_cli()

def test_cli_writes_a_reloadable_run(tmp_path, monkeypatch):
    out = tmp_path/'run'
    run_cli(monkeypatch, *TINY, '--out', str(out), '--loss', 'KLD_RMSE', '--kld_alpha', '0.01', '--target', 'true_flux',
            '--wgt_map', 'False', '--learning_rate', '0.001')
    assert sorted(p.name for p in out.iterdir()) == ['config.json', 'history.csv', 'logs', 'model.keras']
    config = json.loads((out/'config.json').read_text())
    assert (config['loss'], config['kld_alpha'], config['target'], config['wgt_map'], config['d_model']) == \
           ('KLD_RMSE', 0.01, 'true_flux', False, 8)
    rows = list(csv.DictReader((out/'history.csv').open()))
    assert len(rows) == 1 and {'loss', 'val_loss'} <= set(rows[0]) and np.isfinite(float(rows[0]['val_loss']))
    assert any((out/'logs').rglob('events.out.tfevents*'))
    model = keras.models.load_model(out/'model.keras', safe_mode=True)
    lcs = load_test_data(DATA)[:3]
    prediction = model.predict((lcs.flux, lcs.true_flux), verbose=0)
    assert prediction.shape == lcs.flux.shape and np.isfinite(prediction).all()

def test_cli_repeats_a_run_from_its_config(tmp_path, monkeypatch):
    first, second = tmp_path/'first', tmp_path/'second'
    run_cli(monkeypatch, *TINY, '--out', str(first), '--loss', 'Huber', '--embed', 'True')
    run_cli(monkeypatch, '--config', str(first/'config.json'), '--out', str(second), '--verbose', '0')
    a, b = TrainConfig.load(first/'config.json'), TrainConfig.load(second/'config.json')
    assert a.out != b.out and {**vars(a), 'out': None} == {**vars(b), 'out': None}
    history = [list(csv.DictReader((d/'history.csv').open()))[0]['loss'] for d in (first, second)]
    np.testing.assert_allclose(float(history[0]), float(history[1]), rtol=1e-4)   # same seed, same run

def test_cli_rejects_unknown_loss(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="unknown loss 'L2'"):
        run_cli(monkeypatch, *TINY, '--out', str(tmp_path), '--loss', 'L2')
