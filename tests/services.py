"""A real Dask cluster and a local S3-compatible server for the tests, as processes.

- :func:`dask_cluster` starts a ``dask scheduler`` and ``dask worker`` processes on
  127.0.0.1 and yields the scheduler's address, for ``--engine dask --scheduler ADDRESS``.
- :func:`s3_server` starts moto's S3 server on 127.0.0.1 and yields the environment a
  client needs (``AWS_ENDPOINT_URL`` and test credentials); :func:`make_bucket` and
  :func:`upload` fill it through s3fs configured from that environment alone.

Every process runs in a session of its own (tests/processes.py), its output in log files;
on leaving the block each gets SIGTERM, then SIGKILL for whatever of its session is still
there a few seconds later, and leaving raises when any process of those sessions remains.

The dask CLI comes from the venv running the tests (the ``dask`` extra). moto is not one
of the project's extras (its boto3 and botocore pins fight with s3fs's aiobotocore): it
has a venv of its own, ``.moto/`` (see .ci/run), or is wherever
``PROFILEPARSE_MOTO_SERVER`` says. A test that needs a missing one skips, or fails under
``PROFILEPARSE_REQUIRE_SYSTEM_TESTS=1`` (:func:`tests.processes.require`).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tests.processes import Child, Launcher, kill_session, require, session_pids, wait_gone

if TYPE_CHECKING:
    import s3fs

__all__ = [
    "MOTO_SERVER",
    "dask_cli",
    "dask_cluster",
    "make_bucket",
    "moto_server",
    "s3_filesystem",
    "s3_server",
    "upload",
]

ROOT = Path(__file__).resolve().parent.parent
#: The environment variable naming moto's server program (``moto_server``).
MOTO_SERVER = "PROFILEPARSE_MOTO_SERVER"
HOST = "127.0.0.1"
#: Seconds a service may take to start (scheduler, workers, moto's first answer).
START_TIMEOUT = 60.0
#: Seconds between SIGTERM and SIGKILL when stopping.
GRACE = 5.0
#: No dashboard; the HTTP server (health, metrics) that runs anyway listens on loopback
#: and a free port, not on all addresses and 8787.
_NO_DASHBOARD = ["--no-dashboard", "--dashboard-address", f"{HOST}:0"]


def dask_cli() -> Path:
    """The ``dask`` command of the venv running the tests."""
    return Path(sys.executable).with_name("dask")


def moto_server() -> Path:
    """moto's server program: ``$PROFILEPARSE_MOTO_SERVER``, else ``.moto/bin/moto_server``
    under the repository (which may not exist)."""
    configured = os.environ.get(MOTO_SERVER)
    return Path(configured) if configured else ROOT / ".moto" / "bin" / "moto_server"


def _runnable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


# -- processes ------------------------------------------------------------------------


@contextlib.contextmanager
def _folder(logs: Path | None, prefix: str) -> Iterator[Path]:
    """``logs`` (kept), or a temporary folder removed afterwards."""
    if logs is not None:
        logs.mkdir(parents=True, exist_ok=True)
        yield logs
        return
    with tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=True) as folder:
        yield Path(folder)


def _tails(children: Sequence[Child], lines: int = 15) -> str:
    """The last lines of each process's stderr, for an error message."""
    parts = []
    for child in children:
        tail = "\n".join(child.stderr.splitlines()[-lines:])
        parts.append(f"--- {child.name} (pid {child.pid}, rc {child.poll()}) stderr:\n{tail}")
    return "\n".join(parts)


def _check_running(children: Sequence[Child], what: str) -> None:
    ended = [child for child in children if child.poll() is not None]
    if ended:
        raise RuntimeError(f"{what}: a process ended while starting\n{_tails(ended)}")


def _stop(children: Sequence[Child]) -> None:
    """SIGTERM each session leader, wait up to GRACE seconds for their sessions to end,
    then SIGKILL whatever of them is left."""
    for child in children:
        if child.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                child.proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GRACE
    for child in children:
        wait_gone(child.pid, max(0.0, deadline - time.monotonic()))
    for child in children:
        kill_session(child.pid)


def _close(launcher: Launcher, groups: Sequence[Sequence[Child]]) -> None:
    """Stop ``groups`` one after the other, reap them, and raise when any process of their
    sessions remains."""
    try:
        for group in groups:
            _stop(group)
    finally:
        launcher.close()  # SIGKILLs what is left (after an error above too) and reaps
    left = {child.name: session_pids(child.pid) for child in launcher.children}
    left = {name: pids for name, pids in left.items() if pids}
    if left:
        raise RuntimeError(f"processes still running after stopping: {left}")


# -- Dask -----------------------------------------------------------------------------


def _scheduler_address(path: Path, scheduler: Child, deadline: float) -> str:
    """The address in the scheduler file, once the scheduler has written it."""
    while True:
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            address = json.loads(path.read_text(encoding="utf-8"))["address"]
            if isinstance(address, str):
                return address
        _check_running([scheduler], "dask scheduler")
        if time.monotonic() >= deadline:
            tails = _tails([scheduler])
            raise RuntimeError(f"no scheduler file after {START_TIMEOUT:g} s\n{tails}")
        time.sleep(0.05)


@contextlib.contextmanager
def dask_cluster(
    workers: int = 2,
    memory_limit: str = "1GB",
    *,
    env: Mapping[str, str] | None = None,
    logs: Path | None = None,
) -> Iterator[str]:
    """A Dask scheduler and ``workers`` worker processes (one thread each) on 127.0.0.1;
    yields the scheduler's address, ``tcp://127.0.0.1:PORT``, once all workers joined.

    ``env`` is added to the processes' environment (the tests' own, as it is on entry):
    pass :func:`s3_server`'s for tasks that read ``s3://`` URLs on the workers. Their
    logs go to ``logs`` when given (kept), else to a temporary folder. Tasks must be
    importable on the workers (profileparse is), or functions pickled by value
    (builtins, functions defined inside a test).
    """
    dask = dask_cli()
    require(_runnable(dask), f"no dask command at {dask} (pip install -e '.[dask]')")
    from distributed import Client

    with _folder(logs, "profileparse-dask-") as folder:
        launcher = Launcher(folder, env={**os.environ, **(env or {})})
        scheduler: list[Child] = []
        started: list[Child] = []
        try:
            scheduler_file = folder / "scheduler.json"
            command = [str(dask), "scheduler", "--host", HOST, "--port", "0", *_NO_DASHBOARD]
            command += ["--scheduler-file", str(scheduler_file)]
            scheduler.append(launcher.start(command, "scheduler"))
            deadline = time.monotonic() + START_TIMEOUT
            address = _scheduler_address(scheduler_file, scheduler[0], deadline)
            for number in range(workers):
                name = f"worker-{number}"
                command = [str(dask), "worker", address, "--host", HOST, "--name", name]
                command += ["--nthreads", "1", "--nworkers", "1", *_NO_DASHBOARD]
                command += ["--memory-limit", memory_limit]
                command += ["--local-directory", str(folder / name)]
                started.append(launcher.start(command, name))
            client = Client(address, timeout=START_TIMEOUT, set_as_default=False)  # type: ignore[no-untyped-call]
            with client:
                try:
                    client.wait_for_workers(workers, timeout=START_TIMEOUT)
                except Exception as error:
                    _check_running(scheduler + started, "dask cluster")
                    raise RuntimeError(
                        f"{workers} workers did not join {address} within "
                        f"{START_TIMEOUT:g} s\n{_tails(scheduler + started)}"
                    ) from error
            yield address
        finally:
            _close(launcher, [started, scheduler])


# -- S3 -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_http(url: str, server: Child, deadline: float) -> None:
    """Wait until ``url`` answers HTTP (any status), bypassing any proxy."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while True:
        try:
            with opener.open(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return  # an answer all the same
        except OSError:
            pass
        _check_running([server], "moto server")
        if time.monotonic() >= deadline:
            tails = _tails([server])
            raise RuntimeError(f"{url} did not answer within {START_TIMEOUT:g} s\n{tails}")
        time.sleep(0.05)


@contextlib.contextmanager
def s3_server(*, logs: Path | None = None) -> Iterator[dict[str, str]]:
    """moto's S3 server on 127.0.0.1 and a free port; yields the environment a client
    needs: ``AWS_ENDPOINT_URL``, test credentials and ``AWS_DEFAULT_REGION``. Its buckets
    live in its memory and end with it."""
    server = moto_server()
    require(
        _runnable(server),
        f"no moto server at {server} (python3 -m venv .moto && .moto/bin/python -m pip "
        f"install 'moto[server]>=5', or set {MOTO_SERVER})",
    )
    port = _free_port()
    endpoint = f"http://{HOST}:{port}"
    with _folder(logs, "profileparse-moto-") as folder:
        launcher = Launcher(folder)
        started: list[Child] = []
        try:
            started.append(launcher.start([str(server), "-H", HOST, "-p", str(port)], "moto"))
            _wait_http(endpoint, started[0], time.monotonic() + START_TIMEOUT)
            yield {
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1",
            }
        finally:
            _close(launcher, [started])


def s3_filesystem(env: Mapping[str, str]) -> s3fs.S3FileSystem:
    """An s3fs filesystem configured from ``env`` alone (:func:`s3_server`'s), not from
    ``os.environ`` or fsspec's cache of instances (which would outlive a server)."""
    import s3fs

    return s3fs.S3FileSystem(
        key=env["AWS_ACCESS_KEY_ID"],
        secret=env["AWS_SECRET_ACCESS_KEY"],
        client_kwargs={
            "endpoint_url": env["AWS_ENDPOINT_URL"],
            "region_name": env["AWS_DEFAULT_REGION"],
        },
        skip_instance_cache=True,
    )


def make_bucket(name: str, env: Mapping[str, str]) -> None:
    """Create the bucket ``name`` on the server of ``env``, in its region."""
    # Not fs.mkdir: given a region_name, s3fs sends it as the LocationConstraint, which
    # S3 (and moto) refuse for us-east-1, the region without one.
    region = env["AWS_DEFAULT_REGION"]
    place = {} if region == "us-east-1" else {"LocationConstraint": region}
    params = {"CreateBucketConfiguration": place} if place else {}
    s3_filesystem(env).call_s3("create_bucket", Bucket=name, **params)


def upload(folder: Path, url: str, env: Mapping[str, str]) -> list[str]:
    """Copy the files under ``folder`` (subfolders kept) to ``url``, an existing bucket
    and an optional prefix (``s3://bucket/prefix/``); their ``s3://`` URLs, sorted."""
    if not url.startswith("s3://"):
        raise ValueError(f"not an s3:// URL: {url}")
    base = url.removeprefix("s3://").rstrip("/")
    fs = s3_filesystem(env)
    urls = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        key = f"{base}/{path.relative_to(folder).as_posix()}"
        fs.put_file(str(path), key)
        urls.append(f"s3://{key}")
    return urls
