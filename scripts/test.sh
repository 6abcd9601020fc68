#!/usr/bin/env bash
# Every check of the project, as CI runs it. Needs the development install: pip install -e ".[dev]".
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2 MPLBACKEND=Agg PYTHONHASHSEED=0
# One TensorFlow thread per process, three processes at a time (nbdev_test, pytest): the tests train tiny models,
# where TensorFlow's thread pools cost more than they give (lc_run on a small release alone: 70 s instead of 109 s;
# nbdev_test 10.9 min on a fresh clone, against 12.9 min with only the intra-op pool at one thread).
export TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1
# Without Quarto, nbdev_proc_nbs re-runs `pip install -e`; its worker processes inherit the parent's sys.path,
# which must already hold the package: put the checkout on it.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

state() { { git status --porcelain -- lc_transformer nbs README.md; git diff -- lc_transformer nbs README.md; } | sha1sum; }

echo "== notebooks, package and README agree (nbdev_export, nbdev_clean)"
before=$(state)
nbdev_export
nbdev_clean
python scripts/make_readme.py
if [ "$before" != "$(state)" ]; then
  git status --short -- lc_transformer nbs README.md
  echo "FAIL: nbdev_export/nbdev_clean/make_readme changed files: run them and commit the result" >&2
  exit 1
fi

echo "== nbdev_test (notebooks as tests) [$SECONDS s]"
nbdev_test --timing --n_workers 3

echo "== docs sources (nbdev_proc_nbs; nbdev_docs where Quarto is installed) [$SECONDS s]"
nbdev_proc_nbs
if command -v quarto >/dev/null; then nbdev_docs; else echo "quarto not installed: nbdev_docs skipped"; fi

echo "== docs site without Quarto (MkDocs: scripts/build_docs.py, into _site/) [$SECONDS s]"
python scripts/build_docs.py --no-proc

echo "== pytest (command-line tools, end to end) [$SECONDS s]"
python -m pytest tests -q -rs --durations=10 -n 3 --dist loadfile
