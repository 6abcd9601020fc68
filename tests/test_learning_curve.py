"`benchmarks/learning_curve.py` on tiny sizes: one curve per training selection in one file, each row the figures of its own run, a stopped size resumed, and a file made with other settings refused."
import json, sys
from pathlib import Path
import pytest
from tools import assert_succeeded, run

ROOT = Path(__file__).parents[1]
BASELINE = 'features_lightgbm_augmented'

def test_learning_curve_keeps_one_curve_per_selection(tmp_path):
    out = tmp_path/'curve.json'
    common = ('--quick', '--model', 'features_lightgbm', '--n_test', 200, '--simulation_seed', 3, '--runs', tmp_path/'runs',
              '--out', out, '--plot', tmp_path/'curve.png')
    curve = lambda *args: assert_succeeded(run(sys.executable, ROOT/'benchmarks'/'learning_curve.py', *args, *common, cwd=tmp_path))
    curve('--sizes', 100, 200)
    spectroscopic = json.loads(out.read_text())['curves']['spectroscopic']
    assert [r['n_train'] for r in spectroscopic['rows']] == [100, 200] and (tmp_path/'curve.png').stat().st_size > 0
    for row in spectroscopic['rows']:                                   # each row is its run's result
        result = json.loads((tmp_path/'runs'/'spectroscopic'/f"n_train_{row['n_train']}"/'benchmark.json').read_text())
        assert result['data']['n_train'] == row['n_train'] and not result['config']['data']['representative_training']
        assert row['lead'] == pytest.approx(row['features_lightgbm'] - row[BASELINE], abs=1e-6)
        assert row['lead'] == result['comparisons']['models']['features_lightgbm']['test']['difference']
        assert [e['day'] for e in row['early']] == result['early_days'] and {e['verdict'] for e in row['early']} <= {'ahead', 'tie', 'behind'}
    curve('--sizes', 100, '--resume')                                   # the same size again, going on from its scored runs
    resumed = json.loads(out.read_text())['curves']['spectroscopic']['rows']
    assert len(resumed[0]['reused']) == 2 and {k: resumed[0][k] for k in ('lead', 'interval', 'early')} == {k: spectroscopic['rows'][0][k] for k in ('lead', 'interval', 'early')}
    assert resumed[1] == spectroscopic['rows'][1]
    spectroscopic = json.loads(out.read_text())['curves']['spectroscopic']
    curve('--sizes', 100, '--representative', '--min_train_per_class', 3)
    stored = json.loads(out.read_text())
    assert stored['curves']['spectroscopic'] == spectroscopic            # the other selection's curve is kept as it was
    representative = json.loads((tmp_path/'runs'/'representative_at_least_3_per_class'/'n_train_100'/'benchmark.json').read_text())
    spectroscopic_run = json.loads((tmp_path/'runs'/'spectroscopic'/'n_train_100'/'benchmark.json').read_text())
    assert representative['config']['data']['representative_training'] and min(representative['data']['class_counts_train'].values()) >= 3
    assert representative['data']['class_counts_test'] == spectroscopic_run['data']['class_counts_test']    # the same test objects
    assert representative['data']['class_counts_train'] != spectroscopic_run['data']['class_counts_train']
    assert [r['n_train'] for r in stored['curves']['representative, at least 3 per class']['rows']] == [100]
    refused = run(sys.executable, ROOT/'benchmarks'/'learning_curve.py', '--sizes', 100, *common, '--seeds', 2, cwd=tmp_path)
    assert refused.returncode == 2 and 'made with other settings' in refused.stderr and "'seeds': (1, 2)" in refused.stderr, refused.stderr
    assert json.loads(out.read_text()) == stored
