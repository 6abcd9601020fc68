"""How the tests run programs and the command-line tools: the installed console script, in a subprocess with a time
limit, its output kept as text; and the two endings a test expects of a tool, success or one line of error."""
import os, shutil, subprocess
from pathlib import Path

TIMEOUT = 900           # seconds: far above the slowest tool run of the tests, reached only by a tool that hangs
# Set by scripts/test.sh and not by a user, and changing what a tool prints: the log level hides TensorFlow's start-up
# lines, and one inter-op thread makes oneDNN print an error-level line. (TF_NUM_INTRAOP_THREADS=1 changes only the speed.)
TEST_ONLY_VARIABLES = ('TF_CPP_MIN_LOG_LEVEL', 'TF_NUM_INTEROP_THREADS')

def user_environment(drop=()) -> dict:
    "The tests' environment without the variables that hide output (and without `drop`): what a user sees."
    return {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES + tuple(drop)}

def console_script(tool: str) -> str:
    "Path of the installed console script `tool`; fails the calling test, saying how to install it, when it is missing."
    path = shutil.which(tool)
    assert path, f"console script {tool} is not installed: pip install -e '.[dev]'"
    return path

def run(program, *args, cwd=None, env=None, timeout=TIMEOUT) -> subprocess.CompletedProcess:
    "Run `program` with `args` (made strings); its exit status, standard output and standard error (text)."
    return subprocess.run([str(program), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=timeout)

def run_tool(tool: str, *args, **kwargs) -> subprocess.CompletedProcess:
    "Run the installed console script `tool` with `args`, as a user runs it (`kwargs`: those of `run`)."
    return run(console_script(tool), *args, **kwargs)

def assert_succeeded(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    "`result`, once checked to have exit status 0; otherwise fails with the end of its standard error."
    assert result.returncode == 0, (f"{Path(result.args[0]).name} exited with status {result.returncode}; "
                                    f"end of its standard error:\n{result.stderr[-3000:]}")
    return result

def assert_one_line_error(result: subprocess.CompletedProcess, message: str):
    "`result` is a tool's refusal: exit status 2, no traceback, and one line `TOOL: error: ...` holding `message`."
    tool = Path(result.args[0]).name
    assert result.returncode == 2 and 'Traceback' not in result.stderr, \
        f"{tool} exited with status {result.returncode}; end of its standard error:\n{result.stderr[-3000:]}"
    assert result.stderr.startswith(f"{tool}: error: ") and result.stderr.count('\n') == 1, result.stderr
    assert message in result.stderr, f"{message!r} is not in the error of {tool}: {result.stderr}"
