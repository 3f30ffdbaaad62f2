"""iter_papers: the same papers and diagnostics as parse_file, read incrementally."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

import profileparse
from profileparse import streaming
from tests.render import RENDERERS, Variations, load_records


def _same(path: Path, **kw: object) -> None:
    whole = profileparse.parse_file(path, **kw)  # type: ignore[arg-type]
    stream = profileparse.iter_papers(path, **kw)  # type: ignore[arg-type]
    papers = list(stream)
    assert stream.layout == whole.layout
    assert stream.profile == whole.profile
    assert papers == list(whole.papers)
    assert sorted(stream.diagnostics, key=lambda d: (d.line, d.code)) == sorted(
        whole.diagnostics, key=lambda d: (d.line, d.code)
    )


def test_seeds_stream_like_they_parse(seeds: list[Path]) -> None:
    for path in seeds:
        _same(path)


@pytest.mark.parametrize("layout", ["profile", "inline", "abstracts"])
def test_chunk_boundaries_do_not_change_anything(
    layout: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = load_records(400)
    text = RENDERERS[layout](records, random.Random(3), Variations(extra_blank_lines=True)).text
    path = tmp_path / "dump.txt"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(streaming, "CHUNK_BYTES", 3000)  # many chunks
    _same(path)


def test_damaged_dump_streams_its_diagnostics(
    seeds: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = seeds[0].read_text(encoding="utf-8").replace("LGSep 7, 2024", "LGSep 7 2024x")
    text = text.replace("Tianwen Wei, Jianwei Qi, Shenghuan He et al.", "")
    path = tmp_path / "damaged.txt"
    path.write_bytes(text.encode("utf-8") + "\nAbstract:caf\xe9".encode("latin-1"))
    monkeypatch.setattr(streaming, "CHUNK_BYTES", 2000)
    _same(path)


def test_profile_is_known_before_the_first_paper(seeds: list[Path]) -> None:
    stream = profileparse.iter_papers(seeds[0])
    first = next(stream)
    assert stream.profile is not None and stream.profile.name == "Tianwen Wei"
    assert first.title is not None and first.title.startswith("CMATH")


def test_open_files_and_utf16(seeds: list[Path], tmp_path: Path) -> None:
    want = profileparse.parse_file(seeds[2]).papers
    with seeds[2].open("rb") as f:
        assert tuple(profileparse.iter_papers(f)) == want
    with seeds[2].open(encoding="utf-8") as f:
        assert tuple(profileparse.iter_papers(f)) == want
    utf16 = tmp_path / "u16.txt"
    utf16.write_bytes(seeds[2].read_text(encoding="utf-8").encode("utf-16"))
    assert tuple(profileparse.iter_papers(utf16)) == want
    (only,) = profileparse.iter_papers(io.BytesIO(b"Abstract: x\n"))
    assert only.abstract == "x"
