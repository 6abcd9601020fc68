"End-to-end tests of `lc_predict` (`lc_transformer.predict`): the installed console script on small simulated test sets."
import os, shutil
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import pandas as pd
import pytest
from lc_transformer.simulate import simulate_plasticc, simulate_plasticc_files, write_plasticc
from lc_transformer.config import ClassifierConfig
from lc_transformer.train import train_classifier_run
from lc_transformer.predict import check_submission
from tools import assert_one_line_error, assert_succeeded, run_tool

N_TEST = 40

@pytest.fixture(scope='module')
def classifier(tmp_path_factory):
    "A RAPID-style GRU trained for one epoch on a small simulated training set, as lc_train_classifier writes it."
    root = tmp_path_factory.mktemp('classifier')
    simulate_plasticc_files(root/'train', 300, 'train', schema='kaggle', seed=0)
    run = ClassifierConfig(kind='rnn').with_options(source=str(root/'train'), out=str(root/'rnn'), epochs=1, units=8,
                                                    truncated_copies=0)
    train_classifier_run(run, verbose=0)
    return root/'rnn'

@pytest.fixture(scope='module')
def test_sets(tmp_path_factory):
    "The same simulated test objects in the Kaggle files (one plain file) and in the unblinded ones (three gzip files)."
    root = tmp_path_factory.mktemp('test_sets')
    light_curves, metadata = simulate_plasticc(N_TEST, 'test', seed=1, first_object_id=1_000_000)
    write_plasticc(root/'kaggle', light_curves, metadata, 'kaggle', 'test')
    write_plasticc(root/'unblinded', light_curves, metadata, 'unblinded', 'test', gzip=True, n_files=3)
    return {'kaggle': root/'kaggle', 'unblinded': root/'unblinded', 'metadata': metadata.set_index('object_id')}

def test_both_releases_give_the_same_submission(classifier, test_sets, tmp_path):
    submissions = {}
    for schema, out in (('kaggle', tmp_path/'kaggle.csv'), ('unblinded', tmp_path/'unblinded.csv.gz')):
        done = assert_succeeded(run_tool('lc_predict', classifier, test_sets[schema], '--out', out, '--chunk_objects', 7))
        assert done.stdout.splitlines()[-1] == f"outputs: {out.resolve()} ({N_TEST} objects, Kaggle submission format)"
        assert check_submission(out, test_sets['metadata']) == N_TEST   # header, rows summing to 1, every object once
        submissions[schema] = pd.read_csv(out)
    assert submissions['kaggle'].object_id.tolist() == submissions['unblinded'].object_id.tolist()
    np.testing.assert_allclose(submissions['kaggle'].iloc[:, 1:], submissions['unblinded'].iloc[:, 1:], atol=1e-7)
    assert sorted(p.name for p in tmp_path.iterdir()) == ['kaggle.csv', 'unblinded.csv.gz']   # no .partial left

def test_a_classifier_without_its_model_is_one_line_of_error(classifier, test_sets, tmp_path):
    shutil.copytree(classifier, tmp_path/'run')
    (tmp_path/'run'/'model.keras').unlink()
    done = run_tool('lc_predict', tmp_path/'run', test_sets['kaggle'], '--out', tmp_path/'submission.csv')
    assert done.stderr == f"lc_predict: error: {tmp_path/'run'/'model.keras'} is missing (listed in bundle.json)\n"
    assert not (tmp_path/'submission.csv').exists()

def test_a_directory_without_a_test_set_is_one_line_of_error(classifier, tmp_path):
    done = run_tool('lc_predict', classifier, tmp_path, '--out', tmp_path/'submission.csv')
    assert_one_line_error(done, f"{tmp_path}: no PLAsTiCC test files")
    assert not (tmp_path/'submission.csv').exists()

def test_the_builtin_model_classifies_without_training(test_sets, tmp_path):
    out = tmp_path/'builtin.csv'
    done = assert_succeeded(run_tool('lc_predict', 'builtin:plasticc-sim-tokens', test_sets['kaggle'], '--out', out))
    assert done.stdout.splitlines()[-1] == f"outputs: {out.resolve()} ({N_TEST} objects, Kaggle submission format)"
    assert check_submission(out, test_sets['metadata']) == N_TEST
    assert 'run by onnxruntime' in done.stdout                     # 'auto': the bundle ships its ONNX export
    by_keras = tmp_path/'keras.csv'
    assert_succeeded(run_tool('lc_predict', 'builtin:plasticc-sim-tokens', test_sets['kaggle'], '--out', by_keras, '--engine', 'keras'))
    onnx_rows, keras_rows = pd.read_csv(out), pd.read_csv(by_keras)
    assert (onnx_rows.object_id == keras_rows.object_id).all()
    assert np.abs(onnx_rows.to_numpy()[:, 1:] - keras_rows.to_numpy()[:, 1:]).max() < 1e-5
