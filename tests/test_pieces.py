"""parse_file reads a big file a piece at a time and gives the document the whole text
gives; anything the pieces cannot promise that for goes the whole-text way."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import profileparse
from profileparse import pieces
from tests.render import RENDERERS, Variations, load_records

LAYOUTS = ["profile", "inline", "abstracts"]


def _dump(layout: str, seed: int, variations: Variations | None = None) -> str:
    rng = random.Random(seed)
    records = load_records(300)
    return RENDERERS[layout](records, rng, variations or Variations.random(rng)).text


def _both(path: Path, monkeypatch: pytest.MonkeyPatch, **options: object) -> bool:
    """Parse ``path`` in small pieces and whole; True when the pieces were used."""
    used = []
    real = pieces._in_pieces

    def spy(*args: object) -> profileparse.Document | None:
        used.append(document := real(*args))  # type: ignore[arg-type]
        return document

    with monkeypatch.context() as m:
        m.setattr(pieces, "PIECE_BYTES", 3000)  # many pieces
        m.setattr(pieces, "_in_pieces", spy)
        in_pieces = profileparse.parse_file(path, **options)  # type: ignore[arg-type]
    with monkeypatch.context() as m:
        m.setattr(pieces, "PIECE_BYTES", 1 << 40)
        whole = profileparse.parse_file(path, **options)  # type: ignore[arg-type]
    assert in_pieces == whole
    return bool(used) and used[0] is not None


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_big_dump_in_pieces_is_the_dump(
    layout: str, seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.txt"
    path.write_text(_dump(layout, seed), encoding="utf-8", newline="")
    assert _both(path, monkeypatch)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_damaged_records_across_pieces_are_reported_alike(
    layout: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(7)
    lines = _dump(layout, 1).split("\n")
    damage = ["junk", "  Abstract : x", ""]
    if layout != "abstracts":  # (meta lines there would start dumps of records)
        damage += ["CLFeb 30, 2023", "CLJun 31 2023Cod", "CLJun 29, 2023Code"]
    for _ in range(40):
        lines.insert(rng.randrange(len(lines)), rng.choice(damage))
    path = tmp_path / "damaged.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert _both(path, monkeypatch)
    assert _both(path, monkeypatch, layout=layout, reference_year=2024)


def test_the_inline_second_look_sees_the_whole_dump(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The inline layout re-splits uncertain titles with names shown anywhere in the
    dump (Layout.revise), so a name in one piece helps a split in another."""
    path = tmp_path / "inline.txt"
    path.write_text(_dump("inline", 2, Variations()), encoding="utf-8")
    assert _both(path, monkeypatch)


def _glued_inside(dump: str, line: str) -> str:
    """``line`` glued to the end of the first abstract line after 100,000 characters."""
    at = dump.index("\n\n", dump.index("\nCL", 100_000) + 1)  # its title's end
    at = dump.index("\n\n", at + 2)  # its authors' end
    at = dump.index("\n", at + 2)  # its abstract's end
    return dump[:at] + line + dump[at:]


def test_what_pieces_cannot_promise_goes_the_whole_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile, abstracts = _dump("profile", 3, Variations()), _dump("abstracts", 3, Variations())
    cases = {
        "several dumps": (profile + abstracts).encode("utf-8"),
        "bad bytes": profile.encode("utf-8") + b"\nAbstract:caf\xe9\n",
        "BOMs where pieces start": "".join(
            f"\ufeff{line}\n" for line in abstracts.split("\n")
        ).encode("utf-8"),
        "UTF-16": profile.encode("utf-16"),
        "no layout": ("plain words\n" * 20000).encode("utf-8"),
    }
    for name, data in cases.items():
        path = tmp_path / f"{name}.txt"
        path.write_bytes(data)
        assert not _both(path, monkeypatch), name
    blank = tmp_path / "blank.txt"
    blank.write_text("\n" * 100_000, encoding="utf-8")
    assert not _both(blank, monkeypatch, layout="abstracts")


def test_a_dump_glued_mid_line_in_a_regular_piece_goes_the_whole_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A one-line abstracts dump glued to an abstract far into a profile dump leaves
    every record regular; the piece it is in still sees it (not only the next piece's
    look back at its end)."""
    path = tmp_path / "glued.txt"
    profile = _dump("profile", 3, Variations())
    text = _glued_inside(profile, "Abstract:We study parsing.")
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(pieces, "TAIL_CHARS", 100)
    assert not _both(path, monkeypatch)
    (several,) = [d for d in profileparse.parse_file(path).diagnostics if d.code == "several-dumps"]
    assert several.line == text[: text.index("Abstract:We study")].count("\n") + 1 > 500


def test_strict_raises_the_whole_text_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _dump("profile", 4, Variations()).replace("Code\n", "Cod\n", 1)
    path = tmp_path / "strict.txt"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(pieces, "PIECE_BYTES", 3000)
    with pytest.raises(profileparse.ParseError) as raised:
        profileparse.parse_file(path, strict=True)
    assert raised.value.line > 1 and raised.value.text


def test_a_bom_and_crlf_line_ends_read_in_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "windows.txt"
    text = _dump("profile", 5, Variations(crlf=True, bom=True, trailing_spaces=True))
    path.write_bytes(text.encode("utf-8"))
    assert _both(path, monkeypatch)
