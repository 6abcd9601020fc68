"""A headless Chromium for the browser tests (`test_docs_site.py`, `test_jupyterlab.py`), or a skip that says how to
get one.

The browser is the system's Chromium (Playwright drives it; Playwright's own browser downloads are not needed):
`$CHROMIUM` if set, else `chromium`, `chromium-browser`, `google-chrome` or `google-chrome-stable` on PATH.
"""
import os, shutil
from contextlib import contextmanager
import pytest

INSTALL = ("install them with `apt-get update && apt-get install -y chromium` (or set CHROMIUM to a Chromium or "
           "Chrome executable) and `pip install playwright` (part of `pip install -e \".[dev]\"`)")
NAMES = ('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable')

def chromium_path():
    "Path of a Chromium executable, or None."
    if env := os.environ.get('CHROMIUM'):
        return shutil.which(env) or (env if os.path.isfile(env) and os.access(env, os.X_OK) else None)
    return next(filter(None, map(shutil.which, NAMES)), None)

def require_browser() -> str:
    "The Chromium executable, with Playwright importable; skips the calling test when either is missing."
    try: import playwright.sync_api  # noqa: F401
    except ImportError: pytest.skip(f"browser test skipped: Playwright is not installed; {INSTALL}")
    path = chromium_path()
    if not path:
        pytest.skip(f"browser test skipped: no Chromium ({'/'.join(NAMES)} on PATH, or $CHROMIUM); {INSTALL}")
    return path

@contextmanager
def chromium(**launch):
    "A headless Chromium (Playwright `Browser`), closed at the end."
    from playwright.sync_api import sync_playwright
    path = require_browser()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, **launch)
        try: yield browser
        finally: browser.close()

def is_png(path) -> bool:
    "A non-empty PNG file."
    data = open(path, 'rb').read()
    return data[:8] == b'\x89PNG\r\n\x1a\n' and len(data) > 1000

def save_screenshot(page, name: str, folder, **kw) -> list:
    "Screenshot of `page` as `folder/name`, copied to `$LC_SCREENSHOTS` when that is set; returns the paths."
    paths = [os.path.join(folder, name)]
    page.screenshot(path=paths[0], **kw)
    if out := os.environ.get('LC_SCREENSHOTS'):
        os.makedirs(out, exist_ok=True)
        paths.append(shutil.copy(paths[0], os.path.join(out, name)))
    return paths
