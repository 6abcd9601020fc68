"`lc_benchmark` as a user runs it, and the stored result that the docs and the README quote."
import json
import numpy as np
import pytest
from lc_transformer.benchmark_report import load_benchmark_result, headline_markdown, check_benchmark_result
from tools import assert_one_line_error, assert_succeeded, run_tool

def test_quick_benchmark_from_the_command_line(tmp_path):
    result = assert_succeeded(run_tool('lc_benchmark', '--quick', '--out', tmp_path/'bench', '--models',
                                       'features_lightgbm,rnn', '--seeds', 2, '--verbose', 0))
    record = check_benchmark_result(json.loads((tmp_path/'bench'/'benchmark.json').read_text()))
    assert sorted(record['models']) == ['features_lightgbm', 'rnn'] and record['seeds'] == [0, 1]
    runs = record['models']['rnn']['runs']
    assert [r['seed'] for r in runs] == [0, 1] and runs[0]['scores'] != runs[1]['scores']     # two trainings, two results
    losses = [r['scores']['kaggle_weighted_log_loss'] for r in runs]
    loss = record['models']['rnn']['summary']['kaggle_weighted_log_loss']          # the mean and spread over the seeds
    assert loss == {'mean': pytest.approx(np.mean(losses)), 'std': pytest.approx(np.std(losses, ddof=1))}
    assert record['data']['n_test'] == 400 and record['command'].startswith('lc_benchmark --quick')
    assert result.stdout.splitlines()[-1] == f"outputs: {tmp_path/'bench'} (benchmark.json, figures, a directory per seed)"

def test_benchmark_rejects_an_unknown_model(tmp_path):
    result = run_tool('lc_benchmark', '--quick', '--out', tmp_path/'bench', '--models', 'transformer9000')
    assert_one_line_error(result, "unknown benchmark model(s) ['transformer9000']")
    assert not (tmp_path/'bench').exists()

def test_stored_results_have_the_schema_and_the_readme_quotes_them(repo_root):
    for name, n_seeds in (('benchmark.json', 1), ('benchmark_seeds.json', 3)):
        stored = load_benchmark_result(repo_root/'benchmarks'/'results'/name)
        assert len(stored['seeds']) >= n_seeds and stored['data']['n_test'] >= 100_000
        assert headline_markdown(stored) in (repo_root/'README.md').read_text()

def test_stored_few_label_result_uses_a_tenth_of_the_labels(repo_root):
    stored = load_benchmark_result(repo_root/'benchmarks'/'results'/'benchmark_labels_10.json')
    assert stored['config']['label_fraction'] == 0.1 and set(stored['models']) == {'tokens', 'tokens_pretrained'}
    full = load_benchmark_result(repo_root/'benchmarks'/'results'/'benchmark_seeds.json')
    n_labelled = stored['models']['tokens']['runs'][0]['n_labelled']
    assert abs(n_labelled - 0.1 * full['data']['n_train']) < 0.02 * full['data']['n_train']
