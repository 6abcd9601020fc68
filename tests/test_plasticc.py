"End to end: the simulator's command-line function writes both schemas, the reader reads them back, preparation gives valid light curves."
import gzip
import numpy as np
import pandas as pd
import pytest

from lc_transformer.data import LightCurves, load_light_curves, PLASTICC_TARGETS
from lc_transformer.plasticc import LIGHT_CURVE_COLUMNS, METADATA_COLUMNS, ObservationReader, plasticc_files, read_metadata
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
    reader = ObservationReader(lc_paths, chunk_rows=997, metadata=meta)
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
        simulate_plasticc_files(str(tmp_path / schema), n_objects=200, sample='test', schema=schema,
                                          gzip=schema == 'unblinded', n_files=3, frac_unknown=0.1, seed=8)
    kaggle = prepare_plasticc(tmp_path / 'kaggle', 'test', classes=None, chunk_rows=2000)
    unblinded = prepare_plasticc(tmp_path / 'unblinded', 'test', classes=PLASTICC_TARGETS)
    assert len(plasticc_files(tmp_path / 'unblinded', 'test')[0]) == 3
    np.testing.assert_array_equal(kaggle.object_ids, unblinded.object_ids)
    np.testing.assert_allclose(kaggle.flux, unblinded.flux)
    assert kaggle.labels is None
    metadata = read_metadata(plasticc_files(tmp_path / 'unblinded', 'test')[1])
    codes = np.asarray(PLASTICC_TARGETS)[unblinded.labels]
    np.testing.assert_array_equal(codes, metadata.target.loc[unblinded.object_ids])   # each object keeps its class
    assert (codes == 99).sum() >= 15                                                   # class 99 among them
