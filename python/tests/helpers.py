"""Shared by the tests of the lodestone package: a check counter with the summary line
"NAME: N passed, M failed" that tools/run_tests.sh reads, the program and scratch folders.

The tests run from the project root (tools/python_test.sh, `make python-test`) with the package
installed, $ASE_LODESTONE_COMMAND naming the program and $LODESTONE_LIBRARY the library of the build.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

from lodestone import find_program

PROJECT_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


class Checks:
    def __init__(self, name):
        self.name, self.passed, self.failed, self._case_failed = name, 0, 0, False

    def check(self, cond, what):
        if not cond:
            print(f"  FAIL {what}")
            self._case_failed = True
        return cond

    def run(self, fn, *args):
        self._case_failed = False
        try:
            fn(self, *args)
        except Exception:  # a test that raises fails, with its traceback
            traceback.print_exc()
            self._case_failed = True
        if self._case_failed:
            self.failed += 1
            print(f"  {fn.__name__}: FAILED")
        else:
            self.passed += 1

    def summary(self):
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def lodestone(*args, cwd=None, check=True):
    """Run the program with args; the CompletedProcess (stdout and stderr as text)."""
    proc = subprocess.run(find_program() + [str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(f"lodestone {' '.join(map(str, args))}: exit code {proc.returncode}\n{proc.stderr}")
    return proc


def scratch(name):
    """An empty scratch folder (under $LODESTONE_TEST_TMP, else the system's temporary folder)."""
    root = os.environ.get("LODESTONE_TEST_TMP") or tempfile.gettempdir()
    path = os.path.join(os.path.abspath(root), "python-" + name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def data(*parts):
    return os.path.join(PROJECT_ROOT, *parts)


if __name__ == "__main__":
    sys.exit("helpers.py is a module of the tests, not a test")
