"Tiny hyperparameter searches end to end from the command line: run, resume, tables, TensorBoard files, ranges in the space file, a bad space file."
import json
import numpy as np
import optuna
import pandas as pd
from optuna.distributions import FloatDistribution, IntDistribution
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tools import assert_one_line_error, assert_succeeded, run_tool

GRID = {'d_model': {'choices': [8, 16]}, 'num_heads': {'choices': [2, 3]}, 'num_layers': [1], 'dff': [16]}

def search(out, repo_root, n_trials, space=GRID, sampler='grid', n_objects=120):
    space_file = out.parent/'space.json'
    space_file.write_text(json.dumps(space))
    return run_tool('lc_hparam_search', '--model', 'autoencoder', '--sampler', sampler, '--n_trials', n_trials,
                    '--epochs', 1, '--n_objects', n_objects, '--source', repo_root/'data'/'bazin', '--out', out,
                    '--space', space_file)

def test_search_runs_resumes_and_logs(tmp_path, repo_root):
    out = tmp_path/'search'
    first = assert_succeeded(search(out, repo_root, 2))
    assert first.stdout.splitlines()[-1] == f"outputs: {out.resolve()} (trials.csv, best_config.json, TensorBoard logs)"
    assert len(pd.read_csv(out/'trials.csv')) == 2
    assert_succeeded(search(out, repo_root, 4))
    table = pd.read_csv(out/'trials.csv')
    assert table.trial.tolist() == [0, 1, 2, 3]
    assert len(set(zip(table.d_model, table.num_heads))) == 4          # no grid point run twice
    skipped = table[table.state == 'PRUNED']
    assert sorted(skipped.num_heads) == [3, 3] and skipped.skipped.str.contains('not divisible').all()
    done = table[table.state == 'COMPLETE']
    assert len(done) == 2 and np.isfinite(done.val_mse).all() and (done.val_rmse ** 2 - done.val_mse).abs().max() < 1e-6
    best = json.loads((out/'best_config.json').read_text())
    assert best['size']['num_heads'] == 2 and best['data']['n_objects'] == 120
    assert best['size']['d_model'] == done.loc[done.val_mse.idxmin(), 'd_model']          # the trial of least val_mse
    runs = sorted(p.name for p in (out/'tensorboard').iterdir() if p.is_dir())
    assert runs == [f'trial_{n:04d}' for n in done.trial]
    events = EventAccumulator(str(out/'tensorboard'/runs[0])).Reload()
    assert 'val_mse' in events.Tags()['tensors'] + events.Tags()['scalars']

def test_space_file_ranges(tmp_path, repo_root):
    "A list of choices, an integer range and a log float range, drawn by a random search."
    out = tmp_path/'search'
    space = {'num_heads': [1, 2, 4], 'dff': [8, 24], 'lr_scale': {'low': 1e2, 'high': 1e4, 'log': True},
             'd_model': {'choices': [8, 16]}, 'num_layers': [1]}
    assert_succeeded(search(out, repo_root, 2, space, sampler='random', n_objects=40))
    table = pd.read_csv(out/'trials.csv')
    assert len(table) == 2 and (table.state == 'COMPLETE').all()
    assert table.num_heads.isin([1, 2, 4]).all() and table.d_model.isin([8, 16]).all()
    assert table.dff.dtype.kind == 'i' and table.dff.between(8, 24).all()
    assert table.lr_scale.dtype.kind == 'f' and table.lr_scale.between(1e2, 1e4).all()
    study = optuna.load_study(study_name='search', storage=f"sqlite:///{out/'search.db'}")
    distributions = study.trials[0].distributions
    assert distributions['dff'] == IntDistribution(8, 24)
    assert distributions['lr_scale'] == FloatDistribution(1e2, 1e4, log=True)
    best = json.loads((out/'best_config.json').read_text())
    assert best['size']['dff'] == table.loc[table.val_mse.idxmin(), 'dff']                 # the trial of least val_mse

def test_bad_space_file(tmp_path):
    "A mistake in the space file: one line naming the hyperparameter, exit status 2, before any data is read."
    space = tmp_path/'space.json'
    space.write_text(json.dumps({'dropout': {'low': 0.3, 'high': 0.1}}))
    done = run_tool('lc_hparam_search', '--space', space, '--out', tmp_path/'search', '--source', tmp_path/'nowhere')
    assert_one_line_error(done, 'dropout = {"low": 0.3, "high": 0.1}: a range needs low < high')
    assert not (tmp_path/'search').exists()
