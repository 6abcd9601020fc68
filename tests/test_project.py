"The promises of the README: two set-up commands, the second of which CI runs; README made from the home notebook."
import re, sys
from tools import assert_succeeded, run

def readme_commands(repo_root):
    text = (repo_root/'README.md').read_text()
    return [c.strip() for c in re.findall(r'```sh\n(.*?)```', text, re.S) if 'venv' in c]

def test_readme_has_two_setup_commands(repo_root):
    commands = readme_commands(repo_root)
    assert len(commands) == 2, commands
    assert 'pip install -e .' in commands[0] and 'lc_run' in commands[0]
    assert 'pip install -e ".[dev]"' in commands[1]

def test_ci_runs_the_readme_test_command(repo_root):
    ci = (repo_root/'.ci'/'run').read_text()
    assert readme_commands(repo_root)[1] in ci

def test_readme_is_made_from_index_notebook(repo_root):
    assert_succeeded(run(sys.executable, repo_root/'scripts'/'make_readme.py', '--check'))
