"""Run notebooks in place so that their outputs (tables, figures) are stored for the docs site.

Usage: python scripts/execute_notebooks.py [NOTEBOOK ...]   (default: every notebook in nbs/)
Cells carrying a test flag from settings.ini (`tst_flags`, e.g. `#| slow`) and `nbdev_export()` cells are not run,
as under `nbdev_test`. Run `nbdev_clean` afterwards.
"""
import os, re, sys
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory
from nbdev.config import get_config

def skipped(cell, flags):
    "True for cells not to run: non-code, `nbdev_export()` calls and cells with a test flag."
    if cell.cell_type != 'code': return True
    if 'nbdev_export' + '(' in cell.source: return True
    directives = {m.group(1) for m in re.finditer(r'^#\|\s*([\w-]+)', cell.source, re.M)}
    return bool(directives & flags)

def execute(path, flags):
    nb = read_nb(path)
    shell = CaptureShell(path)
    with working_directory(path.parent): shell.run_all(nb, exc_stop=True, preproc=lambda c: skipped(c, flags))
    write_nb(nb, path)

if __name__ == '__main__':
    os.environ.setdefault('MPLBACKEND', 'Agg')
    cfg = get_config()
    flags = set(cfg.tst_flags.split())
    paths = [Path(p).resolve() for p in sys.argv[1:]] or sorted(cfg.nbs_path.glob('*.ipynb'))
    for path in paths:
        print(f'running {path.name}', flush=True)
        execute(path, flags)
