"""Starting, watching and killing the processes a test starts, and mounting a tmpfs.

Linux only: processes are found through ``/proc``. Every process is started in a session
of its own (``start_new_session=True``), so its session id is its pid, and whatever it
forks (worker processes, a traced program under strace) can be found and killed by that
id. A zombie counts as dead everywhere here: it runs no code and holds no file open.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import pytest

__all__ = [
    "REQUIRE_SYSTEM_TESTS",
    "Child",
    "Launcher",
    "ProcStat",
    "alive",
    "children_of",
    "kill_session",
    "proc_stat",
    "require",
    "resize_tmpfs",
    "session_cpu",
    "session_pids",
    "tmpfs",
    "wait_gone",
]

#: Set to 1 (as CI does) to make a missing root, mount or strace fail the tests that
#: need them instead of skipping them.
REQUIRE_SYSTEM_TESTS = "PROFILEPARSE_REQUIRE_SYSTEM_TESTS"

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def require(condition: object, reason: str) -> None:
    """Skip the calling test when ``condition`` is false; fail it instead when
    ``PROFILEPARSE_REQUIRE_SYSTEM_TESTS=1``."""
    if condition:
        return
    if os.environ.get(REQUIRE_SYSTEM_TESTS) == "1":
        pytest.fail(f"{reason} ({REQUIRE_SYSTEM_TESTS}=1, so this is not skipped)", pytrace=False)
    pytest.skip(reason)


# -- /proc ------------------------------------------------------------------------------


class ProcStat(NamedTuple):
    """The fields of ``/proc/PID/stat`` the tests use."""

    state: str
    ppid: int
    session: int
    cpu_ticks: int  # user + system time, in clock ticks


def proc_stat(pid: int) -> ProcStat | None:
    """What ``/proc/PID/stat`` says, or None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and ')': the other fields follow the last ')'.
    fields = data[data.rindex(b")") + 2 :].split()
    # fields[0] is field 3 (state): ppid is 4, session 6, utime 14, stime 15.
    return ProcStat(
        fields[0].decode(), int(fields[1]), int(fields[3]), int(fields[11]) + int(fields[12])
    )


def _living(stat: ProcStat | None) -> bool:
    return stat is not None and stat.state not in ("Z", "X", "x")


def alive(pid: int) -> bool:
    """Whether ``pid`` is a process that can still run (a zombie is dead)."""
    return _living(proc_stat(pid))


def _all_stats() -> Iterator[tuple[int, ProcStat]]:
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = proc_stat(int(entry.name))
            if stat is not None:
                yield int(entry.name), stat


def session_pids(sid: int) -> list[int]:
    """The living processes (zombies left out) whose session id is ``sid``."""
    return sorted(pid for pid, stat in _all_stats() if stat.session == sid and _living(stat))


def children_of(pid: int) -> list[int]:
    """The living processes whose parent is ``pid``."""
    return sorted(p for p, stat in _all_stats() if stat.ppid == pid and _living(stat))


def session_cpu(sid: int, seen: dict[int, int]) -> float:
    """Seconds of CPU the processes of session ``sid`` have used so far, counting those
    that have ended too: ``seen`` keeps each process's last count between calls."""
    for pid, stat in _all_stats():
        if stat.session == sid:
            seen[pid] = max(seen.get(pid, 0), stat.cpu_ticks)
    return sum(seen.values()) / _TICKS


def wait_gone(sid: int, timeout: float) -> list[int]:
    """Wait until no process of session ``sid`` is alive; the ones still alive after
    ``timeout`` seconds (empty when all ended)."""
    deadline = time.monotonic() + timeout
    while True:
        left = session_pids(sid)
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.02)


def _signal(pid: int, sid: int) -> None:
    """SIGKILL ``pid`` if it is still in session ``sid`` (a pidfd pins the process, so a
    pid reused meanwhile is never hit)."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):  # no pidfd: the process is gone, or an old kernel
        stat = proc_stat(pid)
        if stat is not None and stat.session == sid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return
    try:
        stat = proc_stat(pid)
        if stat is not None and stat.session == sid:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(fd, signal.SIGKILL)
    finally:
        os.close(fd)


def kill_session(sid: int, timeout: float = 10.0) -> list[int]:
    """SIGKILL every process of session ``sid``, again for any forked meanwhile, until
    none is alive; the ones still alive after ``timeout`` seconds (empty when done)."""
    if sid <= 1 or sid == os.getsid(0):
        raise ValueError(f"refusing to kill session {sid}: it is not one a test started")
    deadline = time.monotonic() + timeout
    while True:
        pids = session_pids(sid)
        if not pids or time.monotonic() >= deadline:
            return pids
        for pid in pids:
            _signal(pid, sid)
        time.sleep(0.02)


# -- starting processes -----------------------------------------------------------------


class Child:
    """A process started in a session of its own, its stdout and stderr in files."""

    def __init__(self, proc: subprocess.Popen[bytes], name: str, logs: Path) -> None:
        self.proc = proc
        self.name = name
        self.stdout_path = logs / f"{name}.out"
        self.stderr_path = logs / f"{name}.err"
        self.started = time.monotonic()
        self.ended: float | None = None  # when it was first seen ended (by poll or wait)

    def __repr__(self) -> str:
        return f"<{self.name} pid {self.pid} rc {self.proc.returncode}>"

    @property
    def pid(self) -> int:
        """Its pid, which is also its session id."""
        return self.proc.pid

    @property
    def returncode(self) -> int | None:
        return self.proc.returncode

    def poll(self) -> int | None:
        code = self.proc.poll()
        if code is not None and self.ended is None:
            self.ended = time.monotonic()
        return code

    def wait(self, timeout: float) -> int:
        """Its exit status (negative: the signal that killed it). Fails the test when it
        is still running after ``timeout`` seconds (the caller's teardown kills it)."""
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{self.name} still running after {timeout:g} s") from None
        if self.ended is None:
            self.ended = time.monotonic()
        return code

    @property
    def seconds(self) -> float:
        """How long it ran (until now when it has not been seen to end)."""
        return (self.ended or time.monotonic()) - self.started

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


class Launcher:
    """Starts processes in sessions of their own; :meth:`close` kills whatever of them
    (and of what they forked) is still running, and reaps them."""

    def __init__(
        self, logs: Path, *, env: Mapping[str, str] | None = None, cwd: Path | None = None
    ) -> None:
        self.logs = logs
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self.children: list[Child] = []

    def start(self, command: Sequence[str], name: str = "process") -> Child:
        self.logs.mkdir(parents=True, exist_ok=True)
        name = f"{len(self.children):02d}-{name}"
        with (
            open(self.logs / f"{name}.out", "wb") as out,
            open(self.logs / f"{name}.err", "wb") as err,
        ):
            proc = subprocess.Popen(
                list(command),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,
            )
        child = Child(proc, name, self.logs)
        self.children.append(child)
        return child

    def run(self, command: Sequence[str], name: str = "process", timeout: float = 120) -> Child:
        """Start ``command`` and wait for it to end."""
        child = self.start(command, name)
        child.wait(timeout)
        return child

    def close(self) -> None:
        """Kill every session started here and reap its leader; raises when a process
        cannot be killed."""
        stuck: dict[str, list[int]] = {}
        for child in self.children:
            left = kill_session(child.pid)
            if left:
                stuck[child.name] = left
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.proc.wait(10)
        if stuck:
            raise RuntimeError(f"processes that survived SIGKILL: {stuck}")


# -- tmpfs ------------------------------------------------------------------------------


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)


def _size(size: int | str) -> str:
    """A tmpfs size option: bytes (rounded up to whole KiB) or a string such as '64k'."""
    return f"{-(-size // 1024)}k" if isinstance(size, int) else size


@contextlib.contextmanager
def tmpfs(path: Path, size: int | str) -> Iterator[Path]:
    """A tmpfs of ``size`` (bytes, or '64k', '10m') mounted at ``path`` (created if
    needed), unmounted afterwards (lazily when still busy). Skips the test, or fails it
    under ``PROFILEPARSE_REQUIRE_SYSTEM_TESTS=1``, when it cannot be mounted."""
    require(sys.platform.startswith("linux"), "a tmpfs needs Linux")
    require(os.geteuid() == 0, "mounting a tmpfs needs root")
    mount = shutil.which("mount")
    require(mount, "no mount command")
    assert mount is not None
    path.mkdir(parents=True, exist_ok=True)
    result = _mount(mount, "-t", "tmpfs", "-o", f"size={_size(size)}", "tmpfs", str(path))
    require(
        result.returncode == 0 and os.path.ismount(path),
        f"cannot mount a tmpfs at {path}: {' '.join(result.stderr.split()) or result.returncode}",
    )
    try:
        yield path
    finally:
        _unmount(path)


def resize_tmpfs(path: Path, size: int | str) -> None:
    """Give the tmpfs mounted at ``path`` a new size, keeping its files."""
    result = _mount("mount", "-o", f"remount,size={_size(size)}", str(path))
    if result.returncode != 0:
        raise OSError(f"cannot resize the tmpfs at {path}: {result.stderr.strip()}")


def _unmount(path: Path) -> None:
    if not os.path.ismount(path):
        return
    if _mount("umount", str(path)).returncode == 0:
        return
    result = _mount("umount", "-l", str(path))
    if result.returncode != 0:
        raise OSError(f"cannot unmount the tmpfs at {path}: {result.stderr.strip()}")
