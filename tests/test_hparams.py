"A tiny hyperparameter search end to end from the command line: run, resume, tables, TensorBoard files."
import json, shutil, subprocess
import pandas as pd
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

def search(out, repo_root, n_trials):
    exe = shutil.which('lc_hparam_search')
    assert exe, "console script lc_hparam_search is not installed: pip install -e '.[dev]'"
    space = out.parent/'space.json'
    space.write_text(json.dumps({'d_model': [8, 16], 'num_heads': [2, 3], 'num_layers': [1], 'dff': [16]}))
    return subprocess.run([exe, '--model', 'autoencoder', '--strategy', 'grid', '--n_trials', str(n_trials), '--epochs', '1',
                           '--n_objects', '120', '--data', str(repo_root/'data'/'bazin'), '--out', str(out), '--space', str(space)],
                          capture_output=True, text=True, timeout=900)

def test_search_runs_resumes_and_logs(tmp_path, repo_root):
    out = tmp_path/'search'
    first = search(out, repo_root, 2)
    assert first.returncode == 0, first.stderr
    assert len(pd.read_csv(out/'trials.csv')) == 2
    resumed = search(out, repo_root, 4)
    assert resumed.returncode == 0, resumed.stderr
    table = pd.read_csv(out/'trials.csv')
    assert table.trial.tolist() == [0, 1, 2, 3]
    assert len(set(zip(table.d_model, table.num_heads))) == 4          # no grid point run twice
    skipped = table[table.state == 'PRUNED']
    assert sorted(skipped.num_heads) == [3, 3] and skipped.skipped.str.contains('not divisible').all()
    done = table[table.state == 'COMPLETE']
    assert len(done) == 2 and (done.val_mse > 0).all() and (done.val_rmse ** 2 - done.val_mse).abs().max() < 1e-6
    best = json.loads((out/'best_config.json').read_text())
    assert best['model']['num_heads'] == 2 and best['data']['n_objects'] == 120
    runs = sorted(p.name for p in (out/'tensorboard').iterdir() if p.is_dir())
    assert runs == [f'trial_{n:04d}' for n in done.trial]
    events = EventAccumulator(str(out/'tensorboard'/runs[0])).Reload()
    assert 'val_mse' in events.Tags()['tensors'] + events.Tags()['scalars']
