"""The package as a user installs it: the built wheel in a new environment, every tool run with its defaults from an
unrelated directory, quiet, ending with where its outputs are; a user's mistake gets one line, not a traceback. The
main job `lc_run` is checked here by its help and its errors: its full run is in `test_cli.py`."""
import configparser, os, sys, sysconfig, time
from pathlib import Path
import pytest
from tools import assert_one_line_error, assert_succeeded, run as run_program, user_environment

REPO = Path(__file__).resolve().parents[1]
TINY_GRID = ['--n_objects', '120', '--d_model', '8', '--num_layers', '1', '--num_heads', '2', '--dff', '8', '--epochs', '1',
             '--verbose', '0']
TOOLS = {
    'lc_make_test_data': ['--n_objects', '40'],
    'lc_train_ae': TINY_GRID,
    'lc_train_classifier': ['--kind', 'rnn', '--n_objects', '120', '--units', '8', '--epochs', '1', '--verbose', '0'],
    'lc_pretrain_tokens': TINY_GRID,
    'lc_simulate_plasticc': ['simulated', '--n_objects', '60'],
}
settings = configparser.ConfigParser(); settings.read(REPO/'settings.ini')
EVERY_TOOL = [line.split('=')[0].strip() for line in settings['DEFAULT']['console_scripts'].split('\n') if line.strip()]
READERS_OF_THE_BUILTIN_SET = ['lc_train_ae', 'lc_train_classifier', 'lc_pretrain_tokens']

@pytest.fixture(scope='module')
def installed(tmp_path_factory) -> dict:
    "A new environment holding the wheel built from this checkout (its dependencies seen from the current one)."
    tmp = tmp_path_factory.mktemp('install')
    assert_succeeded(run_program(sys.executable, '-m', 'pip', 'wheel', '--no-deps', '-q', '-w', tmp/'wheel', REPO))
    env_dir = tmp/'env'
    assert_succeeded(run_program(sys.executable, '-m', 'venv', env_dir))
    purelib = run_program(env_dir/'bin'/'python', '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    new_site = Path(assert_succeeded(purelib).stdout.strip())
    (new_site/'dependencies.pth').write_text(sysconfig.get_paths()['purelib'] + '\n')   # not a site dir: no editable link
    wheel, = (tmp/'wheel').glob('lc_transformer-*.whl')
    elsewhere = tmp/'elsewhere'; elsewhere.mkdir()
    # without PYTHONPATH: a checkout on it, with the lc_transformer.egg-info of its builds, would pass for an installation
    environment = user_environment(drop=('PYTHONPATH', 'VIRTUAL_ENV'))
    environment.update(HOME=str(tmp/'home'), LC_TRANSFORMER_CACHE=str(tmp/'cache'), MPLBACKEND='Agg',
                       PATH=f"{env_dir/'bin'}:{os.environ['PATH']}")
    assert_succeeded(run_program(env_dir/'bin'/'python', '-m', 'pip', 'install', '--no-deps', '--no-index', '-q', wheel,
                                 env=environment))
    return dict(bin=env_dir/'bin', cwd=elsewhere, env=environment, cache=tmp/'cache', site=new_site)

def run(installed, tool, *args):
    "Run `tool` (or `python`) of the new environment from the unrelated directory, in the user's environment."
    return run_program(installed['bin']/tool, *args, cwd=installed['cwd'], env=installed['env'])

@pytest.fixture(scope='module')
def ran(installed):
    "`ran(tool)`: `tool` run once in this module with its arguments of `TOOLS`: its result and `time.time_ns()` at its end."
    done = {}
    def ran(tool):
        if tool not in done: done[tool] = run(installed, tool, *TOOLS[tool]), time.time_ns()
        return done[tool]
    return ran

def test_the_package_comes_from_the_wheel(installed):
    done = assert_succeeded(run(installed, 'python', '-c', 'import lc_transformer; print(lc_transformer.__file__)'))
    assert done.stderr == '', done.stderr
    assert Path(done.stdout.strip()).is_relative_to(installed['site']), done.stdout

@pytest.mark.parametrize('tool', TOOLS)
def test_every_tool_runs_with_its_defaults_from_anywhere(ran, installed, tool):
    done, _ = ran(tool)
    assert_succeeded(done)
    assert done.stderr == '', done.stderr[-3000:]                   # no TensorFlow start-up lines, no warnings
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith('outputs: ') and Path(last.split()[1]).exists(), done.stdout[-2000:]
    assert Path(last.split()[1]).is_relative_to(installed['cwd'])

def test_the_builtin_set_is_made_once_in_the_cache(ran, installed):
    "The tools that read the built-in set by default share one copy, made by the first of them and not written again."
    runs = [ran(tool) for tool in READERS_OF_THE_BUILTIN_SET]
    for done, _ in runs: assert_succeeded(done)
    made = [p for p in installed['cache'].iterdir() if not p.name.startswith('.')]
    assert [p.name for p in made] == ['bazin_3000_seed0_v0.1.0'] and len(list(made[0].iterdir())) == 5
    first_done = min(ended for _, ended in runs)
    assert all(f.stat().st_mtime_ns <= first_done for f in made[0].iterdir())

def test_the_main_job_shows_its_help(installed):
    "`lc_run` from the wheel, without its four trainings (its full run is in `test_cli.py`)."
    done = assert_succeeded(run(installed, 'lc_run', '--help'))
    assert done.stderr == '' and done.stdout.startswith('usage: lc_run '), done.stdout[:500] + done.stderr[-3000:]
    assert all(option in done.stdout for option in ('--source', '--out', '--fresh', '--ae_epochs', '--verbose'))

@pytest.fixture(scope='module')
def without_tensorflow(installed, tmp_path_factory) -> dict:
    "The user's environment of `installed` with a `tensorflow` package first on the path that fails to import."
    blocked = tmp_path_factory.mktemp('blocked')
    (blocked/'tensorflow').mkdir()
    (blocked/'tensorflow'/'__init__.py').write_text("raise ImportError('TensorFlow was imported')\n")
    return {**installed['env'], 'PYTHONPATH': str(blocked)}

@pytest.mark.parametrize('tool', EVERY_TOOL)
def test_every_tools_help_answers_without_tensorflow(installed, without_tensorflow, tool):
    done = run_program(installed['bin']/tool, '--help', cwd=installed['cwd'], env=without_tensorflow)
    assert done.returncode == 0 and done.stdout.startswith(f'usage: {tool} '), done.stdout[:300] + done.stderr[-3000:]

def test_tensorflow_is_blocked_where_help_is_not_asked(installed, without_tensorflow):
    "The check above can fail: a tool that trains a model does import TensorFlow, and stops."
    done = run_program(installed['bin']/'lc_export', 'nowhere', '--verbose', '3', cwd=installed['cwd'], env=without_tensorflow)
    assert done.returncode == 1 and 'TensorFlow was imported' in done.stderr, done.stderr[-3000:]

@pytest.mark.parametrize('tool, args, message', [
    ('lc_train_classifier', ['--source', 'nowhere'], 'no data at nowhere: expected a Bazin test-data directory'),
    ('lc_run', ['--source', 'nowhere/data.npz'], 'no data at nowhere/data.npz: expected'),
    ('lc_train_ae', ['--config', 'missing.json'], 'missing.json'),
    ('lc_train_classifier', ['--kind', 'svm'], "'svm'"),
    ('lc_simulate_plasticc', ['out', '--sample', 'validation'], "'validation'"),
])
def test_a_users_mistake_gets_one_line(installed, tool, args, message):
    assert_one_line_error(run(installed, tool, *args), message)

def test_verbose_shows_the_traceback_and_the_start_up_log(installed):
    done = run(installed, 'lc_train_classifier', '--source', 'nowhere', '--verbose', '3')
    assert done.returncode == 1 and 'Traceback' in done.stderr and 'FileNotFoundError: no data at nowhere' in done.stderr
    assert 'absl' in done.stderr                                    # what TensorFlow printed while it was imported
