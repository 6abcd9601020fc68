"""Write README.md from nbs/index.ipynb where Quarto (and so `nbdev_readme`) is not available.

Markdown cells are copied, visible code cells become fenced Python blocks, their markdown outputs markdown and
their text outputs fenced text;
cells marked `#| hide` are left out. `--check` exits non-zero if README.md differs from what would be written.
"""
import json, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def cell_source(cell): return ''.join(cell['source']).strip()

def cell_markdown(cell):
    "The README text of one notebook cell ('' for hidden cells)."
    src = cell_source(cell)
    if cell['cell_type'] == 'markdown': return src
    if src.startswith('#| hide') or src.startswith('#|hide'): return ''
    parts = [f"```python\n{src}\n```"]
    for out in cell.get('outputs', []):
        markdown = out.get('data', {}).get('text/markdown')
        text = out.get('text') or out.get('data', {}).get('text/plain')
        if markdown: parts.append(''.join(markdown).rstrip())
        elif text: parts.append("```\n" + ''.join(text).rstrip() + "\n```")
    return '\n\n'.join(parts)

def readme_text(nb_path=root/'nbs'/'index.ipynb'):
    nb = json.loads(Path(nb_path).read_text())
    body = '\n\n'.join(filter(None, map(cell_markdown, nb['cells'])))
    return "<!-- Made from nbs/index.ipynb: edit the notebook, then run `python scripts/make_readme.py`. -->\n\n" + body + '\n'

if __name__ == '__main__':
    text, readme = readme_text(), root/'README.md'
    if '--check' in sys.argv:
        if readme.read_text() != text: sys.exit("README.md differs from nbs/index.ipynb: run `python scripts/make_readme.py`")
    else: readme.write_text(text)
