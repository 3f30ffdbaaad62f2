"""A corpus survives what happens to real builds: two builds writing it at once, kill -9
at any moment (timed, or at the Nth rename or fsync through strace) and a full disk (a
small tmpfs). Each case ends with the old corpus or the new one, never a mix, readable,
and a rerun completes it; a failing build says why in a line or two, never a traceback.

Everything runs ``python -m profileparse corpus build`` in processes of their own
sessions (tests/processes.py), on dumps rendered once per module: halves A and B, and the
corpora built from them one build at a time as the references. Mounting needs root and
killing at a syscall needs strace: without them those tests skip, or fail under
PROFILEPARSE_REQUIRE_SYSTEM_TESTS=1 (as in CI).
"""

from __future__ import annotations

import functools
import math
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from profileparse.corpus import Corpus
from tests.processes import (
    Child,
    Launcher,
    alive,
    children_of,
    require,
    resize_tmpfs,
    session_cpu,
    tmpfs,
    wait_gone,
)
from tests.render import load_records, write_overlapping_dumps

ROOT = Path(__file__).resolve().parent.parent
STORAGES = ["sqlite", "parquet"]
#: Dumps in each half: a build of one half takes one to two seconds on two cores.
HALF = 150
BUILD_TIMEOUT = 120.0
#: Once a build's main process is killed, its worker processes must end within this.
GONE_WITHIN = 5.0
#: A build whose processes used less than IDLE_CPU seconds of CPU over WAITED seconds
#: while the other build was running sat waiting for it, and must have said so.
WAITED = 1.0
IDLE_CPU = 0.05
#: The syscalls that make a write durable or visible, where strace kills a build.
SYNC_CALLS = ("rename", "renameat", "renameat2", "fsync", "fdatasync")
#: Exit statuses of a process killed by SIGKILL: Popen's, and strace's own exit code.
KILLED = (-signal.SIGKILL, 128 + signal.SIGKILL)
NO_SPACE = "No space left on device"

Tables = dict[str, list[dict[str, Any]]]


# -- corpora and commands -----------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where a build writes: a SQLite file, or a Parquet folder (named with a final '/')."""

    storage: str
    path: Path

    @property
    def arg(self) -> str:
        return f"{self.path}/" if self.storage == "parquet" else str(self.path)


def target_in(folder: Path, storage: str) -> Target:
    """A corpus of ``storage`` in ``folder`` (not created: the build does that)."""
    folder.mkdir(parents=True, exist_ok=True)
    return Target(storage, folder / ("c.sqlite" if storage == "sqlite" else "corpus"))


def copy_corpus(source: Target, folder: Path) -> Target:
    """A copy of a finished corpus in ``folder``."""
    target = target_in(folder, source.storage)
    if source.storage == "parquet":
        shutil.copytree(source.path, target.path, symlinks=True)  # `current` stays a link
    else:
        shutil.copyfile(source.path, target.path)
        wal = source.path.with_name(source.path.name + "-wal")  # in case one is kept
        if wal.exists():
            shutil.copyfile(wal, target.path.with_name(target.path.name + "-wal"))
    return target


def corpus_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "profileparse", "corpus", *args]


def build_command(inputs: Sequence[str], target: Target, *options: str) -> list[str]:
    return corpus_command("build", *inputs, "-o", target.arg, "-j", "2", *options)


def child_env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PROFILEPARSE_DISABLE_PLUGIN_AUTOLOAD": "1",
    }


def tables(path: Path) -> Tables:
    """A corpus's tables, read the way the library opens any corpus (file or folder)."""
    with Corpus(path, readonly=True) as corpus:
        return corpus.tables()


def disk_usage(target: Target) -> int:
    """The bytes a tmpfs needs to hold a corpus: whole 4 KiB pages for each of its files
    (for SQLite, the file and any file named after it, such as a WAL)."""
    if target.path.is_dir():
        files = [p for p in target.path.rglob("*") if p.is_file() and not p.is_symlink()]
    else:
        files = [p for p in target.path.parent.glob(f"{target.path.name}*") if p.is_file()]
    return sum(math.ceil(p.stat().st_size / 4096) * 4096 for p in files)


def integrity(path: Path, *, readonly: bool = False) -> list[tuple[Any, ...]]:
    """``pragma integrity_check`` of a SQLite corpus (a read-write connection rolls back
    a hot journal first, as any SQLite client does)."""
    if readonly:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    else:
        db = sqlite3.connect(path)
    try:
        return db.execute("pragma integrity_check").fetchall()
    finally:
        db.close()


# -- what a test says about what it saw ---------------------------------------------------


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def describe(child: Child) -> str:
    """A process's exit status, time and the end of its stderr, for a failure message."""
    tail = lines(child.stderr)[-6:]
    shown = "".join(f"\n      | {line[:200]}" for line in tail) or " (nothing on stderr)"
    return f"{child.name} exited {child.returncode} after {child.seconds:.1f} s:{shown}"


def failure_problems(child: Child, *, max_lines: int, cause: str | None = None) -> list[str]:
    """What is wrong with how a build failed: it must say why in at most ``max_lines``
    lines of stderr, the last one naming ``cause``, and print no traceback."""
    text = child.stderr
    said = lines(text)
    problems = []
    if "Traceback" in text:
        problems.append(f"{child.name} printed a traceback: {describe(child)}")
    if not said:
        problems.append(f"{child.name} failed without saying why: {describe(child)}")
    elif len(said) > max_lines:
        problems.append(
            f"{child.name} printed {len(said)} lines, more than {max_lines}: {describe(child)}"
        )
    if cause is not None and said and cause not in said[-1]:
        problems.append(f"{child.name}'s last line does not say {cause!r}: {describe(child)}")
    return problems


def counts(t: Tables) -> str:
    return ", ".join(f"{name} {len(rows)}" for name, rows in t.items())


def which(path: Path, references: dict[str, Tables]) -> str:
    """The name of the reference the corpus at ``path`` equals, table for table, or what
    it is instead (a mix of them, or unreadable)."""
    try:
        got = tables(path)
    except Exception as exc:
        return f"unreadable by Corpus(path, readonly=True): {type(exc).__name__}: {exc}"
    for name, reference in references.items():
        if got == reference:
            return name
    differ = {
        name: sorted(t for t in set(got) | set(ref) if got.get(t) != ref.get(t))
        for name, ref in references.items()
    }
    return (
        f"equal to none of {', '.join(references)}: it has {counts(got)}; "
        + "; ".join(f"{name} has {counts(references[name])}" for name in references)
        + "; tables that differ: "
        + "; ".join(f"from {name}: {', '.join(names)}" for name, names in differ.items())
    )


def readability_problems(procs: Launcher, target: Target) -> list[str]:
    """``corpus export -f jsonl`` and ``corpus stats`` must both read the corpus."""
    problems = []
    for args in (("export", target.arg, "-f", "jsonl"), ("stats", target.arg)):
        child = procs.run(corpus_command(*args), args[0])
        if child.returncode != 0:
            problems.append(f"the corpus is not readable: {describe(child)}")
    return problems


# -- fixtures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Dumps:
    a: list[str]
    b: list[str]


@pytest.fixture(scope="module")
def dumps(tmp_path_factory: pytest.TempPathFactory) -> Dumps:
    """Two halves of overlapping dumps (the .txt files only, not truth.json)."""
    records = load_records()
    root = tmp_path_factory.mktemp("dumps")
    halves = []
    for name, seed in (("a", 101), ("b", 202)):
        folder = root / name
        folder.mkdir()
        write_overlapping_dumps(folder, HALF, records, seed)
        halves.append(sorted(str(p) for p in folder.glob("*.txt")))
    assert all(len(half) == HALF for half in halves)
    return Dumps(*halves)


class Reference:
    """Corpora of one storage built one build at a time: A alone, then A+B (B added to a
    copy of A), with how long each build took, the syscalls that adding B made, and
    their tables (read when first asked for)."""

    def __init__(self, storage: str, a: Target, ab: Target, seconds: tuple[float, float]):
        self.storage = storage
        self.a = a
        self.ab = ab
        self.a_seconds, self.b_seconds = seconds
        self.sync_calls: list[tuple[int, str]] | None = None  # (pid, syscall) in order

    @functools.cached_property
    def a_tables(self) -> Tables:
        return tables(self.a.path)

    @functools.cached_property
    def ab_tables(self) -> Tables:
        return tables(self.ab.path)

    def states(self) -> dict[str, Tables]:
        return {"A": self.a_tables, "A+B": self.ab_tables}


class References:
    """The references of each storage, built the first time a test asks for them."""

    def __init__(self, dumps: Dumps, root: Path, procs: Launcher) -> None:
        self.dumps = dumps
        self.root = root
        self.procs = procs
        self.built: dict[str, Reference | str] = {}

    def __getitem__(self, storage: str) -> Reference:
        if storage == "parquet":
            pytest.importorskip("pyarrow", reason="Parquet corpora need pyarrow")
        if storage not in self.built:
            try:
                self.built[storage] = self._build(storage)
            except AssertionError as exc:
                self.built[storage] = str(exc)
        built = self.built[storage]
        if isinstance(built, str):
            pytest.fail(f"the reference builds failed: {built}", pytrace=False)
        return built

    def _build(self, storage: str) -> Reference:
        a = target_in(self.root / storage / "a", storage)
        first = self.procs.run(build_command(self.dumps.a, a), f"reference-{storage}-a")
        assert first.returncode == 0, describe(first)
        ab = copy_corpus(a, self.root / storage / "ab")
        second = self.procs.run(build_command(self.dumps.b, ab), f"reference-{storage}-b")
        assert second.returncode == 0, describe(second)
        return Reference(storage, a, ab, (first.seconds, second.seconds))


@pytest.fixture(scope="module")
def references(dumps: Dumps, tmp_path_factory: pytest.TempPathFactory) -> Iterator[References]:
    root = tmp_path_factory.mktemp("references")
    procs = Launcher(root / "logs", env=child_env(), cwd=ROOT)
    try:
        yield References(dumps, root, procs)
    finally:
        procs.close()


@pytest.fixture
def procs(tmp_path: Path) -> Iterator[Launcher]:
    """Starts the test's processes; kills whatever of them is left when the test ends."""
    launcher = Launcher(tmp_path / "logs", env=child_env(), cwd=ROOT)
    try:
        yield launcher
    finally:
        launcher.close()


# -- 1. two builds at once ----------------------------------------------------------------


def watch(children: Sequence[Child], timeout: float) -> dict[str, float]:
    """Wait for every child to end, sampling CPU use; for each, the longest time it sat
    idle (under IDLE_CPU seconds of CPU in its whole session) while another was running."""
    seen: dict[str, dict[int, int]] = {c.name: {} for c in children}
    samples: dict[str, list[tuple[float, float, bool]]] = {c.name: [] for c in children}
    deadline = time.monotonic() + timeout
    while True:
        now = time.monotonic()
        running = {c.name: c.poll() is None for c in children}
        for c in children:
            cpu = session_cpu(c.pid, seen[c.name])
            others = any(running[o.name] for o in children if o is not c)
            samples[c.name].append((now, cpu, running[c.name] and others))
        if not any(running.values()):
            break
        if now > deadline:
            stuck = [c.name for c in children if running[c.name]]
            raise AssertionError(f"still running after {timeout:g} s: {stuck}")
        time.sleep(0.05)
    idle = {}
    for name, points in samples.items():
        longest, start = 0.0, 0
        for end, (t, cpu, both) in enumerate(points):
            if not both:
                start = end + 1
                continue
            while points[start][1] < cpu - IDLE_CPU:
                start += 1
            longest = max(longest, t - points[start][0])
        idle[name] = longest
    return idle


@pytest.mark.parametrize("storage", STORAGES)
@pytest.mark.parametrize("delay", [0.0, 0.7, 1.5])
def test_two_builds_at_once_end_as_if_run_one_after_the_other(
    storage: str,
    delay: float,
    references: References,
    dumps: Dumps,
    procs: Launcher,
    tmp_path: Path,
    record_property: Any,
) -> None:
    """Builds of A and of B into one new corpus, B started ``delay`` s after A: each
    exits 0, or fails in at most 3 lines without a traceback and succeeds when run again;
    the corpus ends equal to A then B built one after the other; a build seen sitting
    idle for a second while the other ran said it was waiting for another build."""
    ref = references[storage]
    target = target_in(tmp_path / "one-corpus", storage)
    first = procs.start(build_command(dumps.a, target), "build-a")
    time.sleep(delay)
    overlapped = first.poll() is None
    second = procs.start(build_command(dumps.b, target), "build-b")
    idle = watch([first, second], BUILD_TIMEOUT)
    record_property("a_was_running_when_b_started", overlapped)
    problems = []
    if first.returncode != 0 and second.returncode != 0:
        problems.append("both builds failed")
    for child, inputs in ((first, dumps.a), (second, dumps.b)):
        said_waiting = "waiting for another build" in child.stderr
        record_property(f"{child.name}_idle_seconds", round(idle[child.name], 2))
        record_property(f"{child.name}_said_waiting", said_waiting)
        if idle[child.name] >= WAITED and not said_waiting:
            problems.append(
                f"{child.name} sat idle {idle[child.name]:.1f} s while the other build ran "
                f"but did not say 'waiting for another build': {describe(child)}"
            )
        if child.returncode != 0:
            problems += failure_problems(child, max_lines=3)
            again = procs.run(build_command(inputs, target), f"{child.name}-again")
            if again.returncode != 0:
                problems.append(f"{child.name} failed again when rerun: {describe(again)}")
    state = which(target.path, {"A+B": ref.ab_tables})
    if state != "A+B":
        problems.append(f"the corpus is not A+B: {state}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("storage", STORAGES)
def test_a_build_told_not_to_wait_gives_up_at_once(
    storage: str, references: References, dumps: Dumps, procs: Launcher, tmp_path: Path
) -> None:
    """``--wait 0`` while another build writes the corpus: exit 1 before that build ends,
    one line saying another build is still writing, no traceback; the other build's
    result is whole."""
    ref = references[storage]
    target = copy_corpus(ref.a, tmp_path / "one-corpus")
    first = procs.start(build_command(dumps.b, target), "build-b")
    time.sleep(0.4 * ref.b_seconds)
    assert first.poll() is None, f"harness: the first build ended too soon: {describe(first)}"
    second = procs.start(build_command(dumps.b, target, "--wait", "0"), "build-b-no-wait")
    second.wait(BUILD_TIMEOUT)
    first_still_running = first.poll() is None
    first.wait(BUILD_TIMEOUT)
    problems = []
    if second.returncode != 1:
        problems.append(f"the build told not to wait did not exit 1: {describe(second)}")
    said = lines(second.stderr)
    if len(said) != 1 or "another build is still writing" not in said[0]:
        problems.append(f"not one line saying another build is still writing: {describe(second)}")
    if "Traceback" in second.stderr:
        problems.append(f"a traceback: {describe(second)}")
    if not first_still_running:
        problems.append(
            f"the build told not to wait ended only after the other one had "
            f"({second.seconds:.1f} s): {describe(second)}"
        )
    if first.returncode != 0:
        problems.append(f"the build that was writing failed: {describe(first)}")
    state = which(target.path, {"A+B": ref.ab_tables})
    if state != "A+B":
        problems.append(f"the corpus is not A+B: {state}")
    assert not problems, "\n".join(problems)


# -- 2. kill -9 -----------------------------------------------------------------------------


def check_after_kill(procs: Launcher, ref: Reference, dumps: Dumps, target: Target) -> None:
    """The corpus a killed build of B left: readable, equal to A or to A+B, intact (SQLite),
    and a rerun of B exits 0 and makes it A+B."""
    problems = readability_problems(procs, target)
    state = which(target.path, ref.states())
    if state not in ("A", "A+B"):
        problems.append(f"the corpus is neither A nor A+B: {state}")
    if target.storage == "sqlite":
        try:
            result = integrity(target.path)
        except sqlite3.Error as exc:
            result = [(f"{type(exc).__name__}: {exc}",)]
        if result != [("ok",)]:
            problems.append(f"integrity_check: {result[:5]}")
    again = procs.run(build_command(dumps.b, target), "build-b-again")
    if again.returncode != 0:
        problems.append(f"the rerun failed: {describe(again)}")
    else:
        state = which(target.path, {"A+B": ref.ab_tables})
        if state != "A+B":
            problems.append(f"after the rerun the corpus is not A+B: {state}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("storage", STORAGES)
@pytest.mark.parametrize("fraction", [0.2, 0.5, 0.85], ids=lambda f: f"at-{f:.0%}")
def test_kill_9_at_a_moment_leaves_the_old_or_the_new_corpus(
    storage: str,
    fraction: float,
    references: References,
    dumps: Dumps,
    procs: Launcher,
    tmp_path: Path,
    record_property: Any,
) -> None:
    """SIGKILL to the main process of a build adding B to A, at a fraction of the time
    that build took alone: its workers end by themselves within 5 s, and the corpus is
    A or A+B, readable, and completed by a rerun."""
    ref = references[storage]
    target = copy_corpus(ref.a, tmp_path / "killed")
    child = procs.start(build_command(dumps.b, target), "build-b")
    time.sleep(max(0.0, child.started + fraction * ref.b_seconds - time.monotonic()))
    killed = child.poll() is None  # not reaped yet, so the pid is still this process
    if killed:
        os.kill(child.pid, signal.SIGKILL)
    record_property("killed", killed)
    record_property("kill_at_seconds", round(fraction * ref.b_seconds, 2))
    left = wait_gone(child.pid, GONE_WITHIN)
    assert not left, f"processes still running {GONE_WITHIN:g} s after the kill: {left}"
    child.wait(GONE_WITHIN)
    assert killed or child.returncode == 0, describe(child)
    check_after_kill(procs, ref, dumps, target)


@pytest.fixture(scope="module")
def strace(tmp_path_factory: pytest.TempPathFactory) -> list[str] | str:
    """The strace command that can kill its tracee at a syscall, or why there is none
    (``--seccomp-bpf`` is tried first: some versions silently ignore signal injection
    with it, so it is kept only when a probe process really gets killed)."""
    exe = shutil.which("strace")
    if exe is None:
        return "strace is not installed"
    folder = tmp_path_factory.mktemp("strace-probe")
    probe = "import os, sys; open(sys.argv[1], 'w').close(); os.rename(sys.argv[1], sys.argv[2])"
    calls = ",".join(SYNC_CALLS)
    outcome = ""
    for extra in (["--seccomp-bpf"], []):
        base = [exe, "-f", "-qq", *extra, "-o", "/dev/null", "-e", f"trace={calls}"]
        inject = ["-e", f"inject={calls}:signal=KILL:when=1"]
        command = [*base, *inject, "--", sys.executable, "-c", probe, "p", "q"]
        try:
            result = subprocess.run(
                command,
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=60,
                start_new_session=True,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return "strace hung on a probe process"
        if result.returncode in KILLED and not (folder / "q").exists():
            return base
        outcome = f"exit {result.returncode}: {result.stderr.strip()[:300]}"
        for name in ("p", "q"):
            (folder / name).unlink(missing_ok=True)
    return f"strace cannot kill a process at a syscall here ({outcome})"


def traced_sync_calls(
    procs: Launcher, strace: list[str], ref: Reference, dumps: Dumps, folder: Path
) -> list[tuple[int, str]]:
    """The renames and fsyncs a build adding B to a copy of A makes, in order, with the
    pid that made each (one run under strace, logged; made once per storage)."""
    if ref.sync_calls is None:
        target = copy_corpus(ref.a, folder)
        log = folder / "strace.log"
        base = [arg if arg != "/dev/null" else str(log) for arg in strace]
        child = procs.run([*base, "--", *build_command(dumps.b, target)], "traced-build-b")
        assert child.returncode == 0, f"harness: the traced build failed: {describe(child)}"
        pattern = re.compile(rf"^(\d+)\s+({'|'.join(SYNC_CALLS)})\(")
        ref.sync_calls = [
            (int(m[1]), m[2])
            for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
            if (m := pattern.match(line))
        ]
    return ref.sync_calls


@pytest.mark.parametrize("storage", STORAGES)
@pytest.mark.parametrize("nth", [1, 2, 3, 5, 8])
def test_kill_9_at_the_nth_rename_or_fsync_leaves_the_old_or_the_new_corpus(
    storage: str,
    nth: int,
    strace: list[str] | str,
    references: References,
    dumps: Dumps,
    procs: Launcher,
    tmp_path: Path,
    record_property: Any,
) -> None:
    """SIGKILL to a build adding B to A as it enters its Nth rename or fsync (counted
    over all of them together): its workers end by themselves within 5 s, and the corpus
    is A or A+B, readable, and completed by a rerun. At least the first one must come."""
    require(isinstance(strace, list), str(strace))
    assert isinstance(strace, list)
    ref = references[storage]
    # strace counts each syscall of the set separately, per process: find which call of
    # its kind the Nth one is in a logged run, and inject at that one.
    calls = traced_sync_calls(procs, strace, ref, dumps, tmp_path / "logged")
    pids = {pid for pid, _ in calls}
    if len(pids) == 1 and nth <= len(calls):
        name = calls[nth - 1][1]
        inject = f"{name}:signal=KILL:when={[n for _, n in calls[:nth]].count(name)}"
    else:  # made by several processes, or fewer than N: as strace counts, or not at all
        inject = f"{','.join(SYNC_CALLS)}:signal=KILL:when={nth}"
    record_property("sync_calls", len(calls))
    record_property("inject", inject)
    assert calls or nth > 1, "a build that adds B makes no rename or fsync at all"
    target = copy_corpus(ref.a, tmp_path / "killed")
    command = [*strace, "-e", f"inject={inject}", "--", *build_command(dumps.b, target)]
    child = procs.start(command, f"build-b-killed-at-{nth}")
    main = None  # the traced build, strace's child
    deadline = time.monotonic() + BUILD_TIMEOUT
    while child.poll() is None:
        if main is None:
            main = next(iter(children_of(child.pid)), None)
        elif not alive(main):
            break
        assert time.monotonic() < deadline, f"still running after {BUILD_TIMEOUT:g} s"
        time.sleep(0.02)
    left = wait_gone(child.pid, GONE_WITHIN)
    assert not left, f"processes still running {GONE_WITHIN:g} s after the kill: {left}"
    killed = child.wait(GONE_WITHIN) in KILLED
    record_property("killed", killed)
    if nth == 1:
        assert killed, f"not killed at its first rename or fsync: {describe(child)}"
    assert killed or child.returncode == 0, describe(child)
    check_after_kill(procs, ref, dumps, target)


# -- 3. a full disk ---------------------------------------------------------------------------


@pytest.mark.parametrize("storage", STORAGES)
def test_a_full_disk_during_an_update_leaves_the_old_corpus(
    storage: str,
    references: References,
    dumps: Dumps,
    procs: Launcher,
    tmp_path: Path,
    record_property: Any,
) -> None:
    """Adding B to A on a disk with room for A and 10% more, not for A+B: exit 1, at most
    3 lines, the last saying 'No space left on device', no traceback; the corpus is still
    A, readable, with no journal left and intact (SQLite)."""
    ref = references[storage]
    size = math.ceil(disk_usage(ref.a) * 1.10 / 4096) * 4096
    assert disk_usage(ref.ab) > size, "harness: A+B would fit on the small disk"
    record_property("tmpfs_bytes", size)
    with tmpfs(tmp_path / "disk", size) as disk:
        target = copy_corpus(ref.a, disk)
        child = procs.run(build_command(dumps.b, target), "build-b")
        problems = []
        if child.returncode != 1:
            problems.append(f"did not exit 1: {describe(child)}")
        problems += failure_problems(child, max_lines=3, cause=NO_SPACE)
        problems += readability_problems(procs, target)
        state = which(target.path, {"A": ref.a_tables})
        if state != "A":
            problems.append(f"the corpus is no longer A: {state}")
        if storage == "sqlite":
            journal = target.path.with_name(target.path.name + "-journal")
            if journal.exists():
                problems.append(f"{journal.name} was left behind")
            result = integrity(target.path)
            if result != [("ok",)]:
                problems.append(f"integrity_check: {result[:5]}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("storage", STORAGES)
def test_a_new_corpus_on_a_full_disk_fails_in_one_line_and_blocks_no_rerun(
    storage: str, references: References, dumps: Dumps, procs: Launcher, tmp_path: Path
) -> None:
    """Building A into a new corpus on a 64 KiB disk: exit 1, one line saying 'No space
    left on device', no traceback; what is left is no corpus, or an empty one that
    'corpus stats' rejects in one line or counts 0 documents in; and once the disk is
    made big enough, the same build exits 0 and makes A."""
    ref = references[storage]
    with tmpfs(tmp_path / "disk", "64k") as disk:
        target = target_in(disk, storage)
        child = procs.run(build_command(dumps.a, target), "build-a")
        problems = []
        if child.returncode != 1:
            problems.append(f"did not exit 1: {describe(child)}")
        problems += failure_problems(child, max_lines=1, cause=NO_SPACE)
        if target.path.exists():
            stats = procs.run(corpus_command("stats", target.arg), "stats")
            said = lines(stats.stderr)
            rejected = stats.returncode == 1 and len(said) == 1 and "Traceback" not in said[0]
            empty = stats.returncode == 0 and re.search(r"^documents\s+0$", stats.stdout, re.M)
            if not (rejected or empty):
                problems.append(f"a corpus with documents is left: {describe(stats)}")
        resize_tmpfs(disk, max(64 << 20, 4 * disk_usage(ref.ab)))
        again = procs.run(build_command(dumps.a, target), "build-a-again")
        if again.returncode != 0:
            problems.append(f"the rerun on a big enough disk failed: {describe(again)}")
        else:
            state = which(target.path, {"A": ref.a_tables})
            if state != "A":
                problems.append(f"after the rerun the corpus is not A: {state}")
    assert not problems, "\n".join(problems)


# -- 4. integrity -----------------------------------------------------------------------------


def test_a_fresh_sqlite_corpus_passes_integrity_check(references: References) -> None:
    """``pragma integrity_check`` finds nothing wrong in a corpus just built (A) or just
    updated (A+B)."""
    ref = references["sqlite"]
    for name, target in (("A", ref.a), ("A+B", ref.ab)):
        result = integrity(target.path, readonly=True)
        assert result == [("ok",)], f"{name}: {len(result)} problems, first {result[:5]}"
