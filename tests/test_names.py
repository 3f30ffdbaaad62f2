"""The inline layout's title/author boundary on names and title endings it has not seen."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import profileparse
from profileparse import names
from profileparse.glued import MARGIN, split_glued
from profileparse.names import name_cost, parse_author_list
from tests.render import load_records

NAMES = [
    "Yann LeCun",
    "David McAllester",
    "Jean-Baptiste Mouret",
    "Tie-Yan Liu",
    "J. R. R. Tolkien",
    "Laurens van der Maaten",
    "Martin Luther King Jr.",
    "Mausam",
    'Zhaoqin "Richie" Li',
    "Stéphane Chrétien",
    "Ross Girshick",
    "D'Arcy Thompson",
    "Hal Daumé III",
    "Fei-Fei Li",
    "Ludwig von Mises",
    "Andrew Y. Ng",
    "Seán Ó hÉigeartaigh",
    "Ngozi Okonjo-Iweala",
]
TITLES = [
    "Learning to Rank for IR",
    "Video Understanding in 4K",
    "Is Attention All You Need?",
    "Scaling Laws (Revisited)",
    'On the "Unreasonable Effectiveness"',
    "GPT-4",
    "Training with DeepSeek",
    "A Study of $\\mathcal{O}(n)$",
    "Vision, Language, and Action",
    "Faster R-CNN",
    "Neural Networks 2.0",
    "Towards AGI: Part I",
    "Reasoning in LLMs",
]


@pytest.mark.parametrize(("title", "name"), list(itertools.product(TITLES, NAMES)))
def test_boundary_for_unseen_names_and_title_endings(title: str, name: str) -> None:
    for others, et_al in [
        ([], False),
        (["Kaiyue Wen"], False),
        (["Kaiyue Wen", "Tengyu Ma"], True),
    ]:
        line = title + ", ".join([name, *others]) + (" et al." if et_al else "") + " · mit"
        split = split_glued(line)
        assert split.title == title
        assert split.authors.names == (name, *others)
        assert split.authors.et_al is et_al
        assert split.authors.affiliation == "mit"


@pytest.mark.parametrize(
    ("line", "title", "first"),
    [
        (
            "Finding Skill Neurons in Pre-trained Transformer-based Language ModelsXiaozhi Wang, "
            "Kaiyue Wen, Zhengyan Zhang et al. · tsinghua",
            "Finding Skill Neurons in Pre-trained Transformer-based Language Models",
            "Xiaozhi Wang",
        ),
        ("Learning to Rank for IRTie-Yan Liu", "Learning to Rank for IR", "Tie-Yan Liu"),
        (
            "Object Detection in 4KRoss Girshick, Kaiming He",
            "Object Detection in 4K",
            "Ross Girshick",
        ),
        ("Open Information ExtractionMausam", "Open Information Extraction", "Mausam"),
        (
            "Non-linearity, Sparsity, and Attention-Sink-Free"
            "Zihan Qiu, Zekun Wang, Bo Zheng et al.",
            "Non-linearity, Sparsity, and Attention-Sink-Free",
            "Zihan Qiu",
        ),
    ],
)
def test_known_hard_lines(line: str, title: str, first: str) -> None:
    split = split_glued(line)
    assert (split.title, split.authors.names[0]) == (title, first)


def test_author_list_with_et_al_and_affiliation() -> None:
    authors = parse_author_list("Jacob Mitchell Springer, Sachin Goyal, Kaiyue Wen et al. · cmu")
    assert authors.names == ("Jacob Mitchell Springer", "Sachin Goyal", "Kaiyue Wen")
    assert authors.et_al and authors.affiliation == "cmu"


def test_name_cost_orders_readings() -> None:
    assert name_cost("Tie-Yan Liu") < name_cost("Yan Liu") + 1
    assert name_cost("RTie-Yan Liu") > name_cost("Tie-Yan Liu") + 3
    assert name_cost("LMsKaiyue Wen") > name_cost("Kaiyue Wen") + 1
    assert name_cost("and Horses") > 3


def test_no_reading_keeps_the_title_and_reports_no_authors() -> None:
    split = split_glued("a title in lower case with no names")
    assert split.title == "a title in lower case with no names"
    assert split.authors.names == ()
    assert not split.confident


# -- the classes of names the first cost model missed (made-up names) -----------------

CLASS_TITLES = [
    "Sparse Mixtures for Retrieval",
    "Counting Objects in 4K Video",
    "Do Language Models Plan?",
    "Graph Neural Networks on the GPU",
]
CLASS_NAMES = {
    "marks": ["Jane Roe*", "Wei Zhang(†)", "Ana Lima†", "Tom Hardy1", "Olu Adeyemi‡", "Mia Berg¹"],
    "camel given, listed": ["JiHoon Park", "AliReza Karimi", "SeungWoo Lee", "HyeJin Choi"],
    "organisations": ["OmniBench Team", "Euclid Collaboration", "Team Hunyuan3D", "ACME"],
    "suffix after non-ASCII": ["Hélène Dupré III", "José Núñez Jr.", "Åsa Ström IV"],
    "no-break space": ["Ana\u00a0Lima", "Jean-Luc\u00a0Picard"],
}


@pytest.mark.parametrize(
    ("kind", "title", "name"),
    [(k, t, n) for k, names in CLASS_NAMES.items() for n in names for t in CLASS_TITLES],
)
def test_each_class_of_name_splits_right(kind: str, title: str, name: str) -> None:
    for authors in (
        [name, "Kaiyue Wen"],
        ["Kaiyue Wen", name],
        ["Ruth Okafor", "Kaiyue Wen", name],
    ):
        if authors[0] == name and kind == "camel given, listed":
            continue  # first, such a name can read as a camel-case title word: see below
        if authors[0] == name and name.isupper() and title[-1].isupper():
            continue  # "GPUACME" is GPU + ACME or GPUA + CME: no rule can tell
        line = title + ", ".join(authors) + " · mit"
        split = split_glued(line)
        assert (split.title, split.authors.names) == (title, tuple(authors)), line


@pytest.mark.parametrize("name", ["JiHoon Park", "AliReza Karimi", "SeungWoo Lee"])
def test_a_camel_given_name_first_after_a_word_or_an_acronym(name: str) -> None:
    for title in ("Planning with Language Models", "Segmentation of Organs in CT"):
        split = split_glued(f"{title}{name}, Kaiyue Wen")
        assert (split.title, split.authors.names[0]) == (title, name)


def test_an_uncertain_split_is_flagged_with_the_other_reading() -> None:
    # "…with MiniMax" + "Hana Kim", or "…with Mini" + "MaxHana Kim": both read as names.
    split = split_glued("Reasoning with MiniMaxHana Kim, Kaiyue Wen")
    assert not split.confident and split.other is not None
    doc = profileparse.parse(
        "CLJun 29, 2023\nReasoning with MiniMaxHana Kim, Kaiyue Wen\nAn abstract.\n"
    )
    (warning,) = [d for d in doc.diagnostics if d.code == "ambiguous-split"]
    assert warning.line == 2 and "could also be" in warning.message
    assert doc.ok  # a warning: the best reading is kept


def test_a_name_the_dump_shows_elsewhere_settles_an_uncertain_split() -> None:
    records = [
        ("Reasoning with MiniMaxHana Kim, Kaiyue Wen", "Reasoning with MiniMax"),
        (
            "Sparse Attention for Long ContextKaiyue Wen, Hana Kim",
            "Sparse Attention for Long Context",
        ),
    ]
    text = "".join(
        f"CLJun {i + 1}, 2023\n{line}\nAn abstract.\n" for i, (line, _) in enumerate(records)
    )
    doc = profileparse.parse(text)
    assert [p.title for p in doc.papers] == [title for _, title in records]
    assert doc.papers[0].authors == ("Hana Kim", "Kaiyue Wen")
    assert not [d for d in doc.diagnostics if d.code == "ambiguous-split"]


@settings(max_examples=3000, deadline=None)
@given(
    st.text(alphabet="AbcZé,.-'’\"([)]1*†·", min_size=1, max_size=9),
    st.integers(min_value=2, max_value=6),
    st.sampled_from([2.0, 1.2, 0.3]),
)
def test_a_word_ruled_out_by_its_comma_is_one_the_rules_rule_out(
    token: str, count: int, camel: float
) -> None:
    """``name_cost`` skips scoring a name with such a word before its last: the rules
    must find that word impossible at every earlier position too."""
    if names._comma_inside(token):
        for position in range(count - 1):
            assert names._word_cost(token, position == 0, False, camel) == names.INVALID


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="AbcZé -'’.\"()1*†,ÓhMcLeTeam", min_size=1, max_size=30),
        st.sampled_from(
            [
                "Laurens van der Maaten",
                "Question AnsweringNing Lan",
                "LMsChun-Hsiao Yeh",
                "David R. Mortensen",
                "BAAI RoboBrain Team",
                "Channel Coding with Codebook DiversityJoseph Rowan",
            ]
        ),
    ),
    st.floats(min_value=0.0, max_value=12.0),
)
def test_name_cost_below_a_limit_is_the_cost_or_at_least_the_limit(name: str, limit: float) -> None:
    full = names.glued_name_cost(name)
    below = names.name_cost_below(name, limit)
    if full < limit:
        assert below == full
    else:
        assert below >= limit


def _exhaustive(line: str, known: frozenset[str]) -> list[tuple[float, int, int, str, str]]:
    """Every reading ``split_glued`` weighs, scored in full: (cost, trailing names, where
    the first name starts, title, first name), best first (the search's own order)."""
    from profileparse import glued

    text, et_al, _ = names.split_author_tail(line.strip())
    pieces = text.split(",")
    readings = []
    # How many of the last pieces are shaped like names, counted from the end: a reading
    # that leaves two of them in its title wins only when no other finds a name.
    shaped = 0
    while shaped < min(len(pieces) - 1, 2) and (
        name_cost(pieces[-1 - shaped].strip(), listed=True) < names.NAME_LIKE
    ):
        shaped += 1
    for trailing in range(min(len(pieces) - 1, 2) + 1):
        tail = [p.strip() for p in pieces[len(pieces) - trailing :]]
        end = len(",".join(pieces[: len(pieces) - trailing]).rstrip())
        count = {True: (4.0, 4.0, 0.0), False: (0.6, 0.3, 0.0)}[et_al][trailing]
        base = sum(name_cost(name, listed=True) for name in tail) + count
        floor = max(text.rfind(",", 0, end) + 1, end - names.MAX_NAME)
        for i in glued._candidates(text, floor, end):
            head, title = text[i:end].strip(), text[:i].rstrip()
            if i >= end or not title or name_cost(head) == names.INVALID or base == names.INVALID:
                continue
            cost = names.glued_name_cost(head) + (base + glued._title_end_cost(title))
            if known and " ".join(head.split()) in known:
                cost = max(cost - glued.KNOWN_NAME, 0.0)
            readings.append((cost, trailing, i, title, head))
    readings.sort()
    structural = [r for r in readings if r[1] + 2 > shaped]
    if structural:  # (the best of them wins; the others stay in order after it)
        readings.remove(structural[0])
        readings.insert(0, structural[0])
    return readings


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_the_split_stops_scoring_only_readings_that_cannot_matter(data: st.DataObject) -> None:
    """The search scores the cheapest readings first and stops scoring one that cannot
    come within MARGIN of the best: it finds what scoring every reading in full finds
    (the best; whether it is confident; the next best when it is not)."""
    record = data.draw(st.sampled_from(load_records(300)))
    authors = record["authors"][:3]
    line = record["title"] + ", ".join(authors) + (" et al." if len(record["authors"]) > 3 else "")
    cut = data.draw(st.integers(min_value=0, max_value=len(line)))
    line = data.draw(
        st.sampled_from([line, line[:cut] + data.draw(st.sampled_from(" ,-'.AéT")) + line[cut:]])
    )
    known = frozenset(data.draw(st.lists(st.sampled_from([*authors, "Wei Wang"]), max_size=2)))
    for names_known in (frozenset(), known):
        split = split_glued(line, names_known)
        readings = _exhaustive(line, names_known)
        if not readings:
            assert split.cost == names.INVALID and not split.authors.names
            continue
        cost, _, _, title, first = readings[0]
        assert (split.cost, split.title, split.authors.names[0]) == (cost, title, first)
        runner_up = readings[1][0] if len(readings) > 1 else names.INVALID
        confident = cost < 6.0 and runner_up - cost >= MARGIN
        assert split.confident == confident
        if not confident:
            assert split.runner_up == runner_up
            assert split.other == ((readings[1][3], readings[1][4]) if len(readings) > 1 else None)
