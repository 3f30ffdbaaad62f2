"""The notebook in docs/ runs from top to bottom on a real Jupyter kernel and shows the
documents, frames and corpus as HTML."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbclient
import nbformat
import pytest

import profileparse

DOCS = Path(__file__).resolve().parents[1] / "docs"
NOTEBOOK = DOCS / "notebook.ipynb"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def _tags(html: str) -> list[str]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The notebook after a real kernel ran it in docs/ (the report and the kernel's
    files go to a temporary folder)."""
    scratch = tmp_path_factory.mktemp("kernel")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TMPDIR", str(scratch))
        env.setenv("IPYTHONDIR", str(scratch / "ipython"))
        env.setenv("JUPYTER_RUNTIME_DIR", str(scratch / "runtime"))
        notebook = nbformat.read(NOTEBOOK, as_version=4)
        client = nbclient.NotebookClient(
            notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": DOCS}}
        )
        client.execute()  # raises CellExecutionError at the first cell that fails
    return notebook


def _outputs(notebook: Any) -> list[dict[str, Any]]:
    return [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]


def test_every_cell_runs_without_error(executed: Any) -> None:
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count for cell in code)
    assert not [out for out in _outputs(executed) if out["output_type"] == "error"]
    printed = "".join(out.get("text", "") for out in _outputs(executed))
    report = Path(printed.split()[0])
    assert report.name == "report.html" and report.stat().st_size > 0


def test_the_document_the_frames_and_the_corpus_show_as_html(executed: Any) -> None:
    shown = [
        out["data"]["text/html"] for out in _outputs(executed) if "text/html" in out.get("data", {})
    ]
    doc = profileparse.parse_file(DOCS.parent / "examples" / "profile.txt")
    assert doc._repr_html_() in shown  # the kernel showed the document as its table
    assert any('class="profileparse-paper"' in html for html in shown)
    assert any('class="profileparse-corpus"' in html for html in shown)
    frames = [html for html in shown if 'class="dataframe"' in html]
    assert len(frames) >= 3  # the papers, the documents table, the SQL query
    assert all("table" in _tags(html) for html in shown)
