"""Every notebook, executed headless: clean outputs, a picture behind every explorer, no dead
links. (nbval runs them too, through the README's test command; this adds what nbval does not
check.)"""

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=lambda p: p.name)
def executed(request):
    notebook = nbformat.read(request.param, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(request.param.parent)}},
    ).execute()
    return notebook


def outputs(notebook):
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            yield index, output


def test_no_errors_or_warnings_in_outputs(executed):
    for index, output in outputs(executed):
        assert output["output_type"] != "error", f"cell {index}: {output.get('ename')}"
        if output["output_type"] == "stream":
            assert output["name"] == "stdout", f"cell {index} wrote to stderr: {output['text']}"


def test_every_explorer_leaves_a_picture(executed):
    # explorers: widget views holding a picture (not, say, 00's classroom-mode button)
    widgets = [
        (i, o)
        for i, o in outputs(executed)
        if WIDGET in o.get("data", {}) and "Image(" in o["data"].get("text/plain", "")
    ]
    for index, output in widgets:
        assert "image/png" in output["data"], f"cell {index}: a widget with no static picture"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_relative_links_lead_somewhere(path):
    cells = json.loads(path.read_text())["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for target in re.findall(r"\]\(([^)#\s]+)", text):
        if not re.match(r"[a-z]+:", target):
            assert (path.parent / target).exists(), f"{path.name} links to missing {target}"
