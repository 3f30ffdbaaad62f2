"""profileparse: researcher-profile dumps into structured data.

>>> import profileparse
>>> doc = profileparse.parse("Abstract:We study parsing.")
>>> doc.layout, doc.papers[0].abstract
('abstracts', 'We study parsing.')
"""

from __future__ import annotations

import importlib
import os

# typing (with re and contextlib behind it) would be most of this module's import time;
# type checkers read this block as typing.TYPE_CHECKING.
TYPE_CHECKING = False

# In a source checkout, grammars/ and plugins/ sit beside this package rather than inside
# it (the installed package maps them in as profileparse.grammars and .plugins). Let
# Python find them there too, so running from a checkout works without an editable install.
_checkout = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if os.path.isfile(os.path.join(_checkout, "plugins", "__init__.py")) and not os.path.isdir(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins")
):
    __path__.append(_checkout)

if TYPE_CHECKING:
    import datetime
    from collections.abc import Iterable, Mapping
    from typing import Any

    from profileparse.dumpdiff import DumpDiff, diff
    from profileparse.errors import (
        CorpusError,
        CorpusLockedError,
        FormatOptionError,
        MissingExtraError,
        ParseError,
        PluginError,
        ProfileparseError,
        UnknownFormatError,
        UnknownLayoutError,
    )
    from profileparse.formats import Format, SkippedRecordsWarning
    from profileparse.frames import to_arrow, to_pandas
    from profileparse.hookspecs import hookimpl
    from profileparse.layouts import Layout, LayoutResult
    from profileparse.model import (
        Diagnostic,
        DiagnosticCode,
        Document,
        Paper,
        PaperDate,
        Profile,
        Severity,
        Span,
    )
    from profileparse.parsing import (
        detect_layout,
        dump_starts,
        parse,
        parse_all,
        parse_bytes,
    )
    from profileparse.pieces import parse_file
    from profileparse.registry import get_plugin_manager, get_registry
    from profileparse.streaming import PaperStream, iter_papers

__all__ = [
    "CorpusError",
    "CorpusLockedError",
    "Diagnostic",
    "DiagnosticCode",
    "Document",
    "DumpDiff",
    "Format",
    "FormatOptionError",
    "Layout",
    "LayoutResult",
    "MissingExtraError",
    "Paper",
    "PaperDate",
    "PaperStream",
    "ParseError",
    "PluginError",
    "Profile",
    "ProfileparseError",
    "Severity",
    "SkippedRecordsWarning",
    "Span",
    "UnknownFormatError",
    "UnknownLayoutError",
    "__version__",
    "detect_layout",
    "diff",
    "dump_starts",
    "dumps",
    "get_plugin_manager",
    "get_registry",
    "hookimpl",
    "iter_papers",
    "parse",
    "parse_all",
    "parse_bytes",
    "parse_file",
    "report",
    "to_arrow",
    "to_pandas",
]

__version__ = "0.1.0"


# Public names are imported on first use, so `import profileparse` and the command line's
# --help stay fast (lark, attrs and the plugins load only when parsing starts).
_EXPORTS = {
    "CorpusError": "profileparse.errors",
    "CorpusLockedError": "profileparse.errors",
    "FormatOptionError": "profileparse.errors",
    "MissingExtraError": "profileparse.errors",
    "SkippedRecordsWarning": "profileparse.formats",
    "ProfileparseError": "profileparse.errors",
    "UnknownFormatError": "profileparse.errors",
    "UnknownLayoutError": "profileparse.errors",
    "ParseError": "profileparse.errors",
    "PluginError": "profileparse.errors",
    "Format": "profileparse.formats",
    "to_arrow": "profileparse.frames",
    "to_pandas": "profileparse.frames",
    "DumpDiff": "profileparse.dumpdiff",
    "diff": "profileparse.dumpdiff",
    "hookimpl": "profileparse.hookspecs",
    "Layout": "profileparse.layouts",
    "LayoutResult": "profileparse.layouts",
    "parse_bytes": "profileparse.parsing",
    "Diagnostic": "profileparse.model",
    "DiagnosticCode": "profileparse.model",
    "Document": "profileparse.model",
    "Paper": "profileparse.model",
    "PaperDate": "profileparse.model",
    "Profile": "profileparse.model",
    "Severity": "profileparse.model",
    "Span": "profileparse.model",
    "detect_layout": "profileparse.parsing",
    "dump_starts": "profileparse.parsing",
    "parse": "profileparse.parsing",
    "parse_all": "profileparse.parsing",
    "parse_file": "profileparse.pieces",
    "get_plugin_manager": "profileparse.registry",
    "get_registry": "profileparse.registry",
    "PaperStream": "profileparse.streaming",
    "iter_papers": "profileparse.streaming",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'profileparse' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def dumps(document: Document | Iterable[Document], format: str = "json", **options: Any) -> str:
    """Render a document, or several as one output, in the named format (``json`` or
    any plugin's format).

    Keyword options go to the format (for ``json``: ``indent``, ``ensure_ascii``); an
    option the format does not take is a :class:`FormatOptionError` that lists the ones
    it does. Several documents give one output: one JSON array, one CSV header, BibTeX
    keys unique across all of them.
    """
    from profileparse.model import Document
    from profileparse.registry import get_registry

    chosen = get_registry().format(format)
    if isinstance(document, Document):
        return chosen.render(document, **options)
    return "".join(chosen.render_many(document, **options))


def report(
    documents: Iterable[Document],
    *,
    reference_year: int | None = None,
    taken: Mapping[str, str | datetime.date] | None = None,
) -> str:
    """One self-contained HTML page to look at these dumps: metrics, charts (offline,
    plotly.js inlined), a table of every paper, the diagnostics; several dumps get a
    comparison first, and several snapshots of one researcher their metrics over time.
    ``reference_year`` places dates shown without a year. ``taken``: when each dump was
    taken, by its source (ISO text or a date); by default a file's modification time.
    Needs the ``report`` extra (``pip install 'profileparse[report]'``)."""
    return dumps(list(documents), "report", reference_year=reference_year, taken=taken)
