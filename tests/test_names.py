"""The inline layout's title/author boundary on names and title endings it has not seen."""

from __future__ import annotations

import itertools

import pytest
from profileparse.plugins.inline import split_glued

from profileparse.names import name_cost, parse_author_list

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
