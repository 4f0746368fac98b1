"""Where a validation report was made: the git commit of the project and the CPU (standard library).

Shared by validation/acwf/report.py, validation/qe/qe_common.py and validation/python/bench_potential.py.
"""
import os
import platform
import subprocess


def git_description(root, excluded=()):
    """'<short hash> (<branch>)' plus ', uncommitted changes' when the tracked files differ from the
    commit; `excluded` are pathspecs (the study's own result files) left out of that test."""
    def git(*args):
        try:
            return subprocess.run(["git", "-C", root] + list(args), capture_output=True, text=True,
                                  check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None
    h = git("rev-parse", "--short=12", "HEAD")
    if not h:
        return "unknown (not a git checkout)"
    branch = git("rev-parse", "--abbrev-ref", "HEAD") or "?"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", *[":!" + p for p in excluded])
    return f"{h} ({branch}{', uncommitted changes' if dirty else ''})"


def repo_path(path, root):
    """`path` relative to the project root `root` when it lies inside it (results files name no folder
    of the machine they were made on), else as given."""
    if not path or path == "-":
        return path
    full, top = os.path.realpath(path), os.path.realpath(root)
    return os.path.relpath(full, top) if full == top or full.startswith(top + os.sep) else path


def cpu_model():
    """The 'model name' of /proc/cpuinfo, else what platform knows."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
