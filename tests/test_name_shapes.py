"""Title/author boundaries decided by the shape of names and the structure of the line:
a comma-separated run of names stays an author list, apostrophe accents, names of many
parts, and title ends where a name is glued to an acronym's plural. The names are
made up; each line is one the inline layout shows."""

from __future__ import annotations

import pytest

import profileparse
from profileparse.glued import split_glued

ABSTRACT = (
    "We study how well a small model reads names and titles from glued text, with "
    "experiments on three sets of records and a discussion of what goes wrong and why."
)

# -- a run of name-shaped pieces after the first author stays in the author list ------

RUN_LINES = [
    ("Robust Text Generation", ["Amir H Khan", "A B M Rahman Sarker", "Abu-Al-Hasan"]),
    ("Robust Text Generation", ["Amir", "A B M Rahman Sarker", "Abu-Al-Hasan"]),
    ("Bangla OCR", ["Amir H Khan", "A B M Rahman Sarker", "Abu-Al-Hasan"]),
    ("Robust Text Generation", ["Amir Khan", "A B M Rahman", "Abu-Al-Hasan"]),
    ("Towards Fair Retrieval", ["Sadia Islam", "S M Rahman", "Abu-al-Hasan"]),
]


@pytest.mark.parametrize(("title", "authors"), RUN_LINES)
def test_a_run_of_names_is_never_read_into_the_title(title: str, authors: list[str]) -> None:
    for suffix, et_al in [("", False), (" et al. · buet", True)]:
        split = split_glued(title + ", ".join(authors) + suffix)
        assert (split.title, split.authors.names, split.authors.et_al) == (
            title,
            tuple(authors),
            et_al,
        )


def test_a_title_that_lists_words_keeps_them() -> None:
    """Pieces of a title's own list ("…, Deletions, and Substitutions") are not names."""
    title = "Coding for Channels with Insertions, Deletions, and Substitutions"
    split = split_glued(title + "Ana Lee")
    assert (split.title, split.authors.names) == (title, ("Ana Lee",))
    assert split.confident


def test_a_run_of_names_in_an_inline_dump() -> None:
    lines = [
        "Robust Text GenerationAmir H Khan, A B M Rahman Sarker, Abu-Al-Hasan",
        "Bangla Text GenerationAmir Khan, A B M Rahman, Abu-Al-Hasan",
    ]
    text = "".join(f"CLJun {i + 2}, 2024\n{line}\n{ABSTRACT}\n" for i, line in enumerate(lines))
    doc = profileparse.parse(text)
    assert [(p.title, p.authors) for p in doc.papers] == [
        ("Robust Text Generation", ("Amir H Khan", "A B M Rahman Sarker", "Abu-Al-Hasan")),
        ("Bangla Text Generation", ("Amir Khan", "A B M Rahman", "Abu-Al-Hasan")),
    ]
    # The first reads as names only at a cost (an initial without its dot in the first
    # name, where a boundary may hide): flagged. The second is sure: initials without
    # dots are ordinary between commas.
    assert [d.line for d in doc.diagnostics if d.code == "ambiguous-split"] == [2]
    assert doc.ok


# -- an accent written as an apostrophe ------------------------------------------------

APOSTROPHE_NAMES = ["Nicolo' Rossi", "Niccolo' Bianchi", "Nicolo’ Ferri", "Andrea Nicolo' Conti"]


@pytest.mark.parametrize("name", APOSTROPHE_NAMES)
def test_an_apostrophe_accent_reads_as_a_name_in_an_inline_line(name: str) -> None:
    title = "Learning to Rank Documents"
    for authors in ([name], [name, "Ana Lee"], ["Ana Lee", name], ["Ana Lee", "Bo Wu", name]):
        split = split_glued(title + ", ".join(authors))
        assert (split.title, split.authors.names) == (title, tuple(authors))
        assert split.confident


def test_an_apostrophe_accent_in_an_inline_dump() -> None:
    inline = (
        f"CLJun 2, 2024\nLearning to Rank DocumentsNicolo' Rossi, Ana Lee\n{ABSTRACT}\n"
        f"CLJun 3, 2024\nSparse RetrievalNiccolo' Bianchi\n{ABSTRACT}\n"
    )
    doc = profileparse.parse(inline)
    assert doc.layout == "inline"
    assert [(p.title, p.authors) for p in doc.papers] == [
        ("Learning to Rank Documents", ("Nicolo' Rossi", "Ana Lee")),
        ("Sparse Retrieval", ("Niccolo' Bianchi",)),
    ]
    assert not doc.diagnostics


def test_an_apostrophe_accent_in_a_profile_author_line() -> None:
    """A profile record that lost its title line: its author line is told from a title
    by reading as names, so "Niccolo' Bianchi" must."""
    profile = (
        "Ana Lee\n\nCV\nh-index3\n2papers\n12citations\n\n2 Papers\n\n"
        f"CLJun 2, 2024Code\nLearning to Rank Documents\n\nNicolo' Rossi, Ana Lee\n\n{ABSTRACT}\n\n"
        f"CLJun 3, 2024Code\nNiccolo' Bianchi\n\n{ABSTRACT}\n"
    )
    doc = profileparse.parse(profile)
    assert doc.layout == "profile"
    assert [(p.title, p.authors) for p in doc.papers] == [
        ("Learning to Rank Documents", ("Nicolo' Rossi", "Ana Lee")),
        (None, ("Niccolo' Bianchi",)),
    ]
    assert [d.code for d in doc.diagnostics] == ["missing-title"]


# -- family names of several hyphenated parts ------------------------------------------

MULTI_PART = [
    "Mohammad Abu-Al-Hasan",
    "Abu-Al-Hasan",
    "Omar Abu-al-Hasan",
    "Lena Müller-Lüdenscheidt-Graf",
]


@pytest.mark.parametrize("name", MULTI_PART)
def test_a_family_name_of_several_hyphenated_parts(name: str) -> None:
    title = "Graph Networks for Chemistry"
    for authors in ([name, "Ana Lee"], ["Ana Lee", name], ["Ana Lee", "Bo Wu", name]):
        split = split_glued(title + ", ".join(authors))
        assert (split.title, split.authors.names) == (title, tuple(authors))


# -- a camel-case given name after an acronym's plural; a product name's end -----------


@pytest.mark.parametrize("name", ["MinJun Park", "JiHoon Kim", "AliReza Karimi"])
def test_a_camel_given_name_after_an_acronym_plural(name: str) -> None:
    """Before "LLMs" a title word is complete, so "LLMsMin" + "Jun Park" is the
    unlikely reading."""
    title = "Measuring Bias in LLMs"
    for others in (["Ana Lee"], ["Ana Lee", "Bo Wu"]):
        split = split_glued(title + ", ".join([name, *others]))
        assert (split.title, split.authors.names) == (title, (name, *others))
        assert split.confident


PRODUCT_LINES = [
    ("Scaling DataBench", ["Sean Lee", "Ana Kim"]),
    ("Agents on MiniMax", ["Hana Kim", "Bo Wu"]),
    ("Evaluating OmniGen", ["Lee Park", "Ana Kim", "Bo Wu"]),
    ("Tuning LongCat", ["Kai Chen", "Ana Kim"]),
]


@pytest.mark.parametrize(("title", "authors"), PRODUCT_LINES)
def test_a_product_name_at_the_title_end_is_read_right_or_flagged(
    title: str, authors: list[str]
) -> None:
    """ "DataBench" + "Sean Lee" or "Data" + "BenchSean Lee": the shape cannot tell. A
    wrong reading must carry the warning that shows the other one, never be silent."""
    line = title + ", ".join(authors)
    doc = profileparse.parse(f"CLJun 2, 2024\n{line}\n{ABSTRACT}\n")
    (paper,) = doc.papers
    warnings = [d for d in doc.diagnostics if d.code == "ambiguous-split"]
    if (paper.title, paper.authors) != (title, tuple(authors)):
        (warning,) = warnings
        assert title[-12:] in warning.message
