"""The interactive explorer of `nbs/24_evaluate.ipynb` as a user meets it: in JupyterLab, in headless Chromium.

`jupyter lab` runs on a free port of 127.0.0.1, without token or password (in this test only), on a temporary copy of
the notebook (with `data/` linked next to it, as in the repository), so the real notebooks are never changed or
autosaved. The test opens the notebook, selects the cell that calls `explore_objects(...)`, runs everything above it
with the menu command "Run > Run All Above Selected Cell" (the notebook's cells above the explorer are imports,
definitions and small examples: about 10 s, mostly importing TensorFlow; no `#| slow` cell is among them), runs the
explorer cell with Shift+Enter, waits for the ipywidgets controls and the plot, moves the explorer to another object
(the slider's readout, then the class dropdown) and checks that the plot changes. The server and its kernel are
stopped at the end whatever happens. Run with `python -m pytest tests -m browser`.
"""
import json, os, re, shutil, signal, socket, subprocess, sys, time, urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser import chromium, is_png, require_browser, save_screenshot

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = 'nbs/24_evaluate.ipynb'
EXPLORER_CALL = re.compile(r'^\w+\s*=\s*explore_objects\(', re.M)      # the cell that makes the explorer
# JupyterLab settings for this test: every cell in the page (no windowing), no news or update checks
LAB_SETTINGS = {'@jupyterlab/notebook-extension/tracker': {'windowingMode': 'none'},
                '@jupyterlab/apputils-extension/notification': {'fetchNews': 'false', 'checkForUpdates': False}}

def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]

def explorer_cell_index(nb_path: Path) -> int:
    cells = json.loads(nb_path.read_text())['cells']
    found = [i for i, c in enumerate(cells) if c['cell_type'] == 'code' and EXPLORER_CALL.search(''.join(c['source']))]
    assert found, f"no cell of {NOTEBOOK} calls explore_objects (pattern {EXPLORER_CALL.pattern})"
    return found[0]

def _processes_mentioning(text: str) -> list:
    "Ids of processes whose command line holds `text` (Linux /proc; [] elsewhere)."
    pids = []
    for d in Path('/proc').glob('[0-9]*'):
        try:
            if text in (d/'cmdline').read_bytes().decode(errors='replace'): pids.append(int(d.name))
        except OSError: pass
    return pids

@contextmanager
def jupyter_lab(root: Path, tmp: Path):
    "A JupyterLab server of `root` on a free local port; yields its base URL; stops it (and its kernels) at the end."
    port, runtime = free_port(), tmp/'runtime'
    for name, settings in LAB_SETTINGS.items():
        path = tmp/'settings'/f'{name}.jupyterlab-settings'
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    env = {k: v for k, v in os.environ.items() if k != 'MPLBACKEND'}    # the kernel draws inline, as for a user
    env.update(JUPYTER_CONFIG_DIR=str(tmp/'config'), JUPYTER_RUNTIME_DIR=str(runtime), TF_CPP_MIN_LOG_LEVEL='2')
    cmd = [sys.executable, '-m', 'jupyterlab', '--no-browser', '--ServerApp.ip=127.0.0.1', f'--ServerApp.port={port}',
           '--ServerApp.port_retries=0', "--IdentityProvider.token=", "--ServerApp.password=",
           f'--ServerApp.root_dir={root}', f'--LabApp.user_settings_dir={tmp/"settings"}',
           f'--LabApp.workspaces_dir={tmp/"workspaces"}', '--LabApp.news_url=', '--LabApp.extension_manager=readonly']
    if hasattr(os, 'geteuid') and os.geteuid() == 0: cmd.append('--allow-root')   # CI containers run as root
    log = open(tmp/'jupyter.log', 'w')
    server = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f'http://127.0.0.1:{port}/'
    try:
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(base + 'api/status', timeout=5) as r:
                    if r.status == 200: break
            except OSError: pass
            if server.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"jupyter lab did not start:\n{(tmp/'jupyter.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield base
    finally:
        server.terminate()                              # SIGTERM: the server shuts its kernels down, then exits
        try: server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill(); server.wait(10)
        for pid in _processes_mentioning(str(runtime)):  # a kernel left behind (its connection file is in `runtime`)
            try: os.kill(pid, signal.SIGKILL)
            except OSError: pass
        log.close()

def _kernel_connected(base: str) -> bool:
    "The server has started the notebook's kernel, the page holds a connection to it and it is idle."
    with urllib.request.urlopen(base + 'api/kernels', timeout=5) as r:
        kernels = json.load(r)
    return any(k['execution_state'] == 'idle' and k['connections'] >= 1 for k in kernels)

def _prompt_numbered(cell) -> bool:
    return bool(re.search(r'\[\d+\]', cell.locator('.jp-InputPrompt').first.inner_text()))

def _busy(page) -> bool:
    "A cell is queued or running, or the kernel is not idle."
    prompts = page.locator('.jp-Notebook .jp-InputPrompt').all_inner_texts()
    idle = page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').count()
    return any('*' in p for p in prompts) or not idle

def _errors(page) -> list:
    "Texts of the error outputs shown in the notebook."
    return page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').evaluate_all(
        "els => els.map(e => e.innerText).filter(t => /Traceback|^\\w*Error\\b/m.test(t)).map(t => t.slice(0, 1500))")

def _wait(condition, timeout: float, what: str, page=None, poll=0.5):
    deadline = time.time() + timeout
    while not condition():
        if page is not None and (errors := _errors(page)):
            pytest.fail(f"error in the notebook while waiting for {what}:\n" + '\n---\n'.join(errors))
        if time.time() > deadline: pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(poll)

def _plot(cell) -> str:
    "The explorer's current figure: the `src` of the image in its Output widget."
    img = cell.locator('.widget-output img, .jupyter-widgets-output-area img')
    return img.first.get_attribute('src') if img.count() else ''

def test_explorer_in_jupyterlab(tmp_path):
    require_browser()
    pytest.importorskip('jupyterlab', reason='JupyterLab is not installed: pip install -e ".[dev]"')
    root, original = tmp_path/'lab', (ROOT/NOTEBOOK).read_bytes()
    (root/'nbs').mkdir(parents=True)
    shutil.copy(ROOT/NOTEBOOK, root/NOTEBOOK)           # a copy: JupyterLab may autosave it
    (root/'data').symlink_to(ROOT/'data', target_is_directory=True)   # `../data/bazin`, read only
    index = explorer_cell_index(root/NOTEBOOK)
    timings = {}
    t0 = time.time()
    with jupyter_lab(root, tmp_path) as base, chromium() as browser:
        timings['server'] = time.time() - t0
        page = browser.new_page(viewport={'width': 1400, 'height': 1000})
        page.goto(base + 'lab/tree/' + NOTEBOOK, wait_until='load')
        cells = page.locator('.jp-NotebookPanel .jp-Notebook .jp-Cell')
        n_cells = len(json.loads((root/NOTEBOOK).read_text())['cells'])
        _wait(lambda: cells.count() == n_cells, 120, f'the {n_cells} cells of the notebook')
        # The page's execution indicator reads "idle" before the kernel even exists: a run command given then is
        # dropped (seen on a loaded machine). Wait for the server's kernel, connected and idle, then for the page.
        _wait(lambda: _kernel_connected(base), 120, "the notebook's kernel to start and connect")
        page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').first.wait_for(timeout=120_000)
        timings['open'] = time.time() - t0

        cell = cells.nth(index)
        assert 'explore_objects(' in cell.locator('.jp-InputArea-editor').inner_text()
        cell.locator('.jp-InputPrompt').click()                         # select the explorer cell (command mode)
        page.locator('.lm-MenuBar-itemLabel', has_text=re.compile(r'^Run$')).click()
        page.locator('.lm-Menu-itemLabel', has_text='Run All Above Selected Cell').click()
        above = [i for i in range(index) if 'jp-CodeCell' in (cells.nth(i).get_attribute('class') or '')]
        started = lambda: re.search(r'\[(\*|\d+)\]', cells.nth(above[0]).locator('.jp-InputPrompt').first.inner_text())
        _wait(started, 60, 'the first cell above the explorer to be queued', page)
        done = lambda: (_prompt_numbered(cells.nth(above[-1])) and not _busy(page))
        _wait(done, 300, 'the cells above the explorer to run', page)          # about 10 s, alone or beside four busy loops
        timings['run above'] = time.time() - t0

        cell.locator('.jp-InputPrompt').click()
        page.keyboard.press('Shift+Enter')
        slider = cell.locator('.widget-slider').first
        _wait(lambda: slider.count() and _plot(cell), 120, "the explorer's slider and plot", page)
        timings['explorer'] = time.time() - t0
        header = cell.locator('.widget-html').first
        before, header_before = _plot(cell), header.inner_text()
        assert before.startswith('data:image/png'), before[:80]

        readout = cell.locator('.widget-readout').first                # the slider's value, editable
        readout.click()
        page.keyboard.press('Control+A')
        page.keyboard.type('5')
        page.keyboard.press('Enter')
        _wait(lambda: _plot(cell) not in ('', before), 60, 'the plot of another object', page)
        after = _plot(cell)
        assert after != before and 'index 5' in header.inner_text(), (header_before, header.inner_text())

        dropdown = cell.locator('.widget-dropdown select').first          # the class filter
        last = ' '.join(dropdown.locator('option').all_inner_texts()[-1].split())       # the last class
        dropdown.select_option(index=dropdown.locator('option').count() - 1)
        _wait(lambda: _plot(cell) not in ('', after), 60, f'the plot after choosing {last!r}', page)
        assert f'true class {last}' in ' '.join(header.inner_text().split()), header.inner_text()
        timings['changes'] = time.time() - t0

        cell.scroll_into_view_if_needed()
        shot = save_screenshot(page, 'jupyterlab_explorer.png', tmp_path)
        assert all(map(is_png, shot)), shot
        assert not _errors(page), _errors(page)
    print('seconds since start: ' + ', '.join(f'{k} {v:.0f}' for k, v in timings.items()))
    assert (ROOT/NOTEBOOK).read_bytes() == original, f"{NOTEBOOK} of the repository changed"
