"`lc_benchmark` as a user runs it, and the stored result that the docs and the README quote."
import json
import numpy as np
import pytest
from lc_transformer.benchmark import HELD_OUT_SIMULATION_SEED, DEVELOPMENT_SEEDS, QUICK
from lc_transformer.benchmark_report import (load_benchmark_result, load_object_losses, headline_markdown, check_benchmark_result,
                                             compare_with_baseline, run_description)
from tools import assert_one_line_error, assert_succeeded, run_tool

def test_quick_benchmark_from_the_command_line(tmp_path):
    """Two LightGBM models (the deep models run in the quick benchmark of the benchmark page), two seeds, a representative
    training set: the result file, its summaries and its paired comparison."""
    result = assert_succeeded(run_tool('lc_benchmark', '--quick', '--out', tmp_path/'bench', '--models',
                                       'features_lightgbm,features_lightgbm_augmented', '--baseline', 'features_lightgbm',
                                       '--seeds', 2, '--representative_training', '--verbose', 0))
    record = check_benchmark_result(json.loads((tmp_path/'bench'/'benchmark.json').read_text()))
    assert record['config']['data']['representative_training'] and 'representative training' in run_description(record)
    assert sorted(record['models']) == ['features_lightgbm', 'features_lightgbm_augmented'] and record['seeds'] == [0, 1]
    runs = record['models']['features_lightgbm_augmented']['runs']
    assert [r['seed'] for r in runs] == [0, 1] and runs[0]['scores'] != runs[1]['scores']     # two trainings, two results
    losses = [r['scores']['kaggle_weighted_log_loss'] for r in runs]
    loss = record['models']['features_lightgbm_augmented']['summary']['kaggle_weighted_log_loss']          # the mean and spread over the seeds
    assert loss == {'mean': pytest.approx(np.mean(losses)), 'std': pytest.approx(np.std(losses, ddof=1))}
    baseline = [r['scores']['kaggle_weighted_log_loss'] for r in record['models']['features_lightgbm']['runs']]
    comparison = record['comparisons']['models']['features_lightgbm_augmented']['test']                     # paired seed by seed
    assert comparison['per_seed'] == pytest.approx(np.subtract(losses, baseline), abs=1e-5)
    assert record['data']['n_test'] == QUICK['data.n_test'] and record['command'].startswith('lc_benchmark --quick')
    assert result.stdout.splitlines()[-1] == f"outputs: {tmp_path/'bench'} (benchmark.json, object_losses.npz, a directory per seed)"

def test_benchmark_rejects_an_unknown_model(tmp_path):
    result = run_tool('lc_benchmark', '--quick', '--out', tmp_path/'bench', '--models', 'transformer9000')
    assert_one_line_error(result, "unknown benchmark model(s) ['transformer9000']")
    assert not (tmp_path/'bench').exists()

def test_stored_result_is_held_out_and_quoted_by_the_readme(repo_root):
    results = repo_root/'benchmarks'/'results'
    stored = load_benchmark_result(results/'benchmark.json')
    assert stored['config']['data']['simulation_seed'] == HELD_OUT_SIMULATION_SEED not in DEVELOPMENT_SEEDS
    assert len(stored['seeds']) >= 5 and stored['comparisons']['models']
    assert min(stored['data']['class_counts_test'].values()) >= stored['config']['data']['min_test_per_class'] > 0   # no class on a handful
    assert headline_markdown(stored) in (repo_root/'README.md').read_text()
    comparisons = stored['comparisons']                                   # every claim is what the stored losses give
    assert compare_with_baseline(stored, load_object_losses(results/'object_losses.npz'), comparisons['baseline'],
                                 comparisons['n_boot'])['comparisons'] == comparisons
