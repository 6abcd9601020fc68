#!/usr/bin/env bash
# Every check of the project, as CI runs it. Needs the development install: pip install -e ".[dev]".
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2 MPLBACKEND=Agg PYTHONHASHSEED=0
# One TensorFlow thread per process, five processes at a time (three notebooks, two pytest workers): the tests
# train tiny models, where TensorFlow's thread pools cost more than they give (lc_run on a small release alone: 70 s
# instead of 109 s; nbdev_test 10.9 min on a fresh clone, against 12.9 min with only the intra-op pool at one thread).
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

echo "== docs sources (nbdev_proc_nbs; nbdev_docs where Quarto is installed) [$SECONDS s]"
nbdev_proc_nbs
if command -v quarto >/dev/null; then nbdev_docs; else echo "quarto not installed: nbdev_docs skipped"; fi

echo "== docs site without Quarto (MkDocs: scripts/build_docs.py, into _site/) [$SECONDS s]"
python scripts/build_docs.py --no-proc

# The notebooks and the tool tests run side by side, so that neither's last long test leaves a core idle; each writes
# its own log, printed when both are done.
echo "== nbdev_test (notebooks as tests) and pytest (command-line tools, end to end), side by side [$SECONDS s]"
logs=$(mktemp -d)
nbdev_test --timing --n_workers 3 > "$logs/nbdev_test.log" 2>&1 & notebooks=$!
python -m pytest tests -q -rs --durations=10 -n 2 --dist loadfile > "$logs/pytest.log" 2>&1 & tools=$!
notebooks_status=0; wait $notebooks || notebooks_status=$?
echo "-- nbdev_test: exit status $notebooks_status [$SECONDS s]"; cat "$logs/nbdev_test.log"
tools_status=0; wait $tools || tools_status=$?
echo "-- pytest: exit status $tools_status [$SECONDS s]"; cat "$logs/pytest.log"
echo "== done [$SECONDS s]"
[ "$notebooks_status" -eq 0 ] && [ "$tools_status" -eq 0 ]
