"""The HTML report, looked at in a real browser: Debian's chromium, headless, opening
the page from disk with every host unresolvable, so nothing can be fetched."""

from __future__ import annotations

import datetime
import html
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import profileparse
from profileparse.cli import main
from tests.conftest import EVERY_SEED_EXIT, SEEDS

pytestmark = pytest.mark.slow  # starts a browser; CI installs chromium (.ci/run)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WANG = SEEDS / "001_a1e2e71e1a973e1e.txt"
WEI = SEEDS / "000_6faa1e42dd226781.txt"
#: Seed 000 copied a month later: the h-index 21 where it was 19, one paper more.
WEI_LATER = SEEDS.parent / "over-time" / "000_a-month-later.txt"
JANUARY = datetime.datetime(2026, 1, 5, 10, 0, tzinfo=datetime.timezone.utc)
FEBRUARY = datetime.datetime(2026, 2, 5, 10, 0, tzinfo=datetime.timezone.utc)


def _chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:
        pytest.fail("the report tests need Debian's chromium: apt-get install -y chromium")
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # no request can leave the page
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1280,2400",
        "--virtual-time-budget=15000",
        *args,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


class _References(HTMLParser):
    """Every URL the page's elements would load: scripts, styles, images, fonts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            loads = tag in ("script", "link", "img", "source", "video", "audio", "iframe")
            if value and loads and name in ("src", "href", "srcset", "poster", "data"):
                self.urls.append(value)
            if value and name == "style" and "url(" in value:
                self.urls.append(value)

    def handle_data(self, data: str) -> None:
        if "@font-face" in data or "@import" in data:
            self.urls.append(data[:80])


def _look_at(page: Path, tmp_path: Path) -> str:
    """The page's DOM after its scripts ran, with no console message and no remote
    reference; and a screenshot of it that is not blank."""
    shown = _chromium(page, tmp_path / "dom-profile", "--dump-dom")
    assert shown.returncode == 0, shown.stderr[-2000:]
    console = [line for line in shown.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    references = _References()
    references.feed(shown.stdout)
    assert not [u for u in references.urls if "http:" in u or "https:" in u or "//" in u]
    shot = tmp_path / "page.png"
    taken = _chromium(page, tmp_path / "shot-profile", f"--screenshot={shot}")
    assert taken.returncode == 0 and shot.is_file(), taken.stderr[-2000:]
    assert shot.stat().st_size > 50_000  # a blank page of this size is a few KB
    return shown.stdout


def test_the_report_of_one_profile_in_a_browser(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(WANG), "-o", str(page)])
    assert result.exit_code == 0, result.output
    doc = profileparse.parse_file(WANG)
    dom = _look_at(page, tmp_path)
    assert "Xiaokun Wang" in dom
    titles = [p.title for p in doc.papers if p.title]
    assert len(titles) == 10
    assert all(html.escape(title, quote=False) in dom for title in titles)
    assert dom.count('class="main-svg"') >= 3  # charts drawn by plotly, as svg
    assert dom.count("<figcaption") >= 3  # each chart says in words what it shows


def test_the_report_of_all_five_seeds_in_a_browser(tmp_path: Path) -> None:
    page = tmp_path / "all.html"
    result = CliRunner().invoke(main, ["report", str(SEEDS), "-o", str(page)])
    assert result.exit_code == EVERY_SEED_EXIT, result.output
    documents = [profileparse.parse_file(p) for p in sorted(SEEDS.glob("*.txt"))]
    dom = _look_at(page, tmp_path)
    assert "Comparison" in dom
    for name in ("Tianwen Wei", "Xiaokun Wang", "Biye Li"):
        assert name in dom
    titles = [p.title for d in documents for p in d.papers if p.title]
    assert len(titles) == 56
    assert all(html.escape(title, quote=False) in dom for title in titles)
    assert dom.count('class="main-svg"') >= 3


def test_the_report_is_one_file_that_names_no_remote_resource() -> None:
    page = profileparse.report([profileparse.parse_file(WANG)], reference_year=2025)
    assert page.startswith("<!DOCTYPE html>") and page.count("<script") == 2 + 5
    references = _References()
    references.feed(page)
    assert references.urls == []
    # With a reference year, every date has a year: none is left 'recent'.
    assert 'data-sort="recent"' not in page and "placed in 2025" in page
    assert 'data-sort="recent"' in profileparse.report([profileparse.parse_file(WANG)])


def _taken_at(source: Path, target: Path, when: datetime.datetime) -> Path:
    """A copy of the dump ``source`` taken at ``when`` (its modification time)."""
    target.write_bytes(source.read_bytes())
    os.utime(target, (when.timestamp(), when.timestamp()))
    return target


def _figures(section: str) -> dict[str, str]:
    """Each chart of a section of the page's DOM, by the title plotly drew in it."""
    figures = {}
    for figure in section.split('<figure class="chart"')[1:]:
        title = re.search(r'class="gtitle"[^>]*>([^<]+)<', figure)
        assert title is not None
        figures[title.group(1)] = figure
    return figures


def _points(figure: str) -> list[tuple[float, float]]:
    """Where plotly drew a chart's markers, in the svg's coordinates (y grows down)."""
    found = re.findall(r'<path class="point" transform="translate\(([\d.]+),([\d.]+)\)"', figure)
    return [(float(x), float(y)) for x, y in found]


def test_the_report_charts_a_researcher_over_time_in_a_browser(tmp_path: Path) -> None:
    # Given newest first: the snapshots are ordered by when they were taken.
    later = _taken_at(WEI_LATER, tmp_path / "wei-february.txt", FEBRUARY)
    earlier = _taken_at(WEI, tmp_path / "wei-january.txt", JANUARY)
    page = tmp_path / "over-time.html"
    result = CliRunner().invoke(
        main, ["report", str(later), str(earlier), str(WANG), "-o", str(page), "-q"]
    )
    assert result.exit_code == 1, result.output  # seed 000's lost record
    dom = _look_at(page, tmp_path)
    # One researcher with two snapshots; Xiaokun Wang has one, so no chart over time.
    assert re.findall(r"<h2>([^<]*) over time</h2>", dom) == ["Tianwen Wei"]
    section = dom[dom.index('id="over-time-1"') : dom.index('id="dump-0"')]
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)<", section)
    assert rows == [
        ("2026-01-05 10:00 UTC", "19", "16", "1,851"),
        ("2026-02-05 10:00 UTC", "21", "16", "1,851"),
    ]
    figures = _figures(section)
    assert sorted(figures) == ["Citations over time", "H-index over time", "Papers over time"]
    # Plotly drew both snapshots of each: the h-index rises left to right, the
    # citations and the papers stay level.
    (x1, y1), (x2, y2) = _points(figures["H-index over time"])
    assert x2 > x1 and y2 < y1
    for flat in ("Citations over time", "Papers over time"):
        (x1, y1), (x2, y2) = _points(figures[flat])
        assert x2 > x1 and y2 == y1
    ticks = re.findall(r'class="ytick"><text[^>]*>([^<]*)<', figures["H-index over time"])
    assert ticks == ["19", "20", "21"]  # whole numbers only
    caption = re.search(r"<figcaption[^>]*>(h-index[^<]*)<", figures["H-index over time"])
    assert caption is not None
    assert "19 on 2026-01-05 10:00 UTC, 21 on 2026-02-05 10:00 UTC (up 2)" in caption.group(1)
    # Each dump's own section and the comparison say when it was taken.
    assert f"{earlier} · profile layout · 15 records · taken 2026-01-05 10:00 UTC" in dom
    compared = re.findall(r'<a href="#dump-(\d)">([^<]*)</a></td><td>([^<]*)</td>', dom)
    assert compared[:2] == [
        ("0", "Tianwen Wei", "2026-02-05 10:00 UTC"),
        ("1", "Tianwen Wei", "2026-01-05 10:00 UTC"),
    ]


def test_dates_given_to_the_report_come_before_the_files(tmp_path: Path) -> None:
    later = _taken_at(WEI_LATER, tmp_path / "later.txt", FEBRUARY)
    earlier = _taken_at(WEI, tmp_path / "earlier.txt", JANUARY)
    documents = [profileparse.parse_file(earlier), profileparse.parse_file(later)]
    # Said to be taken the other way round: the 19 is now the newer value.
    taken = {str(earlier): "2026-03-01", str(later): datetime.date(2026, 2, 1)}
    page = profileparse.report(documents, taken=taken)
    section = page[page.index('id="over-time-1"') : page.index('id="dump-0"')]
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", section)
    assert rows == [("2026-02-01", "21"), ("2026-03-01", "19")]
    assert "<h1>Tianwen Wei: 2 snapshots</h1>" in page
    assert "(down 2)" in section
    # Dumps read from text have no file and no date: nothing over time.
    texts = [profileparse.parse(p.read_text(encoding="utf-8")) for p in (earlier, later)]
    assert "over time</h2>" not in profileparse.report(texts)
    with pytest.raises(profileparse.FormatOptionError, match="not an ISO date"):
        profileparse.report(documents, taken={str(earlier): "last March"})
