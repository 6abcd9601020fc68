"""End-to-end checks of the command-line tools, run as a user runs them (installed console scripts), among them the one
full run of the main job `lc_run` in the tests."""
import json
import numpy as np
import pytest
from lc_transformer.prepare import prepare_plasticc
from lc_transformer.config import ClassifierConfig
from lc_transformer.train import train_classifier_run
from tools import assert_one_line_error, assert_succeeded, run_tool, user_environment

MODELS = ['ae_classifier', 'amplitude_threshold', 'encoder_classifier', 'rnn']

def test_make_test_data_writes_the_five_files(tmp_path):
    assert_succeeded(run_tool('lc_make_test_data', '--out', tmp_path/'a', '--n_objects', 300, '--seed', 3))
    files = sorted(p.name for p in (tmp_path/'a').iterdir())
    assert files == ['label.npy', 'lc_data.npy', 'min_max.txt', 'real_lc_data.npy', 'weightmap.npy']
    flux = np.load(tmp_path/'a'/'lc_data.npy')
    assert flux.shape == (300, 101, 6) and flux.dtype == np.float32
    assert np.bincount(np.load(tmp_path/'a'/'label.npy')).tolist() == [75, 75, 75, 75]
    assert np.loadtxt(tmp_path/'a'/'min_max.txt').shape == (300, 2)

def test_make_test_data_is_deterministic(tmp_path):
    for name, seed in [('a', 5), ('b', 5), ('c', 6)]:
        assert_succeeded(run_tool('lc_make_test_data', '--out', tmp_path/name, '--n_objects', 50, '--seed', seed))
    load = lambda name: np.load(tmp_path/name/'lc_data.npy')
    assert np.array_equal(load('a'), load('b'))
    assert not np.array_equal(load('a'), load('c'))

def test_make_test_data_rejects_bad_drop_fraction(tmp_path):
    result = run_tool('lc_make_test_data', '--out', tmp_path/'a', '--n_objects', 10, '--drop_fraction', 1.0)
    assert_one_line_error(result, '`drop_fraction` must be in [0, 1), got 1.0')
    assert not (tmp_path/'a').exists()

def test_main_job_reports_missing_data(tmp_path):
    result = run_tool('lc_run', '--source', tmp_path/'nowhere', '--out', tmp_path/'report')
    assert_one_line_error(result, f"no data at {tmp_path/'nowhere'}: expected a Bazin test-data directory")
    assert not (tmp_path/'report').exists()

def test_main_job_on_plasticc_scores_the_test_sample_with_class_99(tmp_path, monkeypatch):
    """`lc_run` from a simulated PLAsTiCC directory, into its default output directory: every model scored on a fifth
    of each class of the training set, then on the whole test sample, where class 99 is added."""
    data = tmp_path/'plasticc'
    for sample, n in (('train', 300), ('test', 200)):
        assert_succeeded(run_tool('lc_simulate_plasticc', data, '--n_objects', n, '--sample', sample, '--schema', 'unblinded',
                                  '--frac_unknown', 0.1 if sample == 'test' else 0, '--seed', 2))
    quick = ['--ae_epochs', 1, '--classifier_epochs', 1, '--rnn_epochs', 1, '--verbose', 0]
    # a user's environment: the tests' TF_CPP_MIN_LOG_LEVEL=2 lets TensorFlow's error-level lines through
    result = assert_succeeded(run_tool('lc_run', '--source', data, *quick, cwd=tmp_path, env=user_environment()))
    out = (tmp_path/'runs'/'demo').resolve()
    assert result.stderr == '', result.stderr[-3000:]                      # quiet: no start-up log, no warnings
    assert result.stdout.startswith(f"outputs: {out} (") and result.stdout.count('\n') == 1, result.stdout[-3000:]
    named = result.stdout.strip()[len(f"outputs: {out} ("):-1].split(', ')
    for path in named[:-1]: assert (out/path).exists(), f'the job names {path}, which it did not write'
    assert named[-1] == 'a directory per model', named
    for name in ('autoencoder', 'ae_classifier', 'encoder_classifier', 'rnn'): assert (out/name/'model.keras').is_file(), name
    for name in ['overview.png', 'summary.csv', 'attention_encoder.png'] + [f'reconstruction_{i}.png' for i in range(4)]:
        assert (out/'explore'/name).stat().st_size > 0, name
    table = (out/'report'/'comparison.md').read_text()
    assert all(name in table for name in MODELS)

    record = json.loads((out/'run.json').read_text())
    train, test = prepare_plasticc(data, 'train'), prepare_plasticc(data, 'test')       # the objects the job reads
    held_out = [round(n / 5) for n in np.bincount(train.labels, minlength=train.n_classes)]   # a fifth of each class
    in_test_sample = np.bincount(test.labels, minlength=len(test.class_codes)).tolist()
    assert test.class_codes[-1] == 99 and in_test_sample[-1] > 0             # the test sample holds class 99
    assert (record['n_objects'], record['n_test'], record['n_test_sample']) == (len(train), sum(held_out), len(test))
    for part, scores, rows, class_99 in (('report', record['comparison'], held_out, None),
                                         ('report_test_sample', record['test_sample'], in_test_sample, 'prod')):
        saved = json.loads((out/part/'metrics.json').read_text())
        assert sorted(saved) == sorted(scores) == MODELS, part
        for name, summary in saved.items():
            confusion = np.array(summary['confusion_matrix'])
            assert confusion.sum(axis=1).tolist() == rows, (part, name)     # every object once, in its true class
            assert scores[name]['accuracy'] == pytest.approx(np.trace(confusion) / confusion.sum()), (part, name)
            assert isinstance(summary['temperature'], float), (part, name)  # calibrated on the validation objects
            assert (summary['class_99'] and summary['class_99']['method']) == class_99, (part, name)
            assert 'kaggle_weighted_log_loss' in scores[name], (part, name)
    for name, scores in record['test_sample'].items():                     # the challenge metric counts class 99
        assert scores['kaggle_weighted_log_loss'] != scores['kaggle_weighted_log_loss_without_99'], name
    assert record['best'] == max(MODELS, key=lambda name: record['comparison'][name]['accuracy'])
    monkeypatch.chdir(tmp_path)                    # where the job ran: its configurations hold paths relative to it
    for name in ('rnn',):                          # a classifier's saved configuration repeats its run: same objects, same scores
        rerun = ClassifierConfig.load(out/name/'config.json').with_options(out=str(tmp_path/'again'/name))
        assert len(rerun.data.object_ids) == record['n_objects'] - record['n_test'], name
        _, _, scores = train_classifier_run(rerun, verbose=0)
        assert json.loads(json.dumps(scores)) == json.loads((out/name/'metrics.json').read_text()), name
