"""``profileparse corpus``: build, inspect and export a deduplicated corpus."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from profileparse.cli import (
    _expand,
    _progress,
    _write_atomic,
    encoding_option,
    format_option,
    format_options_option,
    get_registry,
    jobs_option,
    out,
)

if TYPE_CHECKING:
    from profileparse.corpus import Corpus

__all__ = ["corpus"]

#: Unlinked abstracts listed after a build; a real corpus can have thousands.
_UNLINKED_SHOWN = 20


class _BuildByDefault(click.Group):
    """``profileparse corpus DUMPS... -o OUT`` is short for ``corpus build DUMPS... -o OUT``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["build", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_BuildByDefault)
def corpus() -> None:
    """Merge many dumps into one deduplicated dataset, and read it back.

    \b
    profileparse corpus DUMPS... -o corpus.sqlite     build or update (same as 'corpus build')
    profileparse corpus stats corpus.sqlite           print its counts
    profileparse corpus export corpus.sqlite -f bibtex -o papers.bib

    A corpus is a SQLite file, or a folder of Parquet files (profileparse[parquet]).
    """


@contextmanager
def _corpus_errors() -> Iterator[None]:
    """Every corpus failure as one line and exit 1, never a traceback."""
    from profileparse.corpus.storage import failure
    from profileparse.errors import CorpusError

    try:
        yield
    except CorpusError as exc:
        raise click.ClickException(str(exc)) from None
    except (sqlite3.Error, OSError) as exc:
        raise click.ClickException(f"corpus error: {failure(exc)}") from None


@corpus.command("build")
@click.argument("paths", nargs=-1, required=True, metavar="DUMPS...")
@click.option(
    "-o",
    "--output",
    required=True,
    help="The corpus: a SQLite file (created or updated), or a folder of Parquet files.",
)
@click.option(
    "--format",
    "corpus_format",
    type=click.Choice(["sqlite", "parquet"]),
    default=None,
    help="Kind of corpus (default: parquet for a folder or a path ending in '/', else sqlite).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 100),
    default=None,
    help="Abstract similarity (0-100) that links an abstract-only record to a paper "
    "[default: 85, or what the corpus was built with].",
)
@click.option(
    "--wait",
    type=click.FloatRange(0),
    default=None,
    metavar="SECONDS",
    help="How long to wait for another build of the same corpus to finish [default: 600].",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Build here (parsing in -j processes), or on a Dask cluster (profileparse[dask]; "
    "the corpus must be Parquet: a folder, or a URL such as s3://bucket/corpus/).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="With --engine dask: a running cluster's scheduler (tcp://host:8786); "
    "otherwise a local cluster is started.",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=None,
    help="With --engine dask and no --scheduler: worker processes [default: cores].",
)
@click.option(
    "--memory-limit",
    metavar="SIZE",
    default=None,
    help="With --engine dask and no --scheduler: memory per worker, e.g. 1GB "
    "[default: Dask's share of this machine's memory].",
)
@encoding_option
@jobs_option
def build_command(
    paths: tuple[str, ...],
    output: str,
    corpus_format: str | None,
    threshold: float | None,
    wait: float | None,
    engine: str,
    scheduler: str | None,
    workers: int | None,
    memory_limit: str | None,
    encoding: str | None,
    jobs: int | None,
) -> None:
    """Add dumps (files or folders of .txt files) to a corpus, creating it if needed.

    Adding the same dump again changes nothing, and the result does not depend on the
    order dumps are added in. A build is one transaction: killed or failed, it leaves
    the corpus as it was; a second build of the same corpus waits for the first.
    Abstract-only records that match no paper and dumps with parse errors are listed
    on stderr; exits 1 when any dump had errors or could not be read.
    """
    from profileparse.corpus import DEFAULT_WAIT, Corpus
    from profileparse.corpus.storage import waiting_message

    inputs = _sources(paths)
    if any(Path(p).resolve() == Path(output).resolve() for p in inputs):
        raise click.UsageError(f"refusing to write the corpus over the input {output!r}")
    patience = DEFAULT_WAIT if wait is None else wait
    if engine == "dask":
        if corpus_format == "sqlite":
            raise click.UsageError("--engine dask builds a Parquet corpus, not a SQLite one")
        from profileparse.corpus.dask_engine import build_on_cluster

        with _corpus_errors():
            built = build_on_cluster(
                inputs,
                output,
                scheduler=scheduler,
                workers=workers,
                memory_limit=memory_limit,
                threshold=threshold,
                encoding=encoding,
                wait=patience,
                on_wait=lambda: click.echo(waiting_message(output, patience), err=True),
                show_progress=sys.stderr.isatty(),
                say=lambda line: click.echo(line, err=True),
            )
        # From what the build counted: reading the corpus back would load it whole here.
        unlinked = [(source, line, start) for source, _, _, line, start in built.unlinked]
        counts = (built.rows["documents"], built.rows["papers"], built.rows["sightings"])
        _summary(unlinked, built.unlinked_count, counts, built)
        return
    if scheduler or workers or memory_limit:
        raise click.UsageError("--scheduler, --workers and --memory-limit go with --engine dask")
    with _corpus_errors():
        store = Corpus(
            output,
            format=corpus_format,
            threshold=threshold,
            wait=patience,
            on_wait=lambda: click.echo(waiting_message(output, patience), err=True),
        )
        with store:
            progress = _progress(len(inputs))
            try:
                result = store.add_files(
                    inputs,
                    jobs=jobs or os.cpu_count() or 1,
                    encoding=encoding,
                    progress=(lambda _: progress.advance(0)) if progress is not None else None,
                )
            finally:
                if progress is not None:
                    progress.stop()
            stats = store.stats()
            found = store.unlinked()
            counts = (stats.documents, stats.papers, stats.sightings)
            _summary(found, len(found), counts, result)


def _summary(
    unlinked: Sequence[tuple[str | None, int | None, str]],
    unlinked_count: int,
    counts: tuple[int, int, int],
    result: Any,
) -> None:
    """What a build says on stderr: unlinked abstracts (the first of ``unlinked``, and
    how many), unreadable dumps, dumps with errors, the corpus's documents, papers and
    sightings; exit 1 when a dump had errors or could not be read."""
    for source, line, start in unlinked[:_UNLINKED_SHOWN]:
        click.echo(f"{source}:{line}: abstract not linked to any paper: {start}...", err=True)
    if unlinked_count > _UNLINKED_SHOWN:
        click.echo(
            f"... and {unlinked_count - _UNLINKED_SHOWN} more abstract(s) not linked "
            "(Corpus.unlinked() lists them all)",
            err=True,
        )
    documents, papers, sightings = counts
    for message in result.failed:
        click.echo(message.splitlines()[0], err=True)
    for source, count in result.with_errors:
        click.echo(f"{source}: {count} parse error(s); see 'profileparse check {source}'", err=True)
    problems = []
    if result.with_errors:
        problems.append(f"{len(result.with_errors)} with parse errors")
    if result.failed:
        problems.append(f"{len(result.failed)} unreadable")
    click.echo(
        f"{len(result.added)} new dump(s) added"
        + (f" ({', '.join(problems)})" if problems else "")
        + f"; corpus has {documents} documents, {papers} papers, {sightings} sightings",
        err=True,
    )
    if result.failed or result.with_errors:
        sys.exit(1)


def _sources(paths: tuple[str, ...]) -> list[str]:
    """Dump files to read: local files and folders as ``parse`` takes them, and fsspec
    URLs or globs (``s3://bucket/dumps/``, ``'dumps/*/*.txt'``) through fsspec."""
    import glob

    out: list[str] = []
    for raw in paths:
        if "://" in raw and not raw.startswith("file://"):
            from profileparse.corpus.places import find_dumps
            from profileparse.errors import CorpusError

            try:
                found = find_dumps(raw)
            except CorpusError as exc:
                raise click.ClickException(str(exc)) from None
            except OSError as exc:
                raise click.ClickException(f"{raw}: cannot list the dumps: {exc}") from None
            if not found:
                raise click.BadParameter(f"no .txt dumps at {raw!r}", param_hint="DUMPS")
            out.extend(found)
        elif not os.path.exists(raw) and any(c in raw for c in "*?["):
            found = sorted(p for p in glob.glob(raw) if os.path.isfile(p))
            if not found:
                raise click.BadParameter(f"no file matches {raw!r}", param_hint="DUMPS")
            out.extend(found)
        else:
            out.extend(_expand([raw.removeprefix("file://")]))
    return out


def _open(path: str) -> Corpus:
    """An existing corpus, read-only: a SQLite file or a Parquet folder."""
    from profileparse.corpus import Corpus, CorpusError

    if "://" not in path and not Path(path).exists():
        raise click.BadParameter(f"no corpus at {path!r}", param_hint="CORPUS")
    try:
        return Corpus(path, readonly=True)
    except CorpusError as exc:
        message = str(exc)
        raise CorpusError(message if message.startswith(path) else f"{path}: {message}") from None


@corpus.command("stats")
@click.argument("path", metavar="CORPUS")
def stats_command(path: str) -> None:
    """Print a corpus's counts (a SQLite file or a Parquet folder; never written)."""
    with _corpus_errors(), _open(path) as store:
        stats = store.stats()
    labels = {
        "documents": "documents",
        "documents_with_errors": "documents with errors",
        "profiles": "profiles (from headers)",
        "inferred_owners": "owners inferred",
        "papers": "papers",
        "sightings": "sightings",
        "abstract_only": "abstract-only records",
        "linked_abstracts": "linked abstracts",
        "unlinked_abstracts": "unlinked abstracts",
        "authors": "authors",
    }
    for field, label in labels.items():
        out(f"{label:<24} {getattr(stats, field)}")


@corpus.command("export")
@click.argument("path", metavar="CORPUS")
@format_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here, not stdout.")
@format_options_option
def export_command(
    path: str, format_name: str, output: str | None, format_options: dict[str, Any]
) -> None:
    """Write a corpus's papers, one entry per paper merged from its sightings.

    For example one BibTeX file for a whole folder of dumps, with unique keys.
    """
    options = get_registry().format(format_name).read_options(format_options)
    with _corpus_errors(), _open(path) as store:
        try:
            text = store.export(format_name, **options)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
    if output is None:
        out(text, nl=False)
        return
    target = Path(output)
    if target.resolve() == Path(path).resolve():
        raise click.UsageError(f"refusing to write the export over the corpus {path!r}")
    _write_atomic(target, text)
