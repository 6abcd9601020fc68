"`benchmarks/gpu.sh` runs every part of the GPU benchmark under JAX on tiny sizes, on a CPU where TensorFlow cannot be imported (as on a GPU machine with JAX and PyTorch only)."
import importlib.util, os, re
from pathlib import Path
import pytest
from tools import assert_succeeded, run

ROOT = Path(__file__).parents[1]

@pytest.mark.skipif(importlib.util.find_spec('jax') is None, reason='jax is not installed')
def test_gpu_script_runs_under_jax_without_tensorflow(tmp_path):
    blocked = tmp_path/'blocked'/'tensorflow'
    blocked.mkdir(parents=True)
    (blocked/'__init__.py').write_text("raise ImportError('TensorFlow is not on this machine (blocked by the test)')\n")
    env = {**os.environ, 'PYTHONPATH': str(tmp_path/'blocked'), 'JAX_PLATFORMS': 'cpu', 'LC_GPU_SITE': str(tmp_path/'site')}
    out = tmp_path/'bench_gpu.txt'
    assert_succeeded(run('bash', ROOT/'benchmarks'/'gpu.sh', '--tiny', '--out', out, env=env, cwd=tmp_path))
    text = out.read_text()
    assert 'backend jax' in text, text
    for part in (r'autoencoder tiny: training at batch 64, \S+: [\d,]+ LC/s; [\d.]+ TFLOP/s, [\d.]+% of peak',
                 r'autoencoder tiny: reconstruction .*: [\d.]+ ms per light curve', r'token classifier .* batch 4,096: [\d,]+ LC/s',
                 r'one benchmark seed, token model alone .*kaggle_weighted_log_loss [\d.]+'):
        assert re.search(part, text), f"no line matching {part!r} in:\n{text}"
    assert float(re.search(r'naive loop ([\d.e+-]+)', text).group(1)) < 1e-4, text
