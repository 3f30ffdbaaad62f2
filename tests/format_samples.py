"""The sample outputs shown in docs/formats.md. Regenerate after changing a format:

.venv/bin/python -m tests.format_samples
"""

from __future__ import annotations

from pathlib import Path

import profileparse

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "formats-sample.txt"
OUT = ROOT / "docs" / "samples"


def samples() -> dict[str, str]:
    doc = profileparse.parse_file(SAMPLE, source="formats-sample.txt")
    registry = profileparse.get_registry()
    return {
        f"{name}{entry.item.suffix}": profileparse.dumps(doc, name)
        for name, entry in sorted(registry.formats.items())
        if entry.origin == "built-in" and name in _DOCUMENTED
    }


_DOCUMENTED = (
    "json", "jsonl", "csv", "markdown", "bibtex", "ris", "csl-json",
    "profile-dump", "inline-dump", "abstracts-dump",
)  # fmt: skip


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for name, text in samples().items():
        (OUT / name).write_text(text, encoding="utf-8", newline="")
        print("wrote", OUT / name)
