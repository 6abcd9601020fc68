"End-to-end test of `lc_transformer.evaluate.write_report`: files written, JSON parses, values match the metrics, calibration applied."
import json
import numpy as np
import pandas as pd
import pytest
from lc_transformer import metrics
from lc_transformer.evaluate import write_report

CLASS_NAMES = ['SN Ia', 'SN II', 'TDE']
CLASS_CODES = [90, 42, 15]

def _classifier(rng, labels, skill):
    "Probabilities that put extra mass `skill` on the true class of each object."
    probs = rng.dirichlet(np.ones(3), len(labels)) + skill * np.eye(3)[labels]
    return probs / probs.sum(axis=1, keepdims=True)

def _overconfident(rng, labels, accuracy=0.8):
    "Right on `accuracy` of the objects, and always about 99% sure: a classifier that calibration must soften."
    guess = np.where(rng.random(len(labels)) < accuracy, labels, rng.integers(0, 3, len(labels)))
    logits = 5 * np.eye(3)[guess] + rng.normal(0, 0.3, (len(labels), 3))
    return np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)

@pytest.fixture
def results():
    rng = np.random.default_rng(0)
    labels, valid_labels = rng.integers(0, 3, 300), rng.integers(0, 3, 300)
    history = {'loss': [1.0, 0.7, 0.5], 'val_loss': [1.1, 0.8, 0.7]}
    curve = pd.DataFrame({'days': [0, 10, 20], 'accuracy': [0.4, 0.6, 0.8], 'observed points': [1., 5., 9.]})
    return {'good': dict(labels=labels, probs=_overconfident(rng, labels), valid_labels=valid_labels,
                         valid_probs=_overconfident(rng, valid_labels), inputs=['flux', 'mask', 'extra'],
                         history=history, metric_vs_time=curve),
            'weak': dict(labels=labels, probs=_classifier(rng, labels, 0.3))}

def test_write_report_end_to_end(tmp_path, results):
    out = write_report(tmp_path/'report', results, class_names=CLASS_NAMES, class_codes=CLASS_CODES)
    expected = {'metrics.json', 'comparison.csv', 'comparison.md', 'metric_vs_time.png', 'good_loss.png'}
    expected |= {f'{n}_{kind}.png' for n in results for kind in ('confusion', 'roc', 'pr', 'reliability')}
    written = {p.name for p in (tmp_path/'report').iterdir()}
    assert expected <= written, expected - written
    assert 'weak_loss.png' not in written                                  # no history, no loss figure
    for path in out['figures']:
        assert path.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n' and path.stat().st_size > 1000

    saved = json.loads((tmp_path/'report'/'metrics.json').read_text())
    assert set(saved) == set(results)
    good = saved['good']
    assert good['inputs'] == ['flux', 'mask', 'extra'] and saved['weak']['inputs'] is None
    # the temperature is fitted on the validation predictions and applied to the test predictions
    r = results['good']
    temperature = metrics.fit_temperature(r['valid_labels'], probs=r['valid_probs'])
    assert good['temperature'] == pytest.approx(temperature, rel=1e-6) and good['temperature'] > 1   # over-confident
    calibrated = metrics.apply_temperature(temperature, probs=r['probs'])
    scores = good['scores']
    assert scores['kaggle_weighted_log_loss'] == pytest.approx(metrics.kaggle_weighted_log_loss(r['labels'], calibrated, CLASS_CODES), rel=1e-6)
    assert scores['class_mean_log_loss'] == pytest.approx(metrics.class_mean_log_loss(r['labels'], calibrated), rel=1e-6)
    assert good['scores_before_calibration']['log_loss'] == pytest.approx(metrics.log_loss(r['labels'], r['probs']), rel=1e-9)
    assert scores['log_loss'] < good['scores_before_calibration']['log_loss']
    curves = metrics.one_vs_rest_curves(r['labels'], calibrated)
    for k, class_name in enumerate(CLASS_NAMES):
        assert scores[f'roc_auc/{class_name}'] == pytest.approx(curves[k]['roc_auc'])
    assert good['confusion_matrix'] == metrics.confusion_matrix(r['labels'], calibrated).tolist()
    assert good['metric_vs_time']['accuracy'] == [0.4, 0.6, 0.8]
    assert 'weighted_log_loss' not in scores                               # every metric under its exact name

    table = pd.read_csv(tmp_path/'report'/'comparison.csv', index_col=0)
    assert table.index.tolist() == ['good', 'weak']
    assert table.loc['good', 'inputs'] == 'flux+mask+extra'
    assert table.loc['weak', 'kaggle_weighted_log_loss'] == pytest.approx(saved['weak']['scores']['kaggle_weighted_log_loss'])
    markdown = (tmp_path/'report'/'comparison.md').read_text().splitlines()
    assert markdown[0].startswith('| classifier |') and len(markdown) == 4

def test_write_report_undefined_auc_is_null(tmp_path):
    "A class with no object has no ROC curve: its area is written as JSON null, not NaN."
    labels = np.array([0, 1, 0, 1])
    probs = np.array([[.7, .2, .1], [.2, .7, .1], [.6, .3, .1], [.3, .6, .1]])
    write_report(tmp_path, {'m': dict(labels=labels, probs=probs)}, class_names=CLASS_NAMES)
    text = (tmp_path/'metrics.json').read_text()
    assert 'NaN' not in text
    assert json.loads(text)['m']['scores']['roc_auc/TDE'] is None

def test_write_report_refuses_bad_input(tmp_path, results):
    with pytest.raises(ValueError, match='empty'): write_report(tmp_path, {})
    with pytest.raises(ValueError, match="lacks \\['probs'\\]"): write_report(tmp_path, {'x': {'labels': [0, 1]}})
    bad = dict(results['weak'], probs=np.full((300, 3), np.nan))
    with pytest.raises(ValueError, match='NaN'): write_report(tmp_path, {'bad': bad})
