"End-to-end test of `lc_transformer.evaluate.write_report`: files written, JSON parses, values match the metrics."
import json
import numpy as np
import pandas as pd
import pytest
from lc_transformer import metrics
from lc_transformer.evaluate import write_report, COMPARISON_COLUMNS

CLASS_NAMES = ['SN Ia', 'SN II', 'TDE']

def _classifier(rng, labels, skill):
    "Probabilities that put extra mass `skill` on the true class of each object."
    probs = rng.dirichlet(np.ones(3), len(labels)) + skill * np.eye(3)[labels]
    return probs / probs.sum(axis=1, keepdims=True)

@pytest.fixture
def results():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 300)
    history = {'loss': [1.0, 0.7, 0.5], 'val_loss': [1.1, 0.8, 0.7]}
    curve = pd.DataFrame({'days': [0, 10, 20], 'accuracy': [0.4, 0.6, 0.8], 'observed points': [1., 5., 9.]})
    return {'good': dict(labels=labels, probs=_classifier(rng, labels, 2.0), history=history, metric_vs_time=curve),
            'weak': dict(labels=labels, probs=_classifier(rng, labels, 0.3))}

def test_write_report_end_to_end(tmp_path, results):
    weights = np.array([1., 1., 2.])
    out = write_report(tmp_path/'report', results, class_names=CLASS_NAMES, class_weights=weights)

    expected = {'metrics.json', 'comparison.csv', 'comparison.md', 'metric_vs_time.png', 'good_loss.png'}
    expected |= {f'{n}_{kind}.png' for n in results for kind in ('confusion', 'roc', 'pr', 'reliability')}
    written = {p.name for p in (tmp_path/'report').iterdir()}
    assert expected <= written, expected - written
    assert 'weak_loss.png' not in written                                  # no history, no loss figure
    for path in out['figures']:
        assert path.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n' and path.stat().st_size > 1000

    saved = json.loads((tmp_path/'report'/'metrics.json').read_text())
    assert set(saved) == set(results)
    for name, r in results.items():
        scores = saved[name]['scores']
        labels, probs = r['labels'], r['probs']
        assert scores['weighted_log_loss'] == pytest.approx(metrics.weighted_log_loss(labels, probs, weights), rel=1e-12)
        assert scores['accuracy'] == pytest.approx(metrics.accuracy(labels, probs))
        assert scores['macro_f1'] == pytest.approx(metrics.macro_f1(labels, probs))
        assert scores['ece'] == pytest.approx(metrics.expected_calibration_error(labels, probs))
        curves = metrics.one_vs_rest_curves(labels, probs)
        for k, class_name in enumerate(CLASS_NAMES):
            assert scores[f'roc_auc/{class_name}'] == pytest.approx(curves[k]['roc_auc'])
            assert scores[f'average_precision/{class_name}'] == pytest.approx(curves[k]['average_precision'])
        assert saved[name]['confusion_matrix'] == metrics.confusion_matrix(labels, probs).tolist()
    assert saved['good']['metric_vs_time']['accuracy'] == [0.4, 0.6, 0.8]
    assert saved['good']['scores']['accuracy'] > saved['weak']['scores']['accuracy']

    table = pd.read_csv(tmp_path/'report'/'comparison.csv', index_col=0)
    assert table.index.tolist() == ['good', 'weak'] and table.columns.tolist() == list(COMPARISON_COLUMNS)
    assert table.loc['weak', 'weighted_log_loss'] == pytest.approx(saved['weak']['scores']['weighted_log_loss'])
    markdown = (tmp_path/'report'/'comparison.md').read_text().splitlines()
    assert markdown[0].startswith('| classifier | accuracy') and len(markdown) == 4

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
    bad = dict(results['good'], probs=np.full((300, 3), np.nan))
    with pytest.raises(ValueError, match='NaN'): write_report(tmp_path, {'bad': bad})
