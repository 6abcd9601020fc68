"""The docs site (`scripts/build_docs.py`) as a reader sees it: every page opened in headless Chromium.

The site is built from the `_proc/` present (made by `nbdev_proc_nbs` if missing) into a temporary folder and served on
a free local port. A page fails when it does not load, when one of its internal links points to a page that does not
exist or to an anchor that the target page lacks, when an image or a stylesheet/script of the site does not load, or
when it shows a Python traceback. All failures are listed at once. Requests outside the site (CDNs) are blocked, so
the test runs offline and the site must not need them. Notebooks that `scripts/build_docs.py` rendered before are
taken from its cache (`build/docs/cache`, keyed by notebook content and versions). `test_checker_catches_broken_pages`
shows that each check fails on a page broken on purpose. Run with `python -m pytest tests -m browser`.
"""
import functools, http.server, json, re, subprocess, sys, threading, time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest, yaml
from browser import chromium, is_png, require_browser, save_screenshot

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
TRACEBACK = 'Traceback (most recent call last)'
ERROR_OUTPUT = '.jp-Cell.celltag_error_output:not(:has(.jp-Cell))'   # cells with an error output (build_docs.py tags)

def build_site(out: Path, build_dir: Path, proc: Path = None, cache: Path = None):
    "`python scripts/build_docs.py` into `out`: from `proc`, or from `_proc/` (running nbdev_proc_nbs if it is missing)"
    cmd = [sys.executable, str(ROOT/'scripts'/'build_docs.py'), '--out', str(out), '--build-dir', str(build_dir), '-q']
    if cache is not None: cmd += ['--cache-dir', str(cache)]
    if proc is not None: cmd += ['--proc-dir', str(proc)]
    elif (ROOT/'_proc').exists(): cmd.append('--no-proc')
    subprocess.run(cmd, cwd=ROOT, check=True)

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass

class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    def handle_error(self, request, client_address):     # a browser that leaves a page drops its requests: fine
        if not isinstance(sys.exc_info()[1], ConnectionError): super().handle_error(request, client_address)

@contextmanager
def serve(folder: Path):
    "A static HTTP server of `folder` on a free port of 127.0.0.1, in a thread; yields its base URL."
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = _Server(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try: yield f'http://127.0.0.1:{server.server_address[1]}/'
    finally:
        server.shutdown(); server.server_close(); thread.join(10)

# What one page shows: its links, images (after every image has loaded or failed), ids, and traceback marks.
PAGE_FACTS_JS = """async () => {
  const imgs = [...document.images];
  imgs.forEach(i => { i.loading = 'eager'; });
  const settled = i => i.complete ? null
                      : new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); });
  await Promise.race([Promise.all(imgs.map(settled)), new Promise(r => setTimeout(r, 10000))]);
  return {
    links: [...document.querySelectorAll('a[href]')].map(
      a => ({href: a.getAttribute('href'), url: a.href, text: a.textContent.trim().slice(0, 60)})),
    images: imgs.map(i => ({src: (i.getAttribute('src') || '').slice(0, 80), width: i.naturalWidth})),
    ids: [...document.querySelectorAll('[id]')].map(e => e.id).concat(
      [...document.querySelectorAll('a[name]')].map(a => a.name)),
    traceback: document.body.innerText.includes('%s'),
    error_outputs: document.querySelectorAll('%s').length,
  };
}""" % (TRACEBACK, ERROR_OUTPUT)

def page_path(url: str, base: str) -> str:
    "Path of a site URL relative to the site root ('' for the root itself)."
    return unquote(urlsplit(url).path)[len(urlsplit(base).path):]

def check_site(browser, base: str, site: Path, pages=None) -> tuple:
    "Open every page of `site` (served at `base`), or `pages`; returns (failures, facts per page)."
    failures, facts = [], {}
    pages = pages or sorted(p.relative_to(site).as_posix() for p in site.rglob('*.html'))
    context = browser.new_context(viewport={'width': 1280, 'height': 900})
    # only the site itself: no CDN, so the test is offline and a page that needs one shows it
    context.route('**/*', lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    page = context.new_page()
    bad_resources = []
    page.on('response', lambda r: r.url.startswith(base) and r.status >= 400
                                  and bad_resources.append(f'{r.status} {r.url}'))
    page.on('requestfailed', lambda r: r.url.startswith(base) and 'ERR_ABORTED' not in (r.failure or '')
                                       and bad_resources.append(f'{r.failure} {r.url}'))  # ABORTED: the page was left
    for name in pages:
        bad_resources.clear()
        try:
            response = page.goto(base + name, wait_until='load', timeout=60_000)
        except Exception as e:
            failures.append(f'{name}: does not load ({str(e).splitlines()[0]})'); continue
        if response is None or not response.ok:
            failures.append(f'{name}: HTTP {response.status if response else "no response"}'); continue
        f = facts[name] = page.evaluate(PAGE_FACTS_JS)
        failures += [f'{name}: resource of the site does not load: {r}' for r in bad_resources]
        failures += [f'{name}: image does not show (naturalWidth 0): {i["src"]}'
                     for i in f['images'] if not i['width']]
        if f['traceback']: failures.append(f'{name}: shows a Python traceback ("{TRACEBACK}")')
        if f['error_outputs']: failures.append(f'{name}: {f["error_outputs"]} cell(s) with an error output')
    for name, f in facts.items():                   # links, once every page's ids are known
        for link in f['links']:
            url, fragment = urldefrag(link['url'])
            if not url.startswith(base) or link['href'].startswith(('javascript:', 'mailto:')): continue
            target = page_path(url, base) or 'index.html'
            if target.endswith('/'): target += 'index.html'
            where = f'{name}: link "{link["text"]}" -> {link["href"]}'
            if not (site/target).is_file(): failures.append(f'{where}: no page {target}')
            elif fragment and target in facts and unquote(fragment) not in set(facts[target]['ids']):
                failures.append(f'{where}: no anchor #{unquote(fragment)} on {target}')
    context.close()
    return failures, facts

def search_works(browser, base: str, query: str) -> int:
    "Number of results of the theme's search box for `query`."
    page = browser.new_page(viewport={'width': 1280, 'height': 900})
    try:
        page.goto(base + 'index.html', wait_until='load')
        page.locator('input.md-search__input').fill(query)        # the header's search box (a wide window shows it)
        try: page.wait_for_selector('.md-search-result__item', timeout=20_000)
        except Exception: return 0
        return page.locator('.md-search-result__item').count()
    finally: page.close()

def nav_titles(browser, base: str) -> list:
    "The titles of the site's navigation, in order."
    page = browser.new_page()
    page.goto(base + 'index.html', wait_until='load')
    titles = page.locator('nav.md-nav--primary > ul.md-nav__list > li > a.md-nav__link').evaluate_all(
        'links => links.map(a => a.textContent)')
    page.close()
    return [t.strip() for t in titles]

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    require_browser()                                   # skip before building when there is no browser
    tmp = tmp_path_factory.mktemp('docs')
    t0 = time.time()
    build_site(tmp/'site', tmp/'build', cache=ROOT/'build'/'docs'/'cache')    # the cache of `scripts/build_docs.py`
    print(f'site built in {time.time() - t0:.0f} s')
    return tmp/'site', tmp/'build'

def titles_in_reading_order(proc: Path) -> list:
    "Titles of the processed notebooks from their front matter: index first, then by file name (so by number)."
    nbs = sorted(proc.glob('*.ipynb'), key=lambda p: (p.name != 'index.ipynb', p.name))
    titles = []
    for nb in nbs:
        if nb.name.startswith(('_', '.')): continue
        first = ''.join(json.loads(nb.read_text())['cells'][0]['source'])
        fm = re.search(r'---\n(.*?)\n---', first, re.S)
        fm = yaml.safe_load(fm.group(1)) if fm else {}
        titles.append(str(fm.get('title') or Path(fm.get('output-file') or re.sub(r'^\d+_', '', nb.name)).stem))
    return titles

def test_docs_site(site, tmp_path):
    site_dir, build_dir = site
    with chromium() as browser, serve(site_dir) as base:
        t0 = time.time()
        failures, facts = check_site(browser, base, site_dir)
        n_links, n_images = (sum(len(f[k]) for f in facts.values()) for k in ('links', 'images'))
        print(f'{len(facts)} pages, {n_links} links, {n_images} images checked in {time.time() - t0:.0f} s')
        # the navigation follows the notebooks: index first, then every notebook in file order, with its title
        titles, expected = nav_titles(browser, base), titles_in_reading_order(ROOT/'_proc')
        if titles != expected: failures.append(f'the navigation is\n  {titles}\nnot\n  {expected}')
        if not search_works(browser, base, 'LightCurves'):
            failures.append('the search box finds nothing for "LightCurves"')
        page = browser.new_page(viewport={'width': 1280, 'height': 900})
        shots = []
        for name in ('index.html', 'data.html'):
            page.goto(base + name, wait_until='load')
            shots += save_screenshot(page, f'docs_{name.replace(".html", "")}.png', tmp_path)
    for shot in shots: assert is_png(shot), shot
    # links to the published docs are rewritten into links inside the site
    host_links = [n for n, f in facts.items() if any('lc-transformer.github.io' in l['url'] for l in f['links'])]
    if host_links: failures.append(f'links to the published docs left in {host_links}')
    assert not failures, f'{len(failures)} problem(s) in the docs site:\n' + '\n'.join(failures)

def _notebook(title: str, page: str, *cells) -> dict:
    "A processed notebook as nbdev_proc_nbs writes it: front matter, then `cells` (markdown text, or code cell dicts)."
    cells = [{'cell_type': 'raw', 'source': f'---\ntitle: {title}\noutput-file: {page}\n---\n'}] + [
        {'cell_type': 'markdown', 'source': c} if isinstance(c, str)
        else {'cell_type': 'code', 'execution_count': 1, **c} for c in cells]
    return {'cells': [{'id': f'c{i}', 'metadata': {}, **c} for i, c in enumerate(cells)],
            'metadata': {'kernelspec': {'name': 'python3', 'display_name': 'python3', 'language': 'python'}},
            'nbformat': 4, 'nbformat_minor': 5}

def test_checker_catches_broken_pages(tmp_path):
    "Pages broken on purpose (missing page, anchor and image; a traceback; an error output) fail each check."
    require_browser()
    proc = tmp_path/'proc'
    proc.mkdir()
    (proc/'index.ipynb').write_text(json.dumps(_notebook('Home', 'index.html', '## Start\n\n[The page](broken.html)')))
    (proc/'01_broken.ipynb').write_text(json.dumps(_notebook('Broken', 'broken.html',
        '## Fine\n\n[to a missing page](nowhere.html) [to a missing anchor](index.html#no-such-anchor) '
        '[to a real anchor](#fine) [published](https://lc-transformer.github.io/lc_transformer/index.html)\n\n'
        '<img src="missing.png" alt="missing">\n',
        {'source': 'print(tb)', 'outputs': [{'output_type': 'stream', 'name': 'stdout',
                                            'text': f'{TRACEBACK}:\n  File "x.py", line 1\nValueError: x\n'}]},
        {'source': '1/0', 'outputs': [{'output_type': 'error', 'ename': 'ZeroDivisionError',
                                       'evalue': 'division by zero', 'traceback': []}]})))
    build_site(tmp_path/'site', tmp_path/'build', proc)
    with chromium() as browser, serve(tmp_path/'site') as base:
        failures, facts = check_site(browser, base, tmp_path/'site', ['index.html', 'broken.html', 'gone.html'])
    text = '\n'.join(failures)
    for expected in ['gone.html: HTTP 404',
                     'broken.html: link "to a missing page" -> nowhere.html: no page nowhere.html',
                     'broken.html: link "to a missing anchor" -> index.html#no-such-anchor: no anchor #no-such-anchor',
                     'broken.html: image does not show (naturalWidth 0): missing.png',
                     'broken.html: resource of the site does not load: 404',
                     'broken.html: shows a Python traceback',
                     'broken.html: 1 cell(s) with an error output']:
        assert expected in text, f'{expected!r} not in:\n{text}'
    assert len(failures) == 7, text                                 # and nothing else: the good links pass
