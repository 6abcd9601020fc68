"""The package as a user installs it: the built wheel in a new environment, every tool run with its defaults from an
unrelated directory, quiet, ending with where its outputs are; a user's mistake gets one line, not a traceback."""
import os, subprocess, sys, sysconfig
from pathlib import Path
import pytest

REPO = Path(__file__).resolve().parents[1]
TINY_GRID = ['--n_objects', '120', '--d_model', '8', '--num_layers', '1', '--num_heads', '2', '--dff', '8', '--epochs', '1',
             '--verbose', '0']
TOOLS = {
    'lc_make_test_data': ['--n_objects', '40'],
    'lc_train_ae': TINY_GRID,
    'lc_train_classifier': ['--kind', 'rnn', '--n_objects', '120', '--units', '8', '--epochs', '1', '--verbose', '0'],
    'lc_pretrain_tokens': TINY_GRID,
    'lc_run': ['--n_objects', '300', '--ae_epochs', '1', '--classifier_epochs', '1', '--rnn_epochs', '1', '--verbose', '0'],
    'lc_simulate_plasticc': ['simulated', '--n_objects', '60'],
}

@pytest.fixture(scope='module')
def installed(tmp_path_factory) -> dict:
    "A new environment holding the wheel built from this checkout (its dependencies seen from the current one)."
    tmp = tmp_path_factory.mktemp('install')
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '-q', '-w', tmp/'wheel', REPO], check=True)
    env_dir = tmp/'env'
    subprocess.run([sys.executable, '-m', 'venv', env_dir], check=True)
    new_site = Path(subprocess.run([env_dir/'bin'/'python', '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
                                   capture_output=True, text=True, check=True).stdout.strip())
    (new_site/'dependencies.pth').write_text(sysconfig.get_paths()['purelib'] + '\n')   # not a site dir: no editable link
    wheel, = (tmp/'wheel').glob('lc_transformer-*.whl')
    subprocess.run([env_dir/'bin'/'python', '-m', 'pip', 'install', '--no-deps', '--no-index', '-q', wheel], check=True)
    elsewhere = tmp/'elsewhere'; elsewhere.mkdir()
    environment = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'TF_CPP_MIN_LOG_LEVEL', 'VIRTUAL_ENV')}
    environment.update(HOME=str(tmp/'home'), LC_TRANSFORMER_CACHE=str(tmp/'cache'), MPLBACKEND='Agg',
                       PATH=f"{env_dir/'bin'}:{os.environ['PATH']}")
    return dict(bin=env_dir/'bin', cwd=elsewhere, env=environment, cache=tmp/'cache', site=new_site)

def run(installed, tool, *args):
    return subprocess.run([installed['bin']/tool, *map(str, args)], cwd=installed['cwd'], env=installed['env'],
                          capture_output=True, text=True, timeout=900)

def test_the_package_comes_from_the_wheel(installed):
    done = subprocess.run([installed['bin']/'python', '-c', 'import lc_transformer; print(lc_transformer.__file__)'],
                          cwd=installed['cwd'], env=installed['env'], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == '', done.stderr
    assert Path(done.stdout.strip()).is_relative_to(installed['site']), done.stdout

@pytest.mark.parametrize('tool', TOOLS)
def test_every_tool_runs_with_its_defaults_from_anywhere(installed, tool):
    done = run(installed, tool, *TOOLS[tool])
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stderr == '', done.stderr[-3000:]                   # no TensorFlow start-up lines, no warnings
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith('outputs: ') and Path(last.split()[1]).exists(), done.stdout[-2000:]
    assert Path(last.split()[1]).is_relative_to(installed['cwd'])

def test_the_builtin_set_is_made_once_in_the_cache(installed):
    run(installed, 'lc_train_classifier', *TOOLS['lc_train_classifier'])
    made = [p for p in installed['cache'].iterdir() if not p.name.startswith('.')]
    assert [p.name for p in made] == ['bazin_3000_seed0_v0.1.0'] and len(list(made[0].iterdir())) == 5

@pytest.mark.parametrize('tool, args, message', [
    ('lc_train_classifier', ['--data', 'nowhere'], 'no data at nowhere: expected a Bazin test-data directory'),
    ('lc_run', ['--data', 'nowhere/data.npz'], 'no data at nowhere/data.npz: expected'),
    ('lc_train_ae', ['--config', 'missing.json'], 'missing.json'),
    ('lc_train_classifier', ['--kind', 'svm'], "'svm'"),
    ('lc_simulate_plasticc', ['out', '--split', 'validation'], "'validation'"),
])
def test_a_users_mistake_gets_one_line(installed, tool, args, message):
    done = run(installed, tool, *args)
    assert done.returncode == 2 and 'Traceback' not in done.stderr, done.stderr[-3000:]
    assert done.stderr.startswith(f"{tool}: error: ") and done.stderr.count('\n') == 1 and message in done.stderr, done.stderr

def test_verbose_shows_the_traceback_and_the_start_up_log(installed):
    done = run(installed, 'lc_train_classifier', '--data', 'nowhere', '--verbose', '3')
    assert done.returncode == 1 and 'Traceback' in done.stderr and 'FileNotFoundError: no data at nowhere' in done.stderr
    assert 'absl' in done.stderr                                    # what TensorFlow printed while it was imported
