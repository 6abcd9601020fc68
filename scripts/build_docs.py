"""Build the docs as a static website without Quarto: `python scripts/build_docs.py [--out _site] [--no-proc]`.

nbdev publishes its docs with Quarto (`nbdev_docs`), which cannot be installed everywhere (not from PyPI). This
script renders the same pages from the notebooks that `nbdev_proc_nbs` processes into `_proc/` (front matter,
API reference from `show_doc`, links between pages) with MkDocs, the mkdocs-material theme and mkdocs-jupyter:

- MkDocs, mkdocs-material and mkdocs-jupyter are well kept, plain `pip` packages;
- mkdocs-jupyter renders notebooks with their stored outputs (tables, figures) without executing them
  (`execute: false`) and without Quarto;
- the material theme gives the page navigation, a table of contents per page and client-side search (the
  built-in `search` plugin; its `offline` plugin also inlines the search index for viewing from the file system).

`nbdev_docs` (Quarto) stays the publishing route wherever Quarto exists (`.github/workflows/deploy.yaml`); this site
is the one every checkout can build and test (`tests/test_docs_site.py` opens every page in a browser).

What it does:
1. runs `nbdev_proc_nbs` (skipped with `--no-proc`, for a `_proc/` that is fresh);
2. stages every processed notebook under its nbdev page name (`00_data.ipynb` -> `data.ipynb`, built as
   `data.html`, as `output-file` in its front matter says), doing what Quarto would do:
   - the front matter becomes the page title and description;
   - cells with `#| echo: false` lose their input (`show_doc` cells), `#| include: false` cells are left out,
     `#| output: false` cells lose their outputs, and the other directives (`#| ...` lines) are dropped;
   - Pandoc link attributes (`[source](url){target="_blank"}`) become HTML links, and Quarto's fenced divs (`:::`)
     lose their fences (the text stays);
   - links to the published docs (settings.ini `doc_host` + `doc_baseurl`) become links inside the site;
   - headings lose their links and get HTML code spans, so that the table of contents and the heading anchors agree;
   - interactive widget outputs, which a static page cannot run, become a note;
   - cells with an error output get the tag `error_output` (class `celltag_error_output` in the page) for the tests;
3. writes `mkdocs.yml` into the build folder (`--build-dir`, default `build/docs`; nothing is written at the root
   of the repository) with the navigation in the notebooks' reading order (index first, then by file name, so by
   number) and the titles from the notebooks, and runs `mkdocs build` into `--out` (default `_site/`).

Pages use nbdev's URLs (`data.html`, `index.html`; `use_directory_urls: false`), so the site works from any static
server and from the file system: `python -m http.server -d _site`, or open `_site/index.html` (search from the
file system loads a small script from unpkg.com, the `offline` plugin's way; served, it needs nothing outside the site).
"""
import argparse, configparser, html, json, logging, os, posixpath, re, shutil, subprocess, sys, time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
QUARTO_FILES = {'_quarto.yml', 'nbdev.yml', 'sidebar.yml', 'styles.css'}    # Quarto's own files in _proc/
WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json'
HIDE_INPUT_TAG = 'hide_input'
ERROR_TAG = 'error_output'      # on cells that hold an error output: `celltag_error_output` in the page, for tests

def settings(root=ROOT) -> dict:
    "The [DEFAULT] section of settings.ini."
    cfg = configparser.ConfigParser()
    cfg.read(root/'settings.ini')
    return dict(cfg['DEFAULT'])

def run_nbdev_proc_nbs(root=ROOT):
    "Process the notebooks into `_proc/`, as `scripts/test.sh` does."
    env = {**os.environ, 'TF_CPP_MIN_LOG_LEVEL': '2', 'MPLBACKEND': 'Agg'}
    env['PYTHONPATH'] = os.pathsep.join(filter(None, [str(root), env.get('PYTHONPATH')]))
    nbdev_proc_nbs = Path(sys.executable).parent/'nbdev_proc_nbs'
    cmd = str(nbdev_proc_nbs) if nbdev_proc_nbs.exists() else 'nbdev_proc_nbs'
    if subprocess.run([cmd], cwd=root, env=env).returncode:
        raise SystemExit("nbdev_proc_nbs failed (its error is above): the docs need the notebooks it processes")

def notebooks(proc: Path) -> list:
    "The processed notebooks in reading order: `index.ipynb` first, then by path (so by number). `_`/`.` names skipped."
    nbs = [p for p in proc.rglob('*.ipynb')
           if not any(part.startswith(('_', '.')) for part in p.relative_to(proc).parts)]
    return sorted(nbs, key=lambda p: (p.relative_to(proc).as_posix() != 'index.ipynb', p.relative_to(proc).as_posix()))

def stale_notebooks(proc: Path, nbs_path: Path) -> list:
    "Source notebooks that `proc` lacks or holds in an older version."
    out = []
    for src in notebooks(nbs_path):
        done = proc/src.relative_to(nbs_path)
        if not done.exists() or done.stat().st_mtime < src.stat().st_mtime: out.append(src.relative_to(nbs_path))
    return out

def source(cell) -> str: return ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']

def front_matter(nb) -> dict:
    "The YAML front matter that nbdev puts in the first (raw) cell, {} when there is none."
    if nb['cells'] and nb['cells'][0]['cell_type'] == 'raw':
        m = re.match(r'\s*---\s*\n(.*?)\n---', source(nb['cells'][0]), re.S)
        if m: return yaml.safe_load(m.group(1)) or {}
    return {}

def page_name(rel: Path, fm: dict) -> str:
    "The page of a notebook as nbdev names it: `output-file` of the front matter, else the name without its number."
    name = fm.get('output-file') or re.sub(r'^\d+[a-zA-Z0-9]*_', '', rel.stem) + '.html'
    return (rel.parent/name).as_posix()

_re_directive = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')

def split_directives(src: str):
    "Leading `#| key: value` lines of a code cell as a dict, and the code without them."
    lines, directives = src.splitlines(), {}
    while lines and (m := _re_directive.match(lines[0])):
        directives[m.group(1)] = m.group(2).strip('\'"')
        lines.pop(0)
    return directives, '\n'.join(lines)

def _pandoc_attrs(attrs: str) -> str:
    "Pandoc attributes (`#id .class key=\"value\"`) as HTML attributes."
    out, classes = [], []
    for m in re.finditer(r'([#.])([\w-]+)|([\w-]+)=("[^"]*"|\'[^\']*\'|\S+)', attrs):
        if m.group(1) == '#': out.append(f'id="{m.group(2)}"')
        elif m.group(1) == '.': classes.append(m.group(2))
        else: out.append(f'{m.group(3)}="{m.group(4).strip(chr(34) + chr(39))}"')
    if classes: out.append(f'class="{" ".join(classes)}"')
    return ' '.join(out)

_re_attr_link = re.compile(r'\[([^\]]*)\]\(([^)\s]+)\)\{([^}]*)\}')

def html_attr_links(md: str) -> str:
    "Markdown links with Pandoc attributes, which only Quarto reads, as HTML links: `[t](u){a=\"b\"}` -> `<a ...>`."
    return _re_attr_link.sub(lambda m: f'<a href="{m.group(2)}" {_pandoc_attrs(m.group(3))}>{m.group(1)}</a>', md)

def internal_links(text: str, doc_url: str, page: str) -> str:
    """Links to the published docs (`doc_url` + `/data.html#x`) as links relative to `page` inside the site, their
    anchors as MkDocs makes them (`#tokens.until`, Quarto's, becomes `#tokensuntil`)."""
    if not doc_url: return text
    def rel(m):
        target = m.group(1) or 'index.html'
        if target.endswith('/'): target += 'index.html'
        anchor = '#' + re.sub(r'[^\w-]', '', m.group(2)) if m.group(2) else ''
        return posixpath.relpath(target, posixpath.dirname(page) or '.') + anchor
    return re.sub(re.escape(doc_url.rstrip('/')) + r'(?:/([^\s)"\'#>]*))?(?:#([^\s)"\'>]*))?(?=[\s)"\'>]|$)', rel, text)

_re_fenced_div = re.compile(r'^:::+.*\n?', re.M)

def drop_fenced_divs(md: str) -> str:
    "Quarto's fenced divs (`::: {.callout-note}` ... `:::`) without their fences: the text stays, the box goes."
    return _re_fenced_div.sub('', md)

_re_heading = re.compile(r'^(#{1,6}\s.*)$', re.M)
_re_md_link = re.compile(r'\[([^\]]*)\]\([^)\s]+\)')

_re_code_span = re.compile(r'`([^`\n]+)`')

def plain_headings(md: str) -> str:
    """Headings without links and with `<code>` for code spans (`## To [`X`](data.html#x)` -> `## To <code>X</code>`),
    so that the page's table of contents and the heading anchors agree: mkdocs-jupyter makes the table of contents
    from a text of the notebook without its code spans, and the anchors from the heading with them."""
    code = lambda m: '<code>' + html.escape(m.group(1), quote=False) + '</code>'
    return _re_heading.sub(lambda m: _re_code_span.sub(code, _re_md_link.sub(r'\1', m.group(1))), md)

def _join(text): return ''.join(text) if isinstance(text, list) else text

def add_tag(cell: dict, tag: str):
    cell['metadata'] = {**cell.get('metadata', {}), 'tags': [*cell.get('metadata', {}).get('tags', []), tag]}

def stage_notebook(nb: dict, page: str, doc_url: str) -> dict:
    "What Quarto would do to a processed notebook, done for mkdocs-jupyter (see the module docstring)."
    fm, cells = front_matter(nb), []
    if fm: nb['cells'] = nb['cells'][1:]
    title = fm.get('title')
    if title:
        head = f"# {title}" + (f"\n\n> {' '.join(str(fm['description']).split())}" if fm.get('description') else '')
        cells.append({'cell_type': 'markdown', 'id': 'page-title', 'metadata': {}, 'source': head})
    fix = lambda s: internal_links(html_attr_links(s), doc_url, page)
    for cell in nb['cells']:
        cell = dict(cell)
        if cell['cell_type'] == 'markdown': cell['source'] = plain_headings(drop_fenced_divs(fix(source(cell))))
        elif cell['cell_type'] == 'code':
            directives, code = split_directives(source(cell))
            if directives.get('include') == 'false': continue
            cell['source'] = code
            if directives.get('output') == 'false': cell['outputs'] = []
            if directives.get('echo') == 'false' or not code.strip():
                if not cell.get('outputs'): continue
                add_tag(cell, HIDE_INPUT_TAG)
            outputs = []
            for out in cell.get('outputs', []):
                data = dict(out.get('data', {}))
                if WIDGET_VIEW in data:
                    kind = _join(data.get('text/plain', 'widget')).split('(')[0]
                    data = {'text/markdown': f'*An interactive widget (`{kind}`) is shown here when the notebook '
                                             f'runs in Jupyter; a static page cannot run it.*'}
                for mime in ('text/markdown', 'text/html'):
                    if mime in data: data[mime] = fix(_join(data[mime]))
                outputs.append({**out, 'data': data} if 'data' in out else out)
            cell['outputs'] = outputs
            if any(out.get('output_type') == 'error' for out in outputs): add_tag(cell, ERROR_TAG)
        cells.append(cell)
    nb['cells'] = cells
    nb['metadata'] = {k: v for k, v in nb.get('metadata', {}).items() if k != 'widgets'}
    return nb

def stage(proc: Path, docs: Path, doc_url: str) -> list:
    "Stage the notebooks of `proc` into `docs` under their page names; returns the nav: [{title: 'page.ipynb'}]."
    if docs.exists(): shutil.rmtree(docs)
    docs.mkdir(parents=True)
    nav, seen = [], {}
    for path in notebooks(proc):
        rel = path.relative_to(proc)
        nb = json.loads(path.read_text(encoding='utf-8'))
        fm = front_matter(nb)
        page = page_name(rel, fm)
        if page in seen: raise SystemExit(f"{rel} and {seen[page]} both make the page {page}: rename one")
        seen[page] = rel
        staged = docs/Path(page).with_suffix('.ipynb')
        staged.parent.mkdir(parents=True, exist_ok=True)
        staged.write_text(json.dumps(stage_notebook(nb, page, doc_url), indent=1), encoding='utf-8')
        nav.append({str(fm.get('title') or Path(page).stem): staged.relative_to(docs).as_posix()})
    for path in proc.rglob('*'):                       # images and other files the notebooks refer to
        rel = path.relative_to(proc)
        if (path.is_file() and path.suffix != '.ipynb' and rel.as_posix() not in QUARTO_FILES
                and not any(part.startswith(('_', '.')) for part in rel.parts)):
            (docs/rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, docs/rel)
    return nav

def mkdocs_config(cfg: dict, nav: list, docs: Path, out: Path, cache: Path) -> dict:
    return {
        'site_name': cfg.get('title', cfg.get('lib_name', 'docs')),
        'site_description': cfg.get('description', ''),
        'repo_url': cfg.get('git_url'),
        'docs_dir': str(docs), 'site_dir': str(out),
        'use_directory_urls': False,                 # data.html, as nbdev names its pages
        'theme': {'name': 'material', 'font': False,  # no fonts from Google: the site works offline
                  'features': ['navigation.top', 'navigation.footer', 'navigation.tracking', 'toc.follow',
                               'search.highlight', 'search.suggest'],
                  'palette': {'primary': 'indigo'}},
        'plugins': ['search', 'offline',
                    {'mkdocs-jupyter': {'execute': False, 'include_source': False, 'no_prompt': True,
                                        'ignore_h1_titles': False, 'toc_depth': 3,
                                        'remove_tag_config': {'remove_input_tags': [HIDE_INPUT_TAG]},
                                        'cache_dir': str(cache)}}],
        'nav': nav,
    }

def run_mkdocs(config: Path, quiet=False):
    "`mkdocs build --strict` of `config`, in this process, without mkdocs-jupyter's line per notebook."
    os.environ.setdefault('NO_MKDOCS_2_WARNING', '1')            # no banner about the theme's successor
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    log = logging.getLogger('mkdocs')
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter('%(levelname)-7s -  %(message)s'))
        log.addHandler(handler)
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    for name in ('mkdocs.plugins.mkdocs_jupyter', 'mkdocs.mkdocs-jupyter'):        # a line per notebook: INFO
        logging.getLogger(name).setLevel(logging.WARNING)
    from mkdocs.exceptions import MkDocsException
    try: mkdocs_build(load_config(str(config), strict=True))
    except MkDocsException as e: raise SystemExit(f"mkdocs build failed: {e}") from e

def versioned_cache(cache: Path) -> Path:
    "mkdocs-jupyter's cache of rendered notebooks, one per version of it and of nbconvert (its keys ignore them)."
    from importlib.metadata import version
    return cache/f"mkdocs-jupyter-{version('mkdocs-jupyter')}-nbconvert-{version('nbconvert')}"

def build(out: Path, build_dir: Path, proc: Path = ROOT/'_proc', run_proc=True, root=ROOT, quiet=False,
          cache: Path = None) -> Path:
    "Build the site into `out`; returns the path of the generated mkdocs.yml."
    t0 = time.time()
    if run_proc: run_nbdev_proc_nbs(root)
    elif not proc.exists():
        raise SystemExit(f"{proc} does not exist: run nbdev_proc_nbs first, or drop --no-proc")
    elif proc == root/'_proc' and (stale := stale_notebooks(proc, root/settings(root).get('nbs_path', 'nbs'))):
        print(f"warning: {proc} is older than {', '.join(map(str, stale))}: run without --no-proc to refresh it",
              file=sys.stderr)
    cfg = settings(root)
    doc_url = cfg.get('doc_host', '').rstrip('/') + cfg.get('doc_baseurl', '')
    build_dir.mkdir(parents=True, exist_ok=True)
    nav = stage(proc, build_dir/'docs', doc_url)
    config = build_dir/'mkdocs.yml'
    mkdocs_yml = mkdocs_config(cfg, nav, build_dir/'docs', out, versioned_cache(cache or build_dir/'cache'))
    config.write_text('# Written by scripts/build_docs.py: edit the script, not this file.\n'
                      + yaml.safe_dump(mkdocs_yml, sort_keys=False, allow_unicode=True), encoding='utf-8')
    run_mkdocs(config, quiet)
    left = [p.relative_to(out) for p in out.rglob('*.html') if doc_url and doc_url in p.read_text(encoding='utf-8')]
    if left: print(f"warning: links to {doc_url} left in {', '.join(map(str, left))}", file=sys.stderr)
    if not quiet: print(f"docs site: {len(nav)} pages in {out} ({time.time() - t0:.0f} s); open {out/'index.html'}")
    return config

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--out', type=Path, default=ROOT/'_site', help='folder of the built site (default: _site)')
    p.add_argument('--no-proc', action='store_true', help='use _proc/ as it is: skip nbdev_proc_nbs')
    p.add_argument('--build-dir', type=Path, default=ROOT/'build'/'docs',
                   help='folder for the staged notebooks and the generated mkdocs.yml (default: build/docs)')
    p.add_argument('--proc-dir', type=Path, default=ROOT/'_proc',
                   help='processed notebooks to render (default: _proc); implies --no-proc when not _proc')
    p.add_argument('--cache-dir', type=Path, default=None,
                   help="folder of mkdocs-jupyter's cache of rendered notebooks (default: BUILD_DIR/cache)")
    p.add_argument('-q', '--quiet', action='store_true', help='only warnings and errors')
    a = p.parse_args(argv)
    proc = a.proc_dir.resolve()
    build(a.out.resolve(), a.build_dir.resolve(), proc, run_proc=not a.no_proc and proc == ROOT/'_proc', quiet=a.quiet,
          cache=a.cache_dir and a.cache_dir.resolve())

if __name__ == '__main__': main()
