"""End-to-end tests of the training tools `lc_train_ae`, `lc_train_classifier` and `lc_pretrain_tokens`
(`lc_transformer.train`), and of how the main job `lc_run` reads its options, each run in this process as the shell
runs it."""
import csv, inspect, json, os, sys
from dataclasses import replace
from pathlib import Path
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import pytest
import keras
from fastcore.script import anno_parser
from lc_transformer.bazin import load_test_data, make_test_data_cli
from lc_transformer.transformer import autoencoder_inputs
from lc_transformer.config import LOSS_NAMES, TrainConfig, ClassifierConfig, PretrainConfig, CLASSIFIER_OPTIONS
from lc_transformer.train import train_ae_cli, train_classifier_cli, pretrain_tokens_cli
from lc_transformer import pipeline
from lc_transformer.pipeline import PipelineConfig, run_cli

DATA = Path(__file__).parents[1]/'data'/'bazin'
TINY = ['--source', str(DATA), '--n_objects', '120', '--d_model', '8', '--num_layers', '1', '--num_heads', '2',
        '--dff', '8', '--epochs', '1', '--batch_size', '32', '--verbose', '0']

def run_cli_as_shell(monkeypatch, tool, *args):
    "Run a console script's function with `args`, as the shell would."
    monkeypatch.setattr(sys, 'argv', [tool.__name__, *map(str, args)])
    tool()

def assert_rejected(capsys, monkeypatch, tool, message, *args):
    "Run by the shell with `args`, `tool` ends with status 2 and one line: its name, then `message` (and what was expected)."
    with pytest.raises(SystemExit) as ended: run_cli_as_shell(monkeypatch, tool, *args)
    err = capsys.readouterr().err
    assert ended.value.code == 2 and err.startswith(f"{tool.__name__}: error: {message}") and err.count('\n') == 1, err

def test_ae_cli_writes_a_reloadable_run(tmp_path, monkeypatch):
    out = tmp_path/'run'
    run_cli_as_shell(monkeypatch, train_ae_cli, *TINY, '--out', out, '--loss', 'KLD_RMSE', '--kld_alpha', '0.01',
                     '--approximate', 'True', '--wgt_map', 'False', '--learning_rate', '0.001')
    assert sorted(p.name for p in out.iterdir()) == ['config.json', 'history.csv', 'logs', 'model.keras']
    config = json.loads((out/'config.json').read_text())
    assert (config['loss'], config['sparsity']['kld_alpha'], config['approximate'], config['wgt_map'], config['size']['d_model']) == \
           ('KLD_RMSE', 0.01, True, False, 8)
    rows = list(csv.DictReader((out/'history.csv').open()))
    assert len(rows) == 1 and {'loss', 'val_loss'} <= set(rows[0]) and np.isfinite(float(rows[0]['val_loss']))
    assert any((out/'logs').rglob('events.out.tfevents*'))
    model = keras.models.load_model(out/'model.keras', safe_mode=True)
    lcs = load_test_data(DATA)[:3]
    prediction = model.predict(autoencoder_inputs(lcs.flux, lcs.mask, lcs.true_flux), verbose=0)
    assert prediction.shape == lcs.flux.shape and np.isfinite(prediction).all()

def test_ae_cli_repeats_a_run_from_its_config(tmp_path, monkeypatch):
    first, second = tmp_path/'first', tmp_path/'second'
    run_cli_as_shell(monkeypatch, train_ae_cli, *TINY, '--out', first, '--loss', 'Huber', '--embed', 'True')
    run_cli_as_shell(monkeypatch, train_ae_cli, '--config', first/'config.json', '--out', second, '--verbose', '0')
    a, b = TrainConfig.load(first/'config.json'), TrainConfig.load(second/'config.json')
    assert a.out != b.out and replace(a, out='') == replace(b, out='')
    history = [(d/'history.csv').read_text() for d in (first, second)]
    assert history[0] == history[1]                                          # same seed, same run
    weights = [keras.models.load_model(d/'model.keras').get_weights() for d in (first, second)]
    for w1, w2 in zip(*weights): np.testing.assert_array_equal(w1, w2)

def test_ae_cli_rejects_unknown_loss(tmp_path, monkeypatch, capsys):
    message = f"unknown loss 'L2': expected one of {LOSS_NAMES}"
    assert_rejected(capsys, monkeypatch, train_ae_cli, message, *TINY, '--out', tmp_path, '--loss', 'L2')

def test_classifier_cli_rejects_an_option_of_another_kind(tmp_path, monkeypatch, capsys):
    assert_rejected(capsys, monkeypatch, train_classifier_cli, "unknown setting 'units' for ClassifierConfig(kind='encoder')",
                    '--kind', 'encoder', '--units', 8, '--out', tmp_path)

def _help_defaults(tool) -> dict:
    "Option name -> the default its help text shows."
    parser = anno_parser(inspect.unwrap(tool))
    return {a.dest: a.help.rsplit('(default: ', 1)[1][:-1] for a in parser._actions if a.help and '(default: ' in a.help}

def test_help_shows_the_configurations_defaults():
    ae = _help_defaults(train_ae_cli)
    assert ae.pop('verbose') == '1' and ae['d_model'] == '32' and ae['strategy'] == 'none' and len(ae) == 31
    for name, shown in ae.items(): assert shown == str(TrainConfig().get(name)), name
    classifier = _help_defaults(train_classifier_cli)
    assert classifier.pop('verbose') == '1' and classifier['units'] == 'kind rnn: 100'
    for name, shown in classifier.items():
        defaults = {kind: ClassifierConfig(kind=kind).get(name) for kind in CLASSIFIER_OPTIONS
                    if name in ClassifierConfig(kind=kind).paths()}
        assert shown in ([str(v) for v in defaults.values()] + [', '.join(f'kind {k}: {v}' for k, v in defaults.items())]), name
    pipeline = _help_defaults(run_cli)
    assert pipeline['ae_epochs'] == str(PipelineConfig().autoencoder.optimisation.epochs)
    assert pipeline['rnn_epochs'] == str(PipelineConfig().rnn.optimisation.epochs)

def test_help_of_the_pretraining_tool_shows_its_defaults():
    pretrain = _help_defaults(pretrain_tokens_cli)
    assert pretrain.pop('verbose') == '1' and pretrain['mask_low'] == '0.15'
    for name, shown in pretrain.items(): assert shown == str(PretrainConfig().get(name)), name

def test_token_transformer_pretrains_then_classifies_from_the_command_line(tmp_path, monkeypatch):
    size = ['--source', DATA, '--n_objects', '120', '--d_model', '8', '--num_layers', '1', '--num_heads', '2', '--dff', '8',
            '--epochs', '1', '--batch_size', '32', '--verbose', '0']
    run_cli_as_shell(monkeypatch, pretrain_tokens_cli, *size, '--out', tmp_path/'pre', '--mask_low', '0.2', '--mask_high', '0.2')
    assert sorted(p.name for p in (tmp_path/'pre').iterdir()) == ['config.json', 'history.csv', 'logs', 'model.keras']
    run_cli_as_shell(monkeypatch, train_classifier_cli, '--kind', 'tokens', '--source', DATA, '--n_objects', '120', '--epochs', '1',
                     '--pretrained', tmp_path/'pre'/'model.keras', '--out', tmp_path/'clf', '--verbose', '0')
    model = keras.models.load_model(tmp_path/'clf'/'model.keras')
    assert model.encoder.d_model == 8                          # the pretrained encoder's size
    metrics = json.loads((tmp_path/'clf'/'metrics.json').read_text())
    n_valid = sum(round(n / 5) for n in np.bincount(load_test_data(DATA)[:120].labels))   # a fifth of each class
    right = round(metrics['accuracy'] * n_valid)                             # a whole number of objects classified right
    assert metrics['n_objects'] == n_valid and metrics['accuracy'] == pytest.approx(right / n_valid, abs=1e-12)

def test_classifier_cli_rejects_a_grid_option_for_tokens(tmp_path, monkeypatch, capsys):
    assert_rejected(capsys, monkeypatch, train_classifier_cli, "unknown setting 'units' for ClassifierConfig(kind='tokens')",
                    '--kind', 'tokens', '--units', 8, '--out', tmp_path)

def test_main_job_makes_a_fresh_bazin_set_and_runs_on_it(tmp_path, monkeypatch):
    """`lc_run --fresh N` writes into `out`/data the Bazin set of N objects that `lc_make_test_data` makes with the same
    seed, and starts the job on it with the options given (the job itself is run end to end in `test_cli.py`)."""
    started = []
    monkeypatch.setattr(pipeline, 'run_pipeline', lambda config, verbose: started.append((config, verbose)))
    run_cli_as_shell(monkeypatch, run_cli, '--fresh', 240, '--out', tmp_path, '--seed', 4, '--ae_epochs', 1,
                     '--classifier_epochs', 2, '--rnn_epochs', 3, '--verbose', 0)
    (config, verbose), = started
    assert config.data.source == str(tmp_path/'data') and config.seed == 4 and verbose == 0
    assert np.bincount(load_test_data(tmp_path/'data').labels).tolist() == [60, 60, 60, 60]
    run_cli_as_shell(monkeypatch, make_test_data_cli, '--out', tmp_path/'made', '--n_objects', 240, '--seed', 4,
                     '--verbose', 0)
    files = sorted(p.name for p in (tmp_path/'made').iterdir())
    assert files == sorted(p.name for p in (tmp_path/'data').iterdir()) and len(files) == 5
    for name in files: assert (tmp_path/'data'/name).read_bytes() == (tmp_path/'made'/name).read_bytes(), name
    epochs = {name: getattr(config, name).optimisation.epochs
              for name in ('autoencoder', 'ae_classifier', 'encoder_classifier', 'rnn')}
    assert epochs == {'autoencoder': 1, 'ae_classifier': 2, 'encoder_classifier': 2, 'rnn': 3}
