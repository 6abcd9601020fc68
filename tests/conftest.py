import os
from pathlib import Path
import pytest

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
os.environ.setdefault('MPLBACKEND', 'Agg')

@pytest.fixture(scope='session')
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent

def pytest_configure(config):
    config.addinivalue_line('markers', 'browser: opens pages in headless Chromium (docs site, JupyterLab); '
                                       'select with `-m browser`, leave out with `-m "not browser"`')
