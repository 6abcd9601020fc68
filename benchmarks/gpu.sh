#!/usr/bin/env bash
# The GPU path, measured: benchmarks/bench_gpu.py under JAX (no TensorFlow needed), at most 8 minutes on one GPU.
#
#   bash benchmarks/gpu.sh [--tiny] [bench_gpu.py's options]   install what is missing, then measure
#   bash benchmarks/gpu.sh --fetch                             download those packages' wheels into .whl/ (Python 3.12)
#
# A GPU machine with JAX but without the packages below and without access to PyPI takes them from .whl/, fetched
# beforehand where PyPI is reachable and carried along; with PyPI reachable, pip installs them directly. Either way
# they go into $LC_GPU_SITE (default /tmp/lc_gpu_site), not into the machine's Python. The result is written to
# benchmarks/results/bench_gpu.txt (or --out).
set -euo pipefail
cd "$(dirname "$0")/.."
needed=(keras=keras namex=namex optree=optree fastcore=fastcore fastavro=fastavro lightgbm=lightgbm speclite=speclite
        astropy=astropy erfa=pyerfa astropy_iers_data=astropy-iers-data)        # module=package, beyond JAX, NumPy, pandas, SciPy
if [[ "${1:-}" == --fetch ]]; then
  exec python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 -d .whl "${needed[@]#*=}"
fi
site=${LC_GPU_SITE:-/tmp/lc_gpu_site}
missing=$(python3 -c "import importlib.util, sys
print(' '.join(p for m, p in (a.split('=') for a in sys.argv[1:]) if importlib.util.find_spec(m) is None))" "${needed[@]}")
if [[ -n "$missing" ]]; then
  if compgen -G ".whl/*.whl" >/dev/null; then python3 -m pip install -q --no-index --no-deps --target "$site" .whl/*.whl
  else python3 -m pip install -q --target "$site" $missing; fi
  export PYTHONPATH="$site${PYTHONPATH:+:$PYTHONPATH}"
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" KERAS_BACKEND=jax TF_CPP_MIN_LOG_LEVEL=2
exec timeout 480 python3 benchmarks/bench_gpu.py "$@"
