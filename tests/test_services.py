"""The test services (tests/services.py) work for real: a Dask cluster of separate
processes runs tasks and leaves none behind; moto's S3 server takes s3fs reads, writes and
listings configured by the environment it yields, also from a Dask worker, and ends with
its block. Without the dask command or moto's server they skip, or fail under
PROFILEPARSE_REQUIRE_SYSTEM_TESTS=1 (as in CI).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests import services
from tests.processes import REQUIRE_SYSTEM_TESTS, alive, proc_stat, session_pids
from tests.services import MOTO_SERVER, dask_cluster, make_bucket, s3_server, upload


def _pids_running(*words: str) -> list[int]:
    """The living processes whose command line holds every one of ``words``."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                args = f.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        if all(word in args for word in words) and alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def _session(pid: int) -> int:
    stat = proc_stat(pid)
    assert stat is not None, f"no process {pid}"
    return stat.session


def test_a_task_runs_in_a_worker_process_and_no_process_outlives_the_cluster(
    tmp_path: Path,
) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        dask_cluster(workers=2, logs=tmp_path / "logs") as address,
        distributed.Client(address, set_as_default=False) as client,
    ):
        assert address.startswith("tcp://127.0.0.1:")
        future = client.submit(sum, [1, 2])
        assert future.result(timeout=30) == 3
        (where,) = client.who_has([future])[future.key]
        ran_in = client.run(os.getpid, workers=[where])[where]
        workers = client.run(os.getpid)
        nannies = client.run(os.getpid, nanny=True)
        scheduler = client.run_on_scheduler(os.getpid)
        pids = [*workers.values(), *nannies.values(), scheduler]
        assert len(workers) == len(nannies) == 2
        assert ran_in in workers.values() and ran_in != os.getpid()
        sessions = {_session(pid) for pid in pids}
        assert len(sessions) == 3 and os.getsid(0) not in sessions
        future.release()
    assert [pid for pid in pids if alive(pid)] == []
    assert {sid: session_pids(sid) for sid in sessions} == {sid: [] for sid in sessions}


def test_an_s3fs_round_trip_configured_by_the_yielded_environment_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3fs = pytest.importorskip("s3fs")
    dumps = tmp_path / "dumps"
    (dumps / "more").mkdir(parents=True)
    (dumps / "a.txt").write_bytes(b"first dump\n")
    (dumps / "more" / "b.txt").write_bytes(b"second dump\n")
    with s3_server() as env:
        port = env["AWS_ENDPOINT_URL"].rsplit(":", 1)[1]
        server = _pids_running("-p", port)
        assert len(server) == 1, server
        sid = _session(server[0])
        make_bucket("corpus", env)
        urls = upload(dumps, "s3://corpus/dumps/", env)
        assert urls == ["s3://corpus/dumps/a.txt", "s3://corpus/dumps/more/b.txt"]
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        fs = s3fs.S3FileSystem(skip_instance_cache=True)  # nothing but the environment
        assert fs.cat("s3://corpus/dumps/more/b.txt") == b"second dump\n"
        fs.pipe("s3://corpus/out/papers.json", b"[]")
        with fs.open("s3://corpus/out/papers.json", "rb") as f:
            assert f.read() == b"[]"
        assert sorted(fs.find("s3://corpus")) == [
            "corpus/dumps/a.txt",
            "corpus/dumps/more/b.txt",
            "corpus/out/papers.json",
        ]
        assert fs.ls("s3://corpus/dumps", detail=False) == [
            "corpus/dumps/a.txt",
            "corpus/dumps/more",
        ]
    assert not alive(server[0])
    assert session_pids(sid) == []


def test_workers_read_s3_with_the_environment_passed_to_the_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    (tmp_path / "dump.txt").write_bytes(b"a dump on S3\n")

    def read(url: str) -> tuple[bytes, int]:
        import s3fs

        fs = s3fs.S3FileSystem(skip_instance_cache=True)  # the worker's environment alone
        return fs.cat(url), os.getpid()

    with s3_server() as env, dask_cluster(workers=1, env=env) as address:
        make_bucket("inputs", env)
        (url,) = upload(tmp_path, "s3://inputs/", env)
        with distributed.Client(address, set_as_default=False) as client:
            data, pid = client.submit(read, url).result(timeout=30)
    assert data == b"a dump on S3\n"
    assert pid != os.getpid() and not alive(pid)


def test_a_worker_that_ignores_sigterm_is_killed_after_the_grace_period(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    distributed = pytest.importorskip("distributed")
    monkeypatch.setattr(services, "GRACE", 1.0)
    with dask_cluster(workers=1) as address:
        with distributed.Client(address, set_as_default=False) as client:
            (nanny,) = client.run(os.getpid, nanny=True).values()
        sid = _session(nanny)
        os.killpg(sid, signal.SIGSTOP)  # SIGTERM stays pending; SIGKILL ends it all the same
        leaving = time.monotonic()
    assert time.monotonic() - leaving >= 1.0
    assert session_pids(sid) == []


def test_a_missing_moto_server_skips_or_fails_when_required(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MOTO_SERVER, str(tmp_path / "no-moto_server"))
    monkeypatch.delenv(REQUIRE_SYSTEM_TESTS, raising=False)
    with pytest.raises(pytest.skip.Exception, match="no moto server"), s3_server():
        pass
    monkeypatch.setenv(REQUIRE_SYSTEM_TESTS, "1")
    with pytest.raises(pytest.fail.Exception, match="no moto server"), s3_server():
        pass
