"End to end: the simulator's command-line function writes both schemas, the reader reads them back, preparation gives valid light curves."
import gzip
import numpy as np
import pandas as pd
import pytest

from lc_transformer.data import LightCurves, load_light_curves
from lc_transformer.plasticc import (LIGHT_CURVE_COLUMNS, METADATA_COLUMNS, PLASTICC_TARGETS, LightCurveReader,
                                     plasticc_files, read_metadata)
from lc_transformer.prepare import prepare_plasticc
from lc_transformer.simulate import simulate_plasticc_files


@pytest.mark.parametrize('schema,gz', [('kaggle', False), ('unblinded', True)])
def test_train_files_round_trip(tmp_path, schema, gz):
    lc_paths, meta_path = simulate_plasticc_files(str(tmp_path), n_objects=120, schema=schema, gzip=gz, seed=3)
    assert [p.name for p in lc_paths] == (['training_set.csv'] if schema == 'kaggle' else ['plasticc_train_lightcurves.csv.gz'])
    opener = gzip.open if gz else open
    with opener(lc_paths[0], 'rt') as f: assert f.readline().strip().split(',') == list(LIGHT_CURVE_COLUMNS[schema])
    with opener(meta_path, 'rt') as f: assert f.readline().strip().split(',') == list(METADATA_COLUMNS[schema])
    assert plasticc_files(tmp_path, 'train') == (lc_paths, meta_path)

    meta = read_metadata(meta_path)
    reader = LightCurveReader(lc_paths, chunk_rows=997, metadata=meta)
    rows = pd.concat(reader, ignore_index=True)
    assert reader.schema == schema and meta.attrs['schema'] == schema
    assert reader.n_objects == 120 and rows.object_id.nunique() == 120
    raw = pd.read_csv(lc_paths[0])
    assert len(rows) == len(raw)
    np.testing.assert_array_equal(rows.flux.to_numpy(), raw.flux.to_numpy())
    assert set(meta.target) <= set(PLASTICC_TARGETS[:-1])

    lcs = prepare_plasticc(tmp_path, save_to=tmp_path / 'prepared.npz')
    assert isinstance(lcs, LightCurves) and lcs.flux.shape[1:] == (51, 6)
    assert len(lcs) >= 110 and lcs.is_normalised and lcs.n_classes == 14
    assert np.isclose(lcs.weight[lcs.mask].mean(), 1, atol=1e-4) and lcs.weight[~lcs.mask].max() == 0
    assert set(lcs.object_ids) <= set(meta.index)
    back = load_light_curves(tmp_path / 'prepared.npz')
    np.testing.assert_array_equal(back.flux, lcs.flux)
    assert back.feature_names == ('hostgal_photoz', 'hostgal_photoz_err', 'mwebv', 'ddf')


def test_split_test_files_both_schemas_agree(tmp_path):
    for schema in ('kaggle', 'unblinded'):
        simulate_plasticc_files(str(tmp_path / schema), n_objects=200, split='test', schema=schema,
                                          gzip=schema == 'unblinded', n_files=3, frac_unknown=0.1, seed=8)
    kaggle = prepare_plasticc(tmp_path / 'kaggle', 'test', classes=None, chunk_rows=2000)
    unblinded = prepare_plasticc(tmp_path / 'unblinded', 'test', classes=PLASTICC_TARGETS)
    assert len(plasticc_files(tmp_path / 'unblinded', 'test')[0]) == 3
    np.testing.assert_array_equal(kaggle.object_ids, unblinded.object_ids)
    np.testing.assert_allclose(kaggle.flux, unblinded.flux)
    assert kaggle.labels is None and (unblinded.labels == PLASTICC_TARGETS.index(99)).sum() >= 15


def test_reader_refuses_a_truncated_simulated_file(tmp_path):
    lc_paths, meta_path = simulate_plasticc_files(str(tmp_path), n_objects=300, schema='unblinded', gzip=True)
    blob = lc_paths[0].read_bytes()
    lc_paths[0].write_bytes(blob[: len(blob) * 2 // 3])
    with pytest.raises(ValueError, match='truncated'):
        for _ in LightCurveReader(lc_paths, chunk_rows=5000): pass


def test_streamed_parts_match_in_memory_preparation(tmp_path):
    from lc_transformer.data import load_dataset, read_parts_manifest
    from lc_transformer.data import balanced_class_weights
    simulate_plasticc_files(str(tmp_path / 'sim'), n_objects=150, schema='kaggle', seed=4)
    whole = prepare_plasticc(tmp_path / 'sim', chunk_rows=3000)
    parts_dir = prepare_plasticc(tmp_path / 'sim', chunk_rows=3000, save_to=tmp_path / 'parts', load=False)
    manifest = read_parts_manifest(parts_dir)
    assert len(manifest['parts']) >= 4 and manifest['n_objects'] == len(whole)
    assert manifest['info']['dropped'] == 150 - len(whole) and manifest['info']['n_rows'] > 10_000
    streamed = load_dataset(tmp_path / 'sim', cache=tmp_path / 'parts')       # the cache is read, not rebuilt
    np.testing.assert_array_equal(streamed.object_ids, whole.object_ids)
    np.testing.assert_array_equal(streamed.labels, whole.labels)
    np.testing.assert_array_equal(streamed.flux, whole.flux)
    np.testing.assert_allclose(streamed.weight, whole.weight, rtol=1e-5, atol=0)
    assert abs(streamed.weight[streamed.mask].mean() - 1) < 1e-5
    np.testing.assert_array_equal(balanced_class_weights(streamed.labels, 14), balanced_class_weights(whole.labels, 14))
    (tmp_path / 'parts' / 'manifest.json').unlink()                           # an unfinished directory is refused
    with pytest.raises(FileNotFoundError, match='manifest.json'): load_light_curves(tmp_path / 'parts')
