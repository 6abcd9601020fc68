"End-to-end checks of the command-line tools, run as a user runs them (installed console scripts)."
import json, shutil, subprocess
import numpy as np

def run(*args, cwd=None):
    exe = shutil.which(args[0])
    assert exe, f"console script {args[0]} is not installed: pip install -e '.[dev]'"
    return subprocess.run([exe, *args[1:]], capture_output=True, text=True, cwd=cwd, timeout=600)

def test_make_test_data_writes_the_five_files(tmp_path):
    result = run('lc_make_test_data', '--out', str(tmp_path/'a'), '--n_objects', '300', '--seed', '3')
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in (tmp_path/'a').iterdir())
    assert files == ['label.npy', 'lc_data.npy', 'min_max.txt', 'real_lc_data.npy', 'weightmap.npy']
    flux = np.load(tmp_path/'a'/'lc_data.npy')
    assert flux.shape == (300, 101, 6) and flux.dtype == np.float32
    assert np.bincount(np.load(tmp_path/'a'/'label.npy')).tolist() == [75, 75, 75, 75]
    assert np.loadtxt(tmp_path/'a'/'min_max.txt').shape == (300, 2)

def test_make_test_data_is_deterministic(tmp_path):
    for name, seed in [('a', 5), ('b', 5), ('c', 6)]:
        assert run('lc_make_test_data', '--out', str(tmp_path/name), '--n_objects', '50', '--seed', str(seed)).returncode == 0
    load = lambda name: np.load(tmp_path/name/'lc_data.npy')
    assert np.array_equal(load('a'), load('b'))
    assert not np.array_equal(load('a'), load('c'))

def test_make_test_data_rejects_bad_drop_fraction(tmp_path):
    result = run('lc_make_test_data', '--out', str(tmp_path), '--n_objects', '10', '--drop_fraction', '1.0')
    assert result.returncode != 0
    assert 'drop_fraction' in result.stderr

def test_main_job_writes_report(tmp_path):
    quick = ['--ae_epochs', '1', '--classifier_epochs', '1', '--rnn_epochs', '1', '--verbose', '0']
    result = run('lc_run', '--fresh', '240', '--out', str(tmp_path/'report'), *quick)
    assert result.returncode == 0, result.stderr
    record = json.loads((tmp_path/'report'/'run.json').read_text())
    assert record['n_objects'] == 240 and record['n_test'] == 48
    assert sorted(record['comparison']) == ['ae_classifier', 'amplitude_threshold', 'encoder_classifier', 'rnn']
    for scores in record['comparison'].values(): assert 0 <= scores['accuracy'] <= 1
    table = (tmp_path/'report'/'report'/'comparison.md').read_text()
    assert all(name in table for name in record['comparison'])
    for name in ['overview.png', 'summary.csv', 'reconstruction_0.png']: assert (tmp_path/'report'/'explore'/name).stat().st_size > 0

def test_main_job_reports_missing_data(tmp_path):
    result = run('lc_run', '--data', str(tmp_path/'nowhere'), '--out', str(tmp_path/'report'))
    assert result.returncode != 0
    assert 'no data at' in result.stderr

def test_main_job_on_plasticc_scores_the_test_split_with_class_99(tmp_path):
    data = tmp_path/'plasticc'
    for split, n in (('train', 300), ('test', 200)):
        made = run('lc_simulate_plasticc', str(data), '--n_objects', str(n), '--split', split, '--schema', 'unblinded',
                    '--frac_unknown', '0.1' if split == 'test' else '0', '--seed', '2')
        assert made.returncode == 0, made.stderr
    quick = ['--ae_epochs', '1', '--classifier_epochs', '1', '--rnn_epochs', '1', '--verbose', '0']
    result = run('lc_run', '--data', str(data), '--out', str(tmp_path/'run'), *quick)
    assert result.returncode == 0, result.stderr[-3000:]
    record = json.loads((tmp_path/'run'/'run.json').read_text())
    assert sorted(record['test_split']) == ['ae_classifier', 'amplitude_threshold', 'encoder_classifier', 'rnn']
    for scores in record['test_split'].values():         # the challenge metric, with and without class 99
        assert scores['kaggle_weighted_log_loss'] > 0 and scores['kaggle_weighted_log_loss_without_99'] > 0
    saved = json.loads((tmp_path/'run'/'report_test_split'/'metrics.json').read_text())
    for name, summary in saved.items():
        assert summary['class_99']['method'] and summary['temperature'] > 0, name   # class 99 and calibration, fitted on validation
    assert 'kaggle_weighted_log_loss' in record['comparison']['rnn']          # the held-out part of the training set too
