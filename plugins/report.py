"""The ``report`` format: one self-contained HTML page to look at a profile.

For each dump: a card with the site's metrics and the paper-count check, charts (papers
per year by category, categories, frequent co-authors, scores of recent papers, the
share with code per year), a table of every paper that sorts and filters (abstracts
expand), and the dump's diagnostics. Several dumps get a comparison first. Charts are
Plotly figures with plotly.js inlined once, so the page opens from disk, offline, and
no request leaves it; the table and every chart's description read without JavaScript.
Needs the ``report`` extra (plotly).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from profileparse.errors import MissingExtraError
from profileparse.formats import Format
from profileparse.hookspecs import hookimpl
from profileparse.model import Document, Paper
from profileparse.snapshots import moment, taken_at
from profileparse.snapshots import shown as day

INSTALL = "pip install 'profileparse[report]'"
RECENT = "recent"  # the year shown for dates the site gives without one
_BARS = "▁▂▃▄▅▆▇█"


def _escape(text: str) -> str:
    # html is imported here: every command loads the format plugins, few write a report.
    import html

    return html.escape(text)


class MissingReportDependencyError(MissingExtraError, RuntimeError):
    """The report needs plotly (the ``report`` extra)."""


def _plotly() -> Any:
    try:
        import plotly.graph_objects as go
    except ImportError:
        raise MissingReportDependencyError(f"the report needs plotly: {INSTALL}") from None
    return go


def _year(paper: Paper, reference_year: int | None) -> str | None:
    if paper.date is None:
        return None
    year = paper.date.year if paper.date.year is not None else reference_year
    return str(year) if year is not None else RECENT


def _years(papers: Iterable[Paper], reference_year: int | None) -> list[str]:
    years = {y for p in papers if (y := _year(p, reference_year)) is not None}
    return sorted(years, key=lambda y: (y == RECENT, y))


def _owner(document: Document) -> str | None:
    """The profile's name, or the owner the corpus infers for a header-less dump."""
    from profileparse.corpus.owners import infer_owner

    if document.profile is not None and document.profile.name:
        return document.profile.name
    inferred = infer_owner(document.papers)
    return inferred[0] if inferred else None


def _title(document: Document) -> str:
    owner = _owner(document)
    name = (document.source or "dump").replace("\\", "/").rsplit("/", 1)[-1]
    if document.profile is not None and document.profile.name:
        return document.profile.name
    return f"{name} ({owner}'s papers?)" if owner else name


class _Charts:
    """Plotly figures as HTML fragments, numbered so each has its own id."""

    def __init__(self) -> None:
        self.count = 0

    def figure(self, fig: Any, title: str, description: str) -> str:
        self.count += 1
        fig.update_layout(
            title={"text": title},
            margin={"l": 50, "r": 20, "t": 50, "b": 50},
            template="plotly_white",
        )
        body = fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=f"chart-{self.count}",
            default_width="100%",
            default_height="320px",
            config={"displaylogo": False, "responsive": True},
        )
        return (
            f'<figure class="chart" aria-describedby="chart-{self.count}-text">{body}'
            f'<figcaption id="chart-{self.count}-text">{_escape(description)}</figcaption>'
            "</figure>"
        )


def _charts(document: Document, charts: _Charts, reference_year: int | None) -> list[str]:
    go = _plotly()
    papers = [p for p in document.papers if p.title or p.date]
    out: list[str] = []
    years = _years(papers, reference_year)
    if years:
        fig = go.Figure()
        categories = sorted({p.category or "?" for p in papers})
        for category in categories:
            counts = Counter(
                _year(p, reference_year) for p in papers if (p.category or "?") == category
            )
            fig.add_bar(name=category, x=years, y=[counts.get(y, 0) for y in years])
        fig.update_layout(
            barmode="stack",
            xaxis={"type": "category"},
            legend={"orientation": "h", "y": -0.18, "title": {"text": "category"}},
        )
        per_year = Counter(_year(p, reference_year) for p in papers)
        busiest = max(years, key=lambda y: per_year.get(y, 0))
        out.append(
            charts.figure(
                fig,
                "Papers per year, by category",
                f"{len(papers)} dated papers from {years[0]} to {years[-1]}; the most "
                f"({per_year[busiest]}) in {busiest}. "
                + (
                    f"Dates shown without a year are placed in {reference_year}."
                    if reference_year
                    else f"Dates shown without a year (the newest papers) count as {RECENT}."
                ),
            )
        )
    categories_count = Counter(p.category for p in papers if p.category)
    if categories_count:
        names, values = zip(*categories_count.most_common(), strict=True)
        fig = go.Figure(go.Bar(x=list(names), y=list(values)))
        out.append(
            charts.figure(
                fig,
                "Categories",
                "Papers per arXiv category: "
                + ", ".join(f"{n} {v}" for n, v in categories_count.most_common()),
            )
        )
    owner = _owner(document)
    coauthors = Counter(n for p in papers for n in p.authors if n != owner)
    if coauthors:
        top = coauthors.most_common(10)[::-1]
        fig = go.Figure(go.Bar(x=[c for _, c in top], y=[n for n, _ in top], orientation="h"))
        out.append(
            charts.figure(
                fig,
                "Most frequent co-authors",
                "Among the authors shown (the site shows at most three a paper): "
                + ", ".join(f"{n} ({c})" for n, c in coauthors.most_common(5)),
            )
        )
    scores = [p.score for p in papers if p.score is not None]
    if scores:
        fig = go.Figure(go.Histogram(x=scores, xbins={"start": 0, "end": 100, "size": 10}))
        fig.update_layout(xaxis={"range": [0, 100], "title": "score"}, bargap=0.05)
        out.append(
            charts.figure(
                fig,
                "Scores of recent papers",
                f"{len(scores)} papers carry a score, from {min(scores):g} to {max(scores):g} "
                f"(median {sorted(scores)[len(scores) // 2]:g}).",
            )
        )
    if years:
        share = []
        for year in years:
            those = [p for p in papers if _year(p, reference_year) == year]
            share.append(round(100 * sum(p.has_code for p in those) / len(those), 1))
        fig = go.Figure(go.Scatter(x=years, y=share, mode="lines+markers"))
        fig.update_layout(yaxis={"range": [0, 100], "title": "% with code"})
        fig.update_layout(xaxis={"type": "category"})
        overall = round(100 * sum(p.has_code for p in papers) / len(papers))
        out.append(
            charts.figure(
                fig,
                "Papers with code",
                f"{overall}% of the papers link code; per year: "
                + ", ".join(f"{y} {s:g}%" for y, s in zip(years, share, strict=True)),
            )
        )
    return out


def _card(document: Document) -> str:
    profile = document.profile
    if profile is None:
        return ""
    metrics = [
        ("category", profile.category),
        ("h-index", profile.h_index),
        ("papers", profile.paper_count),
        ("citations", f"{profile.citations:,}" if profile.citations is not None else None),
        ("novelty", f"{profile.novelty}%" if profile.novelty is not None else None),
        ("AI score", profile.ai_score),
    ]
    cells = "".join(
        f"<div class=metric><span>{_escape(label)}</span><b>{_escape(str(v))}</b></div>"
        for label, v in metrics
        if v is not None
    )
    listed, shown = profile.listed_papers, len(document.papers)
    if listed is None:
        check = f"{shown} paper records"
    elif listed == shown:
        check = f"the page lists {listed} papers and all {shown} are here"
    else:
        check = f"the page lists {listed} papers but {shown} records are here"
    return f'<div class="card">{cells}</div><p class="check">{_escape(check)}</p>'


def _table(document: Document, reference_year: int | None) -> str:
    rows = []
    for paper in document.papers:
        when = paper.date.as_shown() if paper.date is not None else ""
        year = _year(paper, reference_year) or ""
        abstract = (
            f"<details><summary>abstract</summary>{_escape(paper.abstract)}</details>"
            if paper.abstract
            else ""
        )
        authors = ", ".join(paper.authors) + (" et al." if paper.et_al else "")
        rows.append(
            f'<tr><td data-sort="{_escape(year)}">{_escape(when)}</td>'
            f"<td>{_escape(paper.category or '')}</td>"
            f"<td>{_escape(paper.title or '(no title)')}{abstract}</td>"
            f"<td>{_escape(authors)}</td><td>{'yes' if paper.has_code else ''}</td>"
            f"<td>{'' if paper.score is None else f'{paper.score:g}'}</td></tr>"
        )
    head = "".join(
        f"<th scope=col>{h}</th>" for h in ("date", "category", "title", "authors", "code", "score")
    )
    return (
        '<input class="filter" type="search" placeholder="filter papers" aria-label="filter">'
        f'<table class="papers"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _diagnostics(document: Document) -> str:
    if not document.diagnostics:
        return "<p>No problems found in this dump.</p>"
    items = "".join(
        f"<li><code>line {d.line}</code> {_escape(str(d.severity))} "
        f"<code>{_escape(d.code)}</code>: {_escape(d.message)}</li>"
        for d in document.diagnostics
    )
    return f"<ul class=diagnostics>{items}</ul>"


def _section(
    document: Document,
    index: int,
    charts: _Charts,
    reference_year: int | None,
    taken: datetime.datetime | None,
) -> str:
    when = f" · taken {_escape(day(taken))}" if taken is not None else ""
    parts = [
        f'<section id="dump-{index}"><h2>{_escape(_title(document))}</h2>',
        f"<p class=source>{_escape(document.source or '')} · {document.layout or '?'} "
        f"layout · {len(document.papers)} records{when}</p>",
        _card(document),
        '<div class="charts">',
        *_charts(document, charts, reference_year),
        "</div><h3>Papers</h3>",
        _table(document, reference_year),
        "<h3>Diagnostics</h3>",
        _diagnostics(document),
        "</section>",
    ]
    return "".join(parts)


def _sparkline(document: Document, reference_year: int | None) -> str:
    years = _years(document.papers, reference_year)
    counts = Counter(_year(p, reference_year) for p in document.papers)
    if not years:
        return ""
    top = max(counts.get(y, 0) for y in years) or 1
    bars = "".join(_BARS[round((len(_BARS) - 1) * counts.get(y, 0) / top)] for y in years)
    label = ", ".join(f"{y}: {counts.get(y, 0)}" for y in years)
    shown = _escape(label)
    return f'<span class=spark title="{shown}" aria-label="{shown}">{bars}</span>'


def _metrics(document: Document) -> list[object]:
    """The header's metrics as the tables show them, in the order of ``_METRICS`` (a
    dump without a header: its number of records as its papers)."""
    p = document.profile
    if p is None:
        return [None, len(document.papers), None, None, None]
    return [
        p.h_index,
        p.paper_count,
        f"{p.citations:,}" if p.citations is not None else None,
        f"{p.novelty}%" if p.novelty is not None else None,
        p.ai_score,
    ]


def _cells(values: Iterable[object]) -> str:
    return "".join(f"<td>{'' if v is None else _escape(str(v))}</td>" for v in values)


def _comparison(
    documents: list[Document], reference_year: int | None, taken: list[datetime.datetime | None]
) -> str:
    dated = any(t is not None for t in taken)
    headings = ("profile", *(_DATED if dated else ()), *_METRICS, "per year")
    head = "".join(f"<th scope=col>{h}</th>" for h in headings)
    rows = []
    for index, document in enumerate(documents):
        when = taken[index]
        values: list[object] = [day(when) if when is not None else None] if dated else []
        cells = _cells([*values, *_metrics(document)])
        rows.append(
            f'<tr><td><a href="#dump-{index}">{_escape(_title(document))}</a></td>{cells}'
            f"<td>{_sparkline(document, reference_year)}</td></tr>"
        )
    return (
        f'<section><h2>Comparison</h2><table class="compare"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


#: The header metrics charted over time: label, and the profile's field.
_OVER_TIME = (("h-index", "h_index"), ("citations", "citations"), ("papers", "paper_count"))
_METRICS = ("h-index", "papers", "citations", "novelty", "AI score")
_DATED = ("taken",)
_WHOLE_TICKS = 10


def _taken(
    documents: list[Document], given: Mapping[str, str | datetime.date] | None
) -> list[datetime.datetime | None]:
    """When each dump was taken: as ``given`` by its source, else its file's
    modification time, else unknown."""
    dates: list[datetime.datetime | None] = []
    for document in documents:
        source = document.source
        if source is not None and given is not None and source in given:
            dates.append(moment(given[source]))
        else:
            dates.append(taken_at(source) if source is not None else None)
    return dates


def _snapshots(
    documents: list[Document], dates: list[datetime.datetime | None]
) -> list[list[tuple[datetime.datetime, int]]]:
    """Each researcher with several dated snapshots (dumps whose headers give the same
    name): their (date taken, dump index) pairs, oldest first."""
    people: dict[str, list[tuple[datetime.datetime, int]]] = {}
    for index, (document, when) in enumerate(zip(documents, dates, strict=True)):
        profile = document.profile
        if when is None or profile is None or not profile.name:
            continue
        people.setdefault(" ".join(profile.name.split()).casefold(), []).append((when, index))
    return [sorted(seen) for seen in people.values() if len(seen) > 1]


def _over_time(
    documents: list[Document], dates: list[datetime.datetime | None], charts: _Charts
) -> list[str]:
    """A section for each researcher with several snapshots: a row per snapshot and
    their header metrics charted against the date each was taken."""
    go = _plotly()
    head = "".join(f"<th scope=col>{h}</th>" for h in (*_DATED, *_METRICS, "dump", "records"))
    out = []
    for number, seen in enumerate(_snapshots(documents, dates), start=1):
        rows = "".join(
            f"<tr>{_cells([day(when), *_metrics(documents[index])])}"
            f'<td><a href="#dump-{index}">{_escape(documents[index].source or "dump")}</a>'
            f"</td><td>{len(documents[index].papers)}</td></tr>"
            for when, index in seen
        )
        figures = []
        for label, attribute in _OVER_TIME:
            points = [
                (when, value)
                for when, index in seen
                if (value := getattr(documents[index].profile, attribute)) is not None
            ]
            if len(points) < 2:
                continue
            values = [value for _, value in points]
            fig = go.Figure(
                go.Scatter(
                    x=[when.isoformat() for when, _ in points],
                    y=values,
                    mode="lines+markers",
                    name=label,
                )
            )
            # Whole numbers: a tick at each one when they span a few, not at 19.5.
            steps = {"dtick": 1} if max(values) - min(values) <= _WHOLE_TICKS else {}
            fig.update_layout(
                xaxis={"type": "date", "title": "taken"}, yaxis={"title": label, **steps}
            )
            change = values[-1] - values[0]
            moved = f"up {change:,}" if change > 0 else f"down {-change:,}" if change else "same"
            figures.append(
                charts.figure(
                    fig,
                    f"{label.capitalize()} over time",
                    f"{label} at each snapshot: "
                    + ", ".join(f"{value:,} on {day(when)}" for when, value in points)
                    + f" ({moved}).",
                )
            )
        latest = documents[seen[-1][1]].profile
        name = latest.name if latest is not None else None
        out.append(
            f'<section class="over-time" id="over-time-{number}">'
            f"<h2>{_escape(name or '?')} over time</h2>"
            f"<p class=source>{len(seen)} snapshots of one profile, taken from "
            f"{_escape(day(seen[0][0]))} to {_escape(day(seen[-1][0]))}; the date of each "
            "is when its dump was taken.</p>"
            f'<table class="compare"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
            f'<div class="charts">{"".join(figures)}</div></section>'
        )
    return out


_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;
  color:#1b1f24;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:22px;margin:32px 0 4px}
section{background:#fff;border:1px solid #e1e4e8;border-radius:10px;padding:18px 22px;margin:18px 0}
.source,.check{color:#57606a;margin:2px 0 10px}
.card{display:flex;flex-wrap:wrap;gap:10px}
.metric{background:#eef3fb;border-radius:8px;padding:8px 14px;min-width:90px}
.metric span{display:block;font-size:12px;color:#57606a}.metric b{font-size:20px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:14px}
figure.chart{margin:0;border:1px solid #eaecef;border-radius:8px;padding:6px}
figcaption{font-size:13px;color:#57606a;padding:4px 8px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border-bottom:1px solid #eaecef;padding:6px 8px;text-align:left;vertical-align:top}
th{cursor:pointer;background:#f6f8fa;position:sticky;top:0}
.filter{margin:8px 0;padding:6px 10px;width:320px;border:1px solid #d0d7de;border-radius:6px}
details summary{color:#0969da;cursor:pointer;font-size:12px}
.spark{font-size:18px;letter-spacing:1px;color:#0969da}
.diagnostics{font-size:14px}
.over-time .charts{margin-top:14px}
"""

_SCRIPT = """
// Charts are drawn as the page is read; fit them to their final boxes.
window.dispatchEvent(new Event('resize'));
document.querySelectorAll('table.papers').forEach(function (table) {
  var body = table.tBodies[0];
  table.querySelectorAll('th').forEach(function (th, column) {
    th.addEventListener('click', function () {
      var rows = Array.from(body.rows), up = th.dataset.dir !== 'up';
      rows.sort(function (a, b) {
        var x = a.cells[column].dataset.sort || a.cells[column].textContent;
        var y = b.cells[column].dataset.sort || b.cells[column].textContent;
        return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1);
      });
      th.dataset.dir = up ? 'up' : 'down';
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  var filter = table.previousElementSibling;
  filter.addEventListener('input', function () {
    var needle = filter.value.toLowerCase();
    Array.from(body.rows).forEach(function (row) {
      row.hidden = needle && row.textContent.toLowerCase().indexOf(needle) < 0;
    });
  });
});
"""


def dump_many(
    documents: Iterable[Document],
    /,
    *,
    reference_year: int | None = None,
    taken: Mapping[str, str | datetime.date] | None = None,
) -> Iterator[str]:
    """One page for several dumps: a comparison, each researcher's metrics over time
    when there are several snapshots of them, then a section per dump.
    ``reference_year``: the year to give dates shown without one (else 'recent').
    ``taken``: when each dump was taken, by its source (an ISO date or date-time, or a
    ``date``/``datetime``); a dump not named there whose source is a file was taken at
    the file's modification time, and one from standard input is undated."""
    _plotly()  # (first: the one line that says plotly is missing)
    import plotly.offline

    if taken is not None and not isinstance(taken, Mapping):
        raise ValueError("taken: give a mapping from each dump's source to when it was taken")
    documents = list(documents)
    dates = _taken(documents, taken)
    charts = _Charts()
    sections = [_section(d, i, charts, reference_year, dates[i]) for i, d in enumerate(documents)]
    over_time = _over_time(documents, dates, charts)
    names = [_title(d) for d in documents]
    if len(set(names)) == 1:  # one dump, or snapshots of one researcher
        heading = names[0] if len(names) == 1 else f"{names[0]}: {len(names)} snapshots"
    else:
        heading = f"{len(names)} profiles"
    yield (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_escape(heading)} · profileparse report</title>"
        f"<style>{_STYLE}</style>"
        f"<script>{plotly.offline.get_plotlyjs()}</script></head><body><main>"
        f"<h1>{_escape(heading)}</h1>"
        f"<p class=source>Made by profileparse from {len(documents)} dump(s).</p>"
    )
    if len(documents) > 1:
        yield _comparison(documents, reference_year, dates)
    yield from over_time
    yield from sections
    yield f"</main><script>{_SCRIPT}</script></body></html>\n"


def dump(
    document: Document,
    /,
    *,
    reference_year: int | None = None,
    taken: Mapping[str, str | datetime.date] | None = None,
) -> str:
    """The page for one dump (see :func:`dump_many`)."""
    return "".join(dump_many([document], reference_year=reference_year, taken=taken))


def report(
    documents: Iterable[Document],
    *,
    reference_year: int | None = None,
    taken: Mapping[str, str | datetime.date] | None = None,
) -> str:
    """The HTML report for these documents, as a string."""
    return "".join(dump_many(documents, reference_year=reference_year, taken=taken))


@hookimpl
def register_formats(register: Any) -> None:
    register(
        Format(
            name="report",
            suffix=".html",
            description="a page to look at: metrics, charts, a table of papers (plotly)",
            dump=dump,
            dump_many=dump_many,
            modules=("plotly",),
            install="profileparse[report]",
        )
    )


__all__ = ["MissingReportDependencyError", "dump", "dump_many", "report"]
