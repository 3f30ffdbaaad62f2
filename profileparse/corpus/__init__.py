"""Many dumps into one deduplicated, queryable dataset (SQLite; Parquet as an extra).

Modules: ``store`` (the :class:`Corpus` front), ``storage`` (the interface that
``sqlite_storage`` and ``parquet_storage`` implement), ``writer`` and ``reader`` (rows
in and out), ``migrations`` (numbered, with ``legacy`` reading the first version),
``keys`` and ``matching`` (pure: which records are one paper), ``settings`` (the
threshold a corpus is built with), ``owners``, ``files``.

Tables (see docs/corpus.md for the full schema, the matching rules and example queries):

- ``documents``: one row per dump added (its key makes adding it twice a no-op);
- ``profiles``: each dump's owner, from its header or inferred for header-less dumps;
- ``papers``: one row per real paper, however many dumps show it;
- ``authors`` and ``authorships``: who wrote which paper, in order;
- ``sightings``: every record of every dump (which dump, which lines, what it showed),
  linked to its paper; abstract-only records are linked by abstract similarity.
"""

from profileparse.corpus.keys import normalise_title
from profileparse.corpus.matching import TITLE_THRESHOLD
from profileparse.corpus.owners import infer_owner
from profileparse.corpus.schema import SCHEMA, SCHEMA_VERSION
from profileparse.corpus.settings import DEFAULT_THRESHOLD
from profileparse.corpus.storage import DEFAULT_WAIT
from profileparse.corpus.store import AddResult, Corpus, CorpusStats
from profileparse.errors import CorpusError, CorpusLockedError

__all__ = [
    "DEFAULT_THRESHOLD",
    "DEFAULT_WAIT",
    "SCHEMA",
    "SCHEMA_VERSION",
    "TITLE_THRESHOLD",
    "AddResult",
    "Corpus",
    "CorpusError",
    "CorpusLockedError",
    "CorpusStats",
    "infer_owner",
    "normalise_title",
]
