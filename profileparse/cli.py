"""The ``profileparse`` command line.

Exit status: 0 when everything parsed, 1 when a dump had errors (or could not be read),
2 for a usage mistake (unknown option, format or layout, a missing file).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TextIO

import click

# What only some commands use (json, tempfile, rich, the registry and the parser) is
# imported where it is used: a command pays for its own imports only.
if TYPE_CHECKING:
    from pathlib import Path

    from profileparse.formats import Format
    from profileparse.model import Document, Paper
    from profileparse.registry import Registry

__all__ = ["main"]

STDIN = "-"
_PROGRESS_MIN_FILES = 20
# Streaming formats are written paper by paper from files this large, in flat memory.
STREAM_BYTES = 16 << 20
_BATCH = 1000


def get_registry() -> Registry:
    # Imported when a command needs it, so `profileparse --help` starts fast.
    from profileparse.registry import get_registry as registry

    return registry()


class InputError(Exception):
    """A dump that could not be parsed at all (unreadable file, strict-mode error)."""


class OutputError(click.ClickException):
    """Output that could not be written: one line naming where (the user's path, or
    stdout) and why; exit 1."""

    def __init__(self, where: str, exc: OSError) -> None:
        super().__init__(f"cannot write {where}: {exc.strerror or exc}")
        self.where = where


def out(message: str, *, nl: bool = True) -> None:
    """``message`` on stdout; a write that fails (a full disk, ``> /dev/full``) is an
    :class:`OutputError` naming stdout. (A closed pipe, ``| head``, is left to click,
    which ends the command quietly.)"""
    try:
        click.echo(message, nl=nl)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError("stdout", exc) from None


def _quiet_stdout() -> None:
    """Send what stdout still holds to the null device: after a failed write, the
    interpreter's last flush at exit would fail again, with a traceback of its own."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (a test's capture)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)


def _expand(paths: Sequence[str]) -> list[str]:
    """Files to read: ``-`` is stdin, a folder stands for its ``*.txt`` dumps."""
    out: list[str] = []
    for raw in paths:
        if raw == STDIN:
            out.append(STDIN)
            continue
        if os.path.isfile(raw):  # (pathlib, for folders, costs start-up time)
            out.append(raw)
            continue
        from pathlib import Path

        path = Path(raw)
        if path.is_dir():
            dumps = sorted(p for p in path.glob("*.txt") if p.is_file())
            if not dumps:
                raise click.BadParameter(f"folder {raw!r} holds no .txt dumps", param_hint="PATH")
            out.extend(str(p) for p in dumps)
        elif path.is_file():
            out.append(raw)
        else:
            raise click.BadParameter(f"no such file or folder: {raw!r}", param_hint="PATH")
    return out


def _check_format(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value not in get_registry().formats:
        known = ", ".join(sorted(get_registry().formats))
        raise click.BadParameter(f"unknown format {value!r}; choose from {known}")
    get_registry().format(value).require()  # (before any dump is read: exit 1, one line)
    return value


def _check_layout(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and value not in get_registry().layouts:
        known = ", ".join(sorted(get_registry().layouts))
        raise click.BadParameter(f"unknown layout {value!r}; choose from {known}")
    return value


def _check_options(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> dict[str, Any]:
    options: dict[str, str] = {}  # (read by the type each declares: Format.read_options)
    for item in value:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}")
        options[key.replace("-", "_")] = raw
    return options


# Options more than one command takes.
format_option = click.option(
    "-f",
    "--format",
    "format_name",
    default="json",
    show_default=True,
    callback=_check_format,
    help="Output format (see 'profileparse formats').",
)
format_options_option = click.option(
    "-O",
    "--option",
    "format_options",
    multiple=True,
    metavar="KEY=VALUE",
    callback=_check_options,
    help="An option for the format (repeatable).",
)


def _check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    import codecs

    if value is not None:
        try:
            codecs.lookup(value)
        except LookupError:
            raise click.BadParameter(f"unknown encoding {value!r}") from None
    return value


encoding_option = click.option(
    "--encoding",
    default=None,
    callback=_check_encoding,
    metavar="NAME",
    help="Read files in this encoding (cp1252, latin-1, ...); default UTF-8, or UTF-16 with a BOM.",
)
reference_year_option = click.option(
    "--reference-year",
    type=click.IntRange(1, 9999),
    default=None,
    help="Year to give dates shown without one ('Apr 7'); default: keep them yearless.",
)
jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, None),
    default=None,
    help="Parse files in this many processes (default: the number of cores).",
)


def _read(path: str, options: dict[str, Any]) -> list[Document]:
    """Every dump in ``path`` (a file may hold several pasted one after another)."""
    from profileparse.errors import ParseError
    from profileparse.model import Document
    from profileparse.parsing import parse_bytes
    from profileparse.text import BINARY_HEAD, binary_head

    try:
        if path == STDIN:
            stream = getattr(sys.stdin, "buffer", None)
            data = stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
            source = "<stdin>"
        else:
            with open(path.rstrip("/") or path, "rb") as file:  # "dump.txt/" too, as pathlib
                data = file.read(BINARY_HEAD)  # (a binary file is not read further)
                if found := binary_head(data, options.get("encoding")):
                    return [Document(source=path, diagnostics=found)]
                data += file.read()
            source = path
        return parse_bytes(data, source=source, **options)
    except ParseError as exc:
        raise InputError(str(exc)) from None
    except OSError as exc:
        raise InputError(f"{path}: error: cannot read: {exc.strerror or exc}") from None


def _read_or_fail(path: str, options: dict[str, Any]) -> list[Document] | str:
    """:func:`_read` for a worker process: a failure comes back as its message."""
    try:
        return _read(path, options)
    except InputError as exc:
        return str(exc)


def _results(
    paths: list[str], options: dict[str, Any], jobs: int
) -> Iterator[list[Document] | str]:
    """Each input's documents (or failure message), in input order; with ``jobs`` > 1 and
    several files, parsed in a pool of processes."""
    from functools import partial

    from profileparse.pool import ordered_map

    if STDIN in paths:
        jobs = 1
    yield from ordered_map(partial(_read_or_fail, options=options), paths, jobs)


def _documents(
    paths: list[str], options: dict[str, Any], failures: list[str], jobs: int = 1
) -> Iterator[tuple[str, Document]]:
    progress = _progress(len(paths))
    try:
        for path, result in zip(paths, _results(paths, options, jobs), strict=True):
            if isinstance(result, str):
                failures.append(result)
            else:
                for document in result:
                    yield path, document
            if progress is not None:
                progress.advance(0)
    finally:
        if progress is not None:
            progress.stop()


def _progress(total: int) -> Any:
    if total < _PROGRESS_MIN_FILES or not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import Progress

    progress = Progress(console=Console(stderr=True), transient=True)
    progress.add_task("parsing", total=total)
    progress.start()
    return progress


def _chunks(pieces: Iterable[str], size: int = 1 << 16) -> Iterator[str]:
    """``pieces`` joined into chunks of about ``size`` characters: one write each, not
    one for each of a million small pieces."""
    held: list[str] = []
    length = 0
    for piece in pieces:
        held.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(held)
            held, length = [], 0
    if held:
        yield "".join(held)


def _write_atomic(target: Path, text: str | Iterable[str]) -> None:
    """Write ``text`` (or its pieces, in turn) via a temporary file in the same folder
    and a rename, so an interrupted run leaves either the old file or the new one, never
    half of one. A target that is not a regular file (``/dev/null``, ``/dev/stdout``, a
    named pipe) is written to as it is: the rename would put a file in its place."""
    try:
        _write_through_temporary(target, text)
    except OSError as exc:  # (named as the user gave it, never by the temporary file)
        raise OutputError(str(target), exc) from None


def _write_through_temporary(target: Path, text: str | Iterable[str]) -> None:
    pieces = (text,) if isinstance(text, str) else _chunks(text)
    if _special(target):
        with open(target, "w", encoding="utf-8", newline="") as f:
            f.writelines(pieces)
        return
    import tempfile

    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.writelines(pieces)
        os.chmod(temp, _mode_for(target))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _special(target: Path) -> bool:
    """Whether ``target`` exists and is not a regular file (a device, a named pipe)."""
    try:
        return not stat.S_ISREG(target.stat().st_mode)
    except OSError:
        return False


@contextlib.contextmanager
def notes() -> Iterator[None]:
    """Show what formats say they left out (``SkippedRecordsWarning``) as notes on
    stderr, once the output is written."""
    import warnings

    from profileparse.formats import SkippedRecordsWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SkippedRecordsWarning)
        yield
    for warning in caught:
        if issubclass(warning.category, SkippedRecordsWarning):
            click.echo(f"note: {warning.message}", err=True)
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )


def _mode_for(target: Path) -> int:
    """The permissions a new file gets from ``open()`` (0666 less the umask), or those
    of the file it replaces: a temporary file is created 0600 whatever the umask."""
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _report(doc: Document, path: str, stream: TextIO | None = None) -> None:
    """A document's diagnostics, a line each, on ``stream`` (None: stdout)."""
    source = doc.source or path
    for diag in doc.diagnostics:
        if stream is None:
            out(diag.format(source))
        else:
            click.echo(diag.format(source), file=stream)


class _Commands(click.Group):
    """The command group; commands with heavy imports live in their own modules and are
    loaded only when called (or listed in help)."""

    lazy: ClassVar[dict[str, tuple[str, str]]] = {
        "corpus": ("profileparse.corpus_cli", "corpus"),
        "diff": ("profileparse.diff_cli", "diff"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def invoke(self, ctx: click.Context) -> Any:
        """Every error profileparse raises on purpose, as a message and an exit status,
        decided here and only here: 2 for a usage mistake, 1 for everything else."""
        from profileparse.errors import (
            FormatOptionError,
            ProfileparseError,
            UnknownFormatError,
            UnknownLayoutError,
        )

        try:
            return super().invoke(ctx)
        except (UnknownLayoutError, UnknownFormatError, FormatOptionError) as exc:
            raise click.UsageError(str(exc)) from None
        except ProfileparseError as exc:
            raise click.ClickException(str(exc)) from None
        except OutputError as exc:
            if exc.where == "stdout":
                _quiet_stdout()
            raise

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            import importlib

            module, name = self.lazy[cmd_name]
            command: click.Command = getattr(importlib.import_module(module), name)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="profileparse")
def main() -> None:
    """Turn researcher-profile dumps into structured data.

    A dump is text copied from a profile page: the profile layout (a header, then
    meta / title / authors / abstract records), the inline layout (title glued to the
    authors) or the abstracts layout (one 'Abstract:' line per paper).
    """
    _freeze_at_exit()


@functools.cache
def _freeze_at_exit() -> None:
    """At exit the interpreter runs the garbage collector over every object it still
    holds (the modules of click, attrs and the rest); a command's process is ending, and
    none of them needs that, so they are frozen out of it first. That is about a tenth
    of a short command's time. (Objects still alive at exit are not promised their
    ``__del__``, frozen or not; the standard streams are flushed either way.)"""
    atexit.register(gc.freeze)


@main.command("parse")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@format_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=True, writable=True),
    help="Write here instead of stdout; with several inputs and a folder, one file per input.",
)
@format_options_option
@click.option(
    "--layout",
    default=None,
    callback=_check_layout,
    help="Layout of the dumps (default: detect each).",
)
@click.option("--strict", is_flag=True, help="Stop a dump at its first error.")
@reference_year_option
@click.option("-q", "--quiet", is_flag=True, help="Do not print diagnostics.")
@encoding_option
@jobs_option
def parse_command(
    paths: tuple[str, ...],
    format_name: str,
    output: str | None,
    format_options: dict[str, Any],
    layout: str | None,
    strict: bool,
    reference_year: int | None,
    quiet: bool,
    encoding: str | None,
    jobs: int | None,
) -> None:
    """Parse dumps (files, folders of .txt files, or - for stdin) and export them.

    Diagnostics go to stderr as FILE:LINE:COL: SEVERITY: MESSAGE. Exits 1 when any
    dump had an error.
    """
    inputs = _expand(paths)
    fmt = get_registry().format(format_name)
    format_options = fmt.read_options(format_options)
    options = {
        "layout": layout,
        "strict": strict,
        "reference_year": reference_year,
        "encoding": encoding,
    }
    if (
        fmt.streaming
        and output is None
        and not strict
        and all(p != STDIN and os.stat(p).st_size >= STREAM_BYTES for p in inputs)
    ):
        _stream(inputs, fmt, format_options, options, quiet)
        return
    failures: list[str] = []
    errors = False
    outputs: list[tuple[str, Document]] = []
    per_file = output is not None and (os.path.isdir(output) or output.endswith(("/", "\\")))
    for path, doc in _documents(inputs, options, failures, jobs or os.cpu_count() or 1):
        errors = errors or not doc.ok
        if not quiet:
            _report(doc, path, sys.stderr)
        outputs.append((path, doc))
    with notes():
        _write_outputs(outputs, inputs, output, fmt, format_options, per_file)
    for message in failures:
        click.echo(message, err=True)
    if failures or errors:
        sys.exit(1)


def _write_outputs(
    outputs: list[tuple[str, Document]],
    inputs: list[str],
    output: str | None,
    fmt: Format,
    format_options: dict[str, Any],
    per_file: bool,
) -> None:
    """Write every document: one file each into a folder, or one output for all."""
    if per_file:
        from pathlib import Path

        assert output is not None
        _write_each(outputs, Path(output), fmt, format_options)
    elif outputs:
        documents = [doc for _, doc in outputs]
        # Written a piece at a time: a big document's text is never whole in memory.
        if len(inputs) > 1 or len(documents) > 1:
            pieces = fmt.render_many(documents, **format_options)
        else:
            pieces = fmt.render_pieces(documents[0], **format_options)
        if output is None:
            for chunk in _chunks(pieces):
                out(chunk, nl=False)
        else:
            from pathlib import Path  # (here, not for every command: start-up time)

            target = Path(output)
            if any(target.resolve() == Path(p).resolve() for p in inputs if p != STDIN):
                raise click.UsageError(f"refusing to overwrite the input {output!r}")
            _write_atomic(target, pieces)


def _stream(
    inputs: list[str],
    fmt: Format,
    options: dict[str, Any],
    parse_options: dict[str, Any],
    quiet: bool,
) -> None:
    """Write a streaming format paper by paper, so a huge dump never sits in memory whole:
    each file's papers go to the format in batches, as documents of the same source."""
    errors = False

    def batches() -> Iterator[Document]:
        nonlocal errors
        from profileparse.model import Document
        from profileparse.streaming import iter_papers

        for path in inputs:
            stream = iter_papers(
                path,
                layout=parse_options["layout"],
                reference_year=parse_options["reference_year"],
                encoding=parse_options["encoding"],
            )
            batch: list[Paper] = []
            for paper in stream:
                batch.append(paper)
                if len(batch) >= _BATCH:
                    yield stream.document(batch)
                    batch = []
            if batch:
                yield stream.document(batch)
            doc = Document(source=path, layout=stream.layout, diagnostics=stream.diagnostics)
            errors = errors or not doc.ok
            if not quiet:
                _report(doc, path, sys.stderr)

    for piece in fmt.render_many(batches(), **options):
        out(piece, nl=False)
    if errors:
        sys.exit(1)


def _write_each(
    outputs: list[tuple[str, Document]],
    folder: Path,
    fmt: Format,
    options: dict[str, Any],
) -> None:
    from pathlib import Path

    folder.mkdir(parents=True, exist_ok=True)
    inputs = {Path(path).resolve() for path, _ in outputs if path != STDIN}
    used: set[str] = set()
    for path, doc in outputs:
        # Only the input's file name is used, so no input name can point outside the folder;
        # inputs from different folders with the same name get -2, -3, ...
        stem = "stdin" if path == STDIN else Path(path).stem
        name, n = stem + fmt.suffix, 1
        while name in used:
            n += 1
            name = f"{stem}-{n}{fmt.suffix}"
        used.add(name)
        target = folder / name
        if target.resolve() in inputs:
            raise click.UsageError(
                f"refusing to overwrite the input {path!r}; choose another -o folder"
            )
        _write_atomic(target, fmt.render_pieces(doc, **options))


@main.command("check")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--layout",
    default=None,
    callback=_check_layout,
    help="Layout of the dumps (default: detect each).",
)
@encoding_option
def check_command(paths: tuple[str, ...], layout: str | None, encoding: str | None) -> None:
    """Report problems in dumps as FILE:LINE:COL: SEVERITY: MESSAGE.

    Exits 1 when any dump has an error (warnings alone exit 0).
    """
    inputs = _expand(paths)
    failures: list[str] = []
    errors = warnings = 0
    count = 0
    for path, doc in _documents(inputs, {"layout": layout, "encoding": encoding}, failures):
        count += 1
        _report(doc, path)
        errors += len(doc.errors)
        warnings += len(doc.diagnostics) - len(doc.errors)
    for message in failures:
        out(message.splitlines()[0])
        errors += 1
    click.echo(
        f"{count + len(failures)} file(s) checked: {errors} error(s), {warnings} warning(s)",
        err=True,
    )
    if errors:
        sys.exit(1)


@main.command("formats")
def formats_command() -> None:
    """List the export formats, with where each comes from, what each needs beyond the
    core install and whether that is installed."""
    import json

    for name, entry in sorted(get_registry().formats.items()):
        fmt = entry.item
        out(f"{name:<16} {fmt.suffix:<8} {fmt.description}  [{entry.origin}]")
        options = fmt.options()
        if options:
            shown = ", ".join(f"{key}={json.dumps(value)}" for key, value in options.items())
            out(f"{'':<25} options: {shown}")
        if fmt.modules:
            needs = ", ".join(fmt.modules) + (f" ({fmt.install})" if fmt.install else "")
            state = "installed" if fmt.missing() is None else "NOT installed"
            out(f"{'':<25} needs: {needs}: {state}")


@main.command("layouts")
def layouts_command() -> None:
    """List the dump layouts, with where each comes from."""
    for name, entry in sorted(get_registry().layouts.items()):
        out(f"{name:<16} {entry.item.description}  [{entry.origin}]")


@main.command("report")
@click.argument("paths", nargs=-1, required=True, metavar="DUMP...")
@click.option(
    "-o",
    "--output",
    default="report.html",
    show_default=True,
    help="The page to write (- for stdout).",
)
@reference_year_option
@encoding_option
@click.option("-q", "--quiet", is_flag=True, help="Do not print diagnostics.")
def report_command(
    paths: tuple[str, ...],
    output: str,
    reference_year: int | None,
    encoding: str | None,
    quiet: bool,
) -> None:
    """Write one HTML page to look at dumps: metrics, charts and every paper.

    The page opens from disk, offline, in any browser: scripts and styles are inside
    it. Several dumps get a comparison first; several snapshots of one researcher
    get their metrics charted over time, each dated by its file's modification time.
    Needs profileparse[report] (plotly).
    Diagnostics go to stderr too; exits 1 when a dump had an error (the page is still
    written, with them).
    """
    import profileparse

    get_registry().format("report").require()  # (before any dump is read)
    inputs = _expand(paths)
    failures: list[str] = []
    documents = []
    errors = False
    for path, doc in _documents(inputs, {"encoding": encoding}, failures):
        documents.append(doc)
        errors = errors or not doc.ok
        if not quiet:
            _report(doc, path, sys.stderr)
    for message in failures:
        click.echo(message, err=True)
    if not documents:
        sys.exit(1)
    text = profileparse.report(documents, reference_year=reference_year)
    if output == STDIN:
        out(text, nl=False)
    else:
        from pathlib import Path

        target = Path(output)
        if any(target.resolve() == Path(p).resolve() for p in inputs if p != STDIN):
            raise click.UsageError(f"refusing to overwrite the input {output!r}")
        _write_atomic(target, text)
        papers = sum(len(d.papers) for d in documents)
        click.echo(f"wrote {output}: {len(documents)} dump(s), {papers} papers", err=True)
    if failures or errors:
        sys.exit(1)
