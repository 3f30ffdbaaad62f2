"""``profileparse corpus``: build, inspect and export a deduplicated corpus."""

from __future__ import annotations

import datetime
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
    reference_year_option,
)
from profileparse.labels import PROFILE_LABELS

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
    profileparse corpus search corpus.sqlite "mixture of experts"
    profileparse corpus history corpus.sqlite "Tianwen Wei"

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
@click.option(
    "--taken",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="DATE",
    help="When the dumps were taken, YYYY-MM-DD [default: each file's modification time].",
)
@reference_year_option
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
    taken: datetime.datetime | None,
    reference_year: int | None,
    encoding: str | None,
    jobs: int | None,
) -> None:
    """Add dumps (files or folders of .txt files) to a corpus, creating it if needed.

    Adding the same dump again changes nothing, and the result does not depend on the
    order dumps are added in. A build is one transaction: killed or failed, it leaves
    the corpus as it was; a second build of the same corpus waits for the first.
    Abstract-only records that match no paper and dumps with parse errors are listed
    on stderr; exits 1 when any dump had errors or could not be read.

    Each dump keeps its path from the folder given (or from the file's own folder),
    and when it was taken: the file's modification time, or --taken.
    """
    from profileparse.corpus import DEFAULT_WAIT, Corpus
    from profileparse.corpus.storage import waiting_message

    roots: dict[str, str] = {}
    inputs = _sources(paths, roots)
    if any(Path(p).resolve() == Path(output).resolve() for p in inputs):
        raise click.UsageError(f"refusing to write the corpus over the input {output!r}")
    patience = DEFAULT_WAIT if wait is None else wait
    day = taken.date().isoformat() if taken is not None else None
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
                roots=roots,
                taken=day,
                reference_year=reference_year,
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
                    roots=roots,
                    taken=day,
                    reference_year=reference_year,
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


def _sources(paths: tuple[str, ...], roots: dict[str, str] | None = None) -> list[str]:
    """Dump files to read: local files and folders as ``parse`` takes them, and fsspec
    URLs or globs (``s3://bucket/dumps/``, ``'dumps/*/*.txt'``) through fsspec. Each
    file found in a local folder given, or by a pattern, is mapped in ``roots`` to that
    folder (for a pattern, the folder it starts from: ``dumps``)."""
    import glob
    import re

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
            if roots is not None:  # the folder the pattern starts from
                fixed = re.split(r"[*?\[]", raw, maxsplit=1)[0]
                roots.update(dict.fromkeys(found, os.path.dirname(fixed) or os.curdir))
            out.extend(found)
        else:
            found = _expand([raw.removeprefix("file://")])
            if roots is not None and os.path.isdir(raw.removeprefix("file://")):
                roots.update(dict.fromkeys(found, raw.removeprefix("file://")))
            out.extend(found)
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
@reference_year_option
def export_command(
    path: str,
    format_name: str,
    output: str | None,
    format_options: dict[str, Any],
    reference_year: int | None,
) -> None:
    """Write a corpus's papers, one entry per paper merged from its sightings.

    For example one BibTeX file for a whole folder of dumps, with unique keys.
    """
    options = get_registry().format(format_name).read_options(format_options)
    with _corpus_errors(), _open(path) as store:
        try:
            text = store.export(format_name, reference_year=reference_year, **options)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
    _write_out(text, output, path)


def _write_out(text: str, output: str | None, corpus_path: str) -> None:
    """``text`` to stdout, or written whole to ``output`` (never over the corpus)."""
    if output is None:
        out(text, nl=False)
        return
    target = Path(output)
    if target.resolve() == Path(corpus_path).resolve():
        raise click.UsageError(f"refusing to write over the corpus {corpus_path!r}")
    _write_atomic(target, text)


def _check_optional_format(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    from profileparse.cli import _check_format

    return None if value is None else _check_format(ctx, param, value)


#: Longest title and author list a search's table shows (the formats give them whole).
_TITLE_SHOWN = 72
_AUTHORS_SHOWN = 40


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@corpus.command("search")
@click.argument("path", metavar="CORPUS")
@click.argument("query", required=False)
@click.option(
    "--author",
    metavar="NAME",
    default=None,
    help="Only papers by this author (the name as the corpus has it, any case).",
)
@click.option(
    "-f",
    "--format",
    "format_name",
    default=None,
    metavar="FORMAT",
    callback=_check_optional_format,
    help="Write the papers in this format (see 'profileparse formats') [default: a table].",
)
@click.option(
    "--limit",
    type=click.IntRange(1),
    default=20,
    metavar="N",
    show_default=True,
    help="At most this many papers.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here, not stdout.")
@format_options_option
@reference_year_option
def search_command(
    path: str,
    query: str | None,
    author: str | None,
    format_name: str | None,
    limit: int,
    output: str | None,
    format_options: dict[str, Any],
    reference_year: int | None,
) -> None:
    """Find papers in a corpus: QUERY's words (or their starts) in titles, abstracts
    and author names, best match first; or an author's papers, newest first.

    \b
    profileparse corpus search corpus.sqlite "mixture experts upcycling"
    profileparse corpus search corpus.sqlite --author "Xiaokun Wang"
    profileparse corpus search corpus.sqlite reasoning --author "Xiaokun Wang" -f bibtex

    Prints a table (rank, date, title, authors), or the papers in any export format
    with -f. Exits 0 when nothing matches (saying so on stderr).
    """
    from profileparse.corpus.search import match_expression

    if query is None and author is None:
        raise click.UsageError("give a QUERY, an --author, or both")
    if query is not None and match_expression(query) is None:
        raise click.UsageError(f"nothing to search for in {query!r}: give a word")
    if format_name is None and format_options:
        raise click.UsageError("-O goes with -f FORMAT")
    options = get_registry().format(format_name).read_options(format_options) if format_name else {}
    with _corpus_errors(), _open(path) as store:
        found = store.search(query, author=author, limit=limit, reference_year=reference_year)
    if not found.papers:
        click.echo("no paper matches", err=True)
    if format_name is not None:
        from profileparse import dumps

        try:
            text = dumps(found, format_name, **options)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        _write_out(text, output, path)
        return
    lines = []
    for rank, paper in enumerate(found.papers, 1):
        authors = ", ".join(paper.authors) + (" et al." if paper.et_al else "")
        lines.append(
            f"{rank:>3}  {str(paper.date) if paper.date else '':<10}  "
            f"{_cut(paper.title or '', _TITLE_SHOWN):<{_TITLE_SHOWN}}  "
            f"{_cut(authors, _AUTHORS_SHOWN)}".rstrip()
        )
    _write_out("".join(line + "\n" for line in lines), output, path)


#: The header metrics ``corpus history`` shows, by the model's field name.
_HISTORY_METRICS = ("h_index", "paper_count", "citations", "novelty", "ai_score")
#: The columns of ``corpus history``'s table: (heading, Snapshot field).
_HISTORY = (
    ("taken", "taken_on"),
    *((PROFILE_LABELS[field], field) for field in _HISTORY_METRICS),
    ("path", "path"),
)


@corpus.command("history")
@click.argument("path", metavar="CORPUS")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Write the snapshots as a JSON array.")
def history_command(path: str, name: str, as_json: bool) -> None:
    """List a researcher's snapshots: the dumps whose profile is NAME (any case),
    oldest first, each with the day it was taken, its header's h-index, papers,
    citations, novelty and AI score, and its path. Exits 1 when the corpus has no
    profile of that name.
    """
    import json

    with _corpus_errors(), _open(path) as store:
        snapshots = store.history(name)
    if not snapshots:
        raise click.ClickException(f"{path}: no profile named {name!r}")
    if as_json:
        rows = [
            {
                "name": s.name,
                "taken": s.taken_on,
                "taken_at": s.taken,
                "path": s.path,
                "source": s.source,
                "h_index": s.h_index,
                "papers": s.paper_count,
                "listed_papers": s.listed_papers,
                "records": s.records,
                "citations": s.citations,
                "novelty": s.novelty,
                "ai_score": s.ai_score,
            }
            for s in snapshots
        ]
        out(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    cells = [[heading for heading, _ in _HISTORY]]
    for s in snapshots:
        values = [getattr(s, field) for _, field in _HISTORY]
        cells.append(["?" if value is None else str(value) for value in values])
    widths = [max(len(row[i]) for row in cells) for i in range(len(_HISTORY))]
    out(f"{snapshots[0].name}: {len(snapshots)} snapshot(s)")
    for row in cells:
        out("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
