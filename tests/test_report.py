"""The HTML report, looked at in a real browser: Debian's chromium, headless, opening
the page from disk with every host unresolvable, so nothing can be fetched."""

from __future__ import annotations

import html
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
