"""Every notebook's relative links lead somewhere.

What an executed notebook must show (no error, nothing on stderr, a static picture behind every
explorer) is checked once, on the notebooks the site build executes with the installed wheel
(tests/online/test_site.py::test_a_page_shows_every_picture_and_no_error); nbval, through the
README's test command, runs them in the course's own environment and compares nothing else. A
third headless run here would only add minutes."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_relative_links_lead_somewhere(path):
    cells = json.loads(path.read_text())["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for target in re.findall(r"\]\(([^)#\s]+)", text):
        if not re.match(r"[a-z]+:", target):
            assert (path.parent / target).exists(), f"{path.name} links to missing {target}"
