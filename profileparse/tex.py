"""Inline TeX math in titles, as the site shows it (``Learning From $D$ Tasks``): where it
is, and how it reads as CSL rich text.

BibTeX keeps the math as written and a citation processor reading BibTeX typesets it;
CSL-JSON has no math, only a little HTML-like markup (``<i>``, ``<b>``, ``<sup>``,
``<sub>``, ``<span class="nocase">``) that processors read in its strings.
:func:`csl_rich_text` writes the math with that markup, so both exports show ``D`` with
a superscript ``T`` for ``$D^{T}$``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

__all__ = ["csl_rich_text", "split_math"]

# Inline math as TeX writers use it: no space just inside the dollars, no digit right
# after the closing one (so "costs $5 and $10" is text, "$x_1$" is math).
_MATH = re.compile(r"(\$(?=[^\s$])(?:[^$\n\\]|\\.)*?(?<=[^\s\\])\$(?![0-9]))")


def _balanced(segment: str) -> bool:
    depth = 0
    for c in segment:
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


def split_math(text: str) -> Iterator[tuple[str, bool]]:
    """The text in order as ``(segment, is_math)``: a math segment is ``$...$`` with its
    dollars and balanced braces; everything else is text (empty segments are left out)."""
    for part in _MATH.split(text):
        if part:
            math = len(part) > 2 and part[0] == part[-1] == "$" and _balanced(part)
            yield part, math


# What the commands a title's math uses most look like in text.
_GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi "
    "rho sigma tau upsilon phi chi psi omega"
)
_CAPITALS = "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"


def _letter(name: str) -> str:
    case = "CAPITAL" if name[0].isupper() else "SMALL"
    return unicodedata.lookup(f"GREEK {case} LETTER {name.upper().replace('LAMBDA', 'LAMDA')}")


_SYMBOLS = {
    **{name: _letter(name) for name in (*_GREEK.split(" "), *_CAPITALS.split(" "))},
    "varsigma": "ς",
    "epsilon": "ϵ",
    "varepsilon": "ε",
    "vartheta": "ϑ",
    "phi": "ϕ",
    "varphi": "φ",
    "varrho": "ϱ",
    "ell": "ℓ",
    "infty": "∞",
    "times": "×",
    "cdot": "⋅",
    "cdots": "⋯",
    "ldots": "…",
    "dots": "…",
    "pm": "±",
    "mp": "∓",
    "leq": "≤",
    "le": "≤",
    "geq": "≥",
    "ge": "≥",
    "neq": "≠",
    "ne": "≠",
    "approx": "≈",
    "sim": "∼",
    "propto": "∝",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "Rightarrow": "⇒",
    "mapsto": "↦",
    "in": "∈",
    "notin": "∉",
    "subset": "⊂",
    "subseteq": "⊆",
    "cup": "∪",
    "cap": "∩",
    "forall": "∀",
    "exists": "∃",
    "partial": "∂",
    "nabla": "∇",
    "sum": "∑",
    "prod": "∏",
    "int": "∫",
    "quad": " ",
    "qquad": "  ",
}
# Named operators: upright, set off from the letters around them.
_OPERATORS = frozenset({"log", "ln", "exp", "max", "min", "sin", "cos", "tan", "lim", "det"})
# Characters TeX sets with space on both sides (relations and binary operators).
_SPACED = frozenset("=<>+−×⋅±∓≤≥≠≈∼∝→←⇒↦∈∉⊂⊆∪∩")
_PLAIN = {"-": "−", "'": "′", "*": "∗"}
# Commands whose argument is upright text (its letters not in italics), or bold.
_UPRIGHT = frozenset({"mathrm", "text", "textrm", "mathsf", "mathtt", "operatorname", "mbox"})
_BOLD = frozenset({"mathbf", "textbf", "boldsymbol", "bm"})
_ITALIC = frozenset({"mathit", "textit", "mathnormal"})
# Letter styles Unicode has alphabets for: the Unicode name of a styled capital, then the
# older name the few letters that were in Unicode first go by (script B is ℬ).
_ALPHABETS = {
    "mathcal": ("MATHEMATICAL SCRIPT CAPITAL", "SCRIPT CAPITAL"),
    "mathscr": ("MATHEMATICAL SCRIPT CAPITAL", "SCRIPT CAPITAL"),
    "mathbb": ("MATHEMATICAL DOUBLE-STRUCK CAPITAL", "DOUBLE-STRUCK CAPITAL"),
    "mathfrak": ("MATHEMATICAL FRAKTUR CAPITAL", "BLACK-LETTER CAPITAL"),
}
_SPACES = {",": " ", ";": " ", ":": " ", " ": " ", "!": ""}
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|[{}^_]|[^\\{}^_\s]")


def _styled(letters: str, names: tuple[str, str]) -> str:
    out = []
    for c in letters:
        for name in names:
            try:
                out.append(unicodedata.lookup(f"{name} {c}") if c.isupper() else c)
                break
            except KeyError:
                continue
        else:
            out.append(c)
    return "".join(out)


def _grouped(markup: str) -> str:
    """A fraction's or root's part, in parentheses unless it is one character."""
    return markup if len(re.sub(r"<[^>]*>", "", markup)) == 1 else f"({markup})"


class _Reader:
    """Reads one math segment's tokens into CSL markup, a group at a time."""

    def __init__(self, math: str) -> None:
        self.tokens: list[str] = [t for t in _TOKEN.findall(math) if not t.isspace()]  # as TeX does
        self.at = 0

    def group(self, italic: bool) -> str:
        """Everything up to the ``}`` that closes the current group (or the end)."""
        out = []
        while self.at < len(self.tokens) and self.tokens[self.at] != "}":
            out.append(self.item(italic))
        self.at += 1  # the closing brace
        return "".join(out)

    def argument(self, italic: bool) -> str:
        """The next ``{group}``, or the next single item."""
        if self.at >= len(self.tokens):
            return ""
        if self.tokens[self.at] == "{":
            self.at += 1
            return self.group(italic)
        return self.item(italic)

    def item(self, italic: bool) -> str:
        token = self.tokens[self.at]
        self.at += 1
        if token == "{":
            return self.group(italic)
        if token in ("^", "_"):
            tag = "sup" if token == "^" else "sub"
            return f"<{tag}>{self.argument(italic)}</{tag}>"
        if token.startswith("\\") and len(token) > 1:
            return self.command(token[1:], italic)
        token = _PLAIN.get(token, token)
        if token in _SPACED:
            return f" {token} "
        if token == ",":
            return ", "
        if italic and token.isascii() and token.isalpha():
            return f"<i>{token}</i>"
        return token

    def command(self, name: str, italic: bool) -> str:
        if name in _UPRIGHT:
            return self.argument(False)
        if name in _BOLD:
            return f"<b>{self.argument(False)}</b>"
        if name in _ITALIC:
            return self.argument(True)
        if name in _ALPHABETS:
            return _styled(self.argument(False), _ALPHABETS[name])
        if name == "frac":
            numerator = self.argument(italic)
            return f"{_grouped(numerator)}/{_grouped(self.argument(italic))}"
        if name == "sqrt":
            return "√" + _grouped(self.argument(italic))
        if name in _OPERATORS:
            follows = self.at < len(self.tokens) and self.tokens[self.at] not in "(^_"
            return f" {name} " if follows else f" {name}"
        if name in _SPACES:
            return _SPACES[name]
        if len(name) == 1:  # an escaped character: \{ \$ \%
            return name
        shown = _SYMBOLS.get(name, "\\" + name)
        if shown in _SPACED:
            return f" {shown} "
        greek = len(shown) == 1 and "\u03b1" <= shown <= "\u03f5"
        return f"<i>{shown}</i>" if italic and greek else shown


def _math_markup(math: str) -> str:
    reader = _Reader(math[1:-1])
    out = []
    while reader.at < len(reader.tokens):
        out.append(reader.item(True))
    markup = re.sub(r" {2,}", " ", "".join(out).replace("</i><i>", "")).strip()
    markup = re.sub(r"\( ", "(", re.sub(r"<(su[bp])> ", r"<\1>", markup))
    # Kept as written by a style that changes a title's case ("Nocase" in CSL's terms).
    return f'<span class="nocase">{markup}</span>'


def csl_rich_text(text: str) -> str:
    """``text`` with its inline TeX math written as CSL rich text: letters in italics,
    ``^`` and ``_`` as ``<sup>``/``<sub>``, common commands as the characters they show
    (``\\alpha`` is the Greek letter, ``\\mathbb{R}`` the double-struck R), braces
    dropped, each formula in a ``nocase`` span so a style's title case leaves it alone.
    A command it does not know is kept as written. Outside ``$...$`` the text is as it
    is but for TeX's dashes, which show as TeX shows them: ``--`` as an en dash and
    ``---`` as an em dash."""
    return "".join(
        _math_markup(segment) if math else _dashes(segment) for segment, math in split_math(text)
    )


def _dashes(text: str) -> str:
    return text.replace("---", "\u2014").replace("--", "\u2013")
