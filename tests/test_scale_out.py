"""The corpus build on Dask makes the local build's corpus: on a cluster of real
``dask scheduler`` and ``dask worker`` processes, on a local cluster, added to an
existing corpus, and with dumps and corpus on S3 (moto's server on 127.0.0.1, configured
through the AWS environment variables only). Builds run as ``python -m profileparse``
processes; the services come from tests/services.py."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from profileparse.corpus import Corpus
from tests.render import load_records, write_overlapping_dumps
from tests.services import dask_cluster, make_bucket, s3_server, upload

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "data" / "seeds"


def _cli(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "profileparse", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})},
    )


@pytest.fixture(scope="module")
def dumps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Rendered overlapping dumps, the seeds, and one dump with a parse error."""
    folder = tmp_path_factory.mktemp("dumps")
    write_overlapping_dumps(folder, 60, load_records(), 303)
    (folder / "truth.json").unlink()
    for seed in sorted(SEEDS.glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    broken = sorted(SEEDS.glob("*.txt"))[1].read_text(encoding="utf-8")
    (folder / "broken.txt").write_text(broken.replace("Oct 30, 2023", "Oct 99, 2023", 1))
    return folder


@pytest.fixture(scope="module")
def local(dumps: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """The local build of ``dumps``: its file, its export and its stderr."""
    # Named as the Parquet corpora are, so the exports' source names agree too.
    db = tmp_path_factory.mktemp("local") / "corpus"
    built = _cli("corpus", "build", str(dumps), "-o", str(db), "--format", "sqlite")
    assert built.returncode == 1, built.stderr  # the broken dump
    exported = _cli("corpus", "export", str(db), "-f", "jsonl")
    assert exported.returncode == 0, exported.stderr
    return db, exported.stdout, built.stderr


def _same_as_local(
    target: str, local: tuple[Path, str, str], env: Mapping[str, str] | None = None
) -> None:
    db, export, _ = local
    exported = _cli("corpus", "export", target, "-f", "jsonl", env=env)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == export
    if env is None:
        with Corpus(target, readonly=True) as built, Corpus(db, readonly=True) as reference:
            assert built.tables() == reference.tables()


def _last_line(stderr: str) -> str:
    return stderr.strip().splitlines()[-1]


def test_a_cluster_builds_what_the_local_engine_builds(
    dumps: Path, local: tuple[Path, str, str], tmp_path: Path
) -> None:
    target = f"{tmp_path / 'corpus'}/"
    with dask_cluster(workers=2) as address:
        built = _cli(
            "corpus", "build", str(dumps), "-o", target, "--engine", "dask", "--scheduler", address
        )
    assert built.returncode == 1, built.stderr  # the broken dump, as locally
    assert "Traceback" not in built.stderr
    assert "broken.txt: 1 parse error(s)" in built.stderr
    # The same summary, counted by the build rather than read back: the abstracts not
    # linked (first and how many), the dumps with errors, the counts.
    assert _summary(built.stderr) == _summary(local[2])
    assert _summary(built.stderr)[0].endswith("...")  # an unlinked abstract, shown
    _same_as_local(target, local)


def _summary(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "Dask dashboard" not in line]


def test_a_local_cluster_adds_to_an_existing_corpus(
    dumps: Path, local: tuple[Path, str, str], tmp_path: Path
) -> None:
    files = sorted(str(p) for p in dumps.glob("*.txt"))
    target = f"{tmp_path / 'corpus'}/"
    first = _cli("corpus", "build", *files[::2], "-o", target)
    assert first.returncode in (0, 1), first.stderr
    second = _cli(
        "corpus",
        "build",
        *files[1::2],
        "-o",
        target,
        "--engine",
        "dask",
        "--workers",
        "2",
        "--memory-limit",
        "1GB",
    )
    assert second.returncode in (0, 1), second.stderr
    assert "Traceback" not in second.stderr
    _same_as_local(target, local)
    again = _cli("corpus", "build", str(dumps), "-o", target, "--engine", "dask", "--workers", "1")
    assert "0 new dump(s) added" in again.stderr
    _same_as_local(target, local)


def test_dumps_and_corpus_on_s3(dumps: Path, local: tuple[Path, str, str]) -> None:
    with s3_server() as env:
        make_bucket("profiles", env)
        upload(dumps, "s3://profiles/dumps/", env)
        with dask_cluster(workers=2, env=env) as address:
            built = _cli(
                "corpus",
                "build",
                "s3://profiles/dumps/",
                "-o",
                "s3://profiles/corpus/",
                "--engine",
                "dask",
                "--scheduler",
                address,
                env=env,
            )
        assert built.returncode == 1, built.stderr
        assert _last_line(built.stderr) == _last_line(local[2])
        _same_as_local("s3://profiles/corpus/", local, env)
        stats = _cli("corpus", "stats", "s3://profiles/corpus", env=env)
        assert stats.returncode == 0 and "documents" in stats.stdout
        # The local engine reads and writes the same URLs.
        again = _cli(
            "corpus", "build", "s3://profiles/dumps/", "-o", "s3://profiles/x/corpus/", env=env
        )
        assert again.returncode == 1, again.stderr
        _same_as_local("s3://profiles/x/corpus/", local, env)


def test_an_unreachable_scheduler_is_one_line(dumps: Path, tmp_path: Path) -> None:
    built = _cli(
        "corpus",
        "build",
        str(dumps),
        "-o",
        f"{tmp_path}/c/",
        "--engine",
        "dask",
        "--scheduler",
        "tcp://127.0.0.1:9",
    )
    assert built.returncode == 1
    assert "Traceback" not in built.stderr
    assert "cannot reach the Dask scheduler" in built.stderr
    sqlite = _cli(
        "corpus",
        "build",
        str(dumps),
        "-o",
        str(tmp_path / "c.sqlite"),
        "--engine",
        "dask",
        "--format",
        "sqlite",
    )
    assert sqlite.returncode == 2 and "Parquet corpus" in sqlite.stderr


def test_the_python_api_builds_on_a_client(
    dumps: Path, local: tuple[Path, str, str], tmp_path: Path
) -> None:
    from distributed import Client

    files = sorted(str(p) for p in dumps.glob("*.txt"))
    # A copy of one dump under another name comes last: kept once, as locally.
    copy = tmp_path / "copy.txt"
    copy.write_bytes(Path(files[3]).read_bytes())
    target = f"{tmp_path / 'corpus'}/"
    with dask_cluster(workers=2) as address, Client(address) as client:
        result = Corpus.build([*files, str(copy)], target, engine="dask", client=client)
    assert len(result.added) == len(files)
    assert str(copy) not in result.added and "copy.txt" not in result.added
    # as the local build says it (seed 000 lost a record in the copy)
    assert result.with_errors == [("000_6faa1e42dd226781.txt", 1), ("broken.txt", 1)]
    _same_as_local(target, local)


def test_a_cluster_keeps_paths_dates_taken_and_the_reference_year(tmp_path: Path) -> None:
    """Dumps found by a pattern in two folders, with --taken and --reference-year: the
    cluster's corpus is the local build's, paths from the pattern's folder and all."""
    root = tmp_path / "snapshots"
    for n, seed in enumerate(sorted(SEEDS.glob("*.txt"))):
        folder = root / ("2026-01" if n % 2 else "2026-02")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / seed.name).write_bytes(seed.read_bytes())
    options = [f"{root}/*/*.txt", "--taken", "2026-03-01", "--reference-year", "2025"]
    db = tmp_path / "local.sqlite"
    assert _cli("corpus", "build", *options, "-o", str(db)).returncode == 1  # seed 000
    target = f"{tmp_path / 'corpus'}/"
    built = _cli("corpus", "build", *options, "-o", target, "--engine", "dask", "--workers", "1")
    assert built.returncode == 1, built.stderr
    with Corpus(target, readonly=True) as on_cluster, Corpus(db, readonly=True) as reference:
        tables = on_cluster.tables()
        assert tables == reference.tables()
        assert {row["taken"] for row in tables["documents"]} == {"2026-03-01"}
        assert {row["path"].rsplit("/", 1)[0] for row in tables["documents"]} == {
            "snapshots/2026-01",
            "snapshots/2026-02",
        }
        assert not [row for row in tables["papers"] if (row["date"] or "").startswith("--")]
        assert on_cluster.search("mixture experts upcycling").papers
