"""Per-system lock files, so that several driver processes (array tasks, nodes) can share one work folder.

A lock is the file <system folder>/lock, created with O_CREAT | O_EXCL (atomic on local file systems
and on NFSv3+/Lustre/GPFS), holding JSON: host, pid, the process start time (from /proc, to tell a
reused pid apart), the batch job and task ids, and the creation time.  While it holds the lock, the
driver touches the file every HEARTBEAT_S seconds.

A lock is stale, and is broken, when
  (a) its holder ran on this host and that process no longer exists (or the pid now belongs to a
      process started at another time), or
  (b) its heartbeat (the file's modification time) is older than stale_after seconds (default 600),
      measured against the file server's clock (the modification time of a probe file touched now),
      so clock skew between nodes does not matter.
(a) covers a driver killed on the same machine; (b) covers holders on other nodes that died without
cleaning up (a job killed at its wall-time limit with SIGKILL, a node failure): their lock is older
than the job that finds it.  Breaking is serialised by an atomic mkdir of <lock>.break, and the lock
is re-read and re-checked inside it, so two processes never both break one lock and then both run.
A <lock>.break folder older than 60 s (its breaker died) is removed.
"""
import json
import os
import socket
import threading
import time

HEARTBEAT_S = 60.0
STALE_AFTER_S = 600.0
BREAK_STALE_S = 60.0


def _proc_start(pid):
    """Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
        return int(data[data.rindex(")") + 2:].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _alive(pid, start):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass                      # exists, another user's
    now_start = _proc_start(pid)
    if start is not None and now_start is not None and now_start != start:
        return False              # the pid was reused
    return True


def job_ids():
    """The batch job and task this process belongs to (SLURM, PBS/Torque, LSF, SGE), as strings or None."""
    env = os.environ
    job = (env.get("SLURM_ARRAY_JOB_ID") or env.get("SLURM_JOB_ID") or env.get("PBS_JOBID")
           or env.get("LSB_JOBID") or env.get("JOB_ID"))
    task = (env.get("SLURM_ARRAY_TASK_ID") or env.get("PBS_ARRAY_INDEX") or env.get("PBS_ARRAYID")
            or env.get("LSB_JOBINDEX") or env.get("SGE_TASK_ID"))
    return job, task


def fs_now(folder):
    """The current time as the file system holding `folder` records it."""
    probe = os.path.join(folder, f".clock.{socket.gethostname()}.{os.getpid()}")
    try:
        with open(probe, "w"):
            pass
        t = os.stat(probe).st_mtime
        os.remove(probe)
        return t
    except OSError:
        return time.time()


def read(path):
    try:
        with open(path) as f:
            info = json.load(f)
        info["_mtime"] = os.stat(path).st_mtime
        return info
    except (OSError, ValueError):
        return None


def describe(info):
    if not info:
        return "unknown holder"
    job = f", job {info.get('job')}" + (f" task {info.get('task')}" if info.get("task") else "") if info.get("job") else ""
    return f"{info.get('host', '?')} pid {info.get('pid', '?')}{job}"


def is_stale(path, info, stale_after=STALE_AFTER_S):
    """(stale, reason) for the lock at path whose content is info (None: unreadable/being written)."""
    if info is None:
        # Unreadable: just created and not yet written, or garbage.  Judge by age alone.
        try:
            age = fs_now(os.path.dirname(path)) - os.stat(path).st_mtime
        except OSError:
            return False, "gone"
        return (age > stale_after), f"unreadable lock file, {age:.0f} s old"
    if info.get("host") == socket.gethostname() and isinstance(info.get("pid"), int):
        if not _alive(info["pid"], info.get("proc_start")):
            return True, f"process {info['pid']} on this host is gone"
        return False, f"held by live process {info['pid']} on this host"
    age = fs_now(os.path.dirname(path)) - info["_mtime"]
    if age > stale_after:
        return True, f"no heartbeat for {age:.0f} s (limit {stale_after:.0f} s)"
    return False, f"heartbeat {age:.0f} s ago"


class Lock:
    """lock = Lock(folder); lock.acquire() -> (True, None) or (False, "held by ..."); lock.release()."""

    def __init__(self, folder, stale_after=STALE_AFTER_S, heartbeat=HEARTBEAT_S):
        self.folder = folder
        self.path = os.path.join(folder, "lock")
        self.stale_after = stale_after
        self.heartbeat = heartbeat
        self._stop = threading.Event()
        self._thread = None
        self.held = False
        self.notes = []

    def _create(self):
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        job, task = job_ids()
        info = {"host": socket.gethostname(), "pid": os.getpid(), "proc_start": _proc_start(os.getpid()),
                "job": job, "task": task, "created_unix": time.time(),
                "created": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
        with os.fdopen(fd, "w") as f:
            json.dump(info, f)
            f.write("\n")
        return True

    def _break_stale(self):
        """Remove the lock if it is stale, under the <lock>.break mutex.  True if removed."""
        bdir = self.path + ".break"
        try:
            os.mkdir(bdir)
        except FileExistsError:
            try:
                if fs_now(self.folder) - os.stat(bdir).st_mtime > BREAK_STALE_S:
                    os.rmdir(bdir)
            except OSError:
                pass
            return False
        try:
            info = read(self.path)
            stale, reason = is_stale(self.path, info, self.stale_after)
            if stale:
                os.remove(self.path)
                self.notes.append(f"broke a stale lock of {describe(info)}: {reason}")
                return True
            return False
        except FileNotFoundError:
            return True
        finally:
            try:
                os.rmdir(bdir)
            except OSError:
                pass

    def acquire(self):
        for _ in range(3):
            if self._create():
                self.held = True
                self._thread = threading.Thread(target=self._beat, daemon=True)
                self._thread.start()
                return True, None
            if not self._break_stale():
                info = read(self.path)
                _, reason = is_stale(self.path, info, self.stale_after)
                return False, f"locked by {describe(info)} ({reason})"
        return False, "lock contended"

    def _beat(self):
        while not self._stop.wait(self.heartbeat):
            try:
                os.utime(self.path)
            except OSError:
                pass

    def release(self):
        if not self.held:
            return
        self._stop.set()
        if self._thread:
            self._thread.join()
        info = read(self.path)
        if info and info.get("pid") == os.getpid() and info.get("host") == socket.gethostname():
            try:
                os.remove(self.path)
            except OSError:
                pass
        self.held = False
