"""What a student reads is self-contained: no hidden sources ("seed" articles), every notebook in
the course map, the README and 00's table of assumptions, and the primer linked where PyTorch is
first needed."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# "seed" for a source article: "seed-000", "seed 002", "the seed article", "seed articles"
HIDDEN_SOURCE = re.compile(r"seed[- ]?0\d\d|seed[- ]articles?", re.IGNORECASE)


def notebook_text(path: Path, kind: str | None = None) -> str:
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if kind in (None, c["cell_type"]))


def user_visible_files():
    yield from NOTEBOOKS
    yield ROOT / "README.md"
    yield from sorted((ROOT / "helpers").rglob("*.py"))
    # this file spells out the phrases it bans, in test_the_pattern_catches_what_it_should
    yield from sorted(p for p in (ROOT / "tests").rglob("*.py") if p != Path(__file__))


@pytest.mark.parametrize("path", list(user_visible_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_source_is_called_a_seed(path):
    text = notebook_text(path) if path.suffix == ".ipynb" else path.read_text()
    found = sorted({m.group(0) for m in HIDDEN_SOURCE.finditer(text)})
    assert not found, f"{path.name} calls a source article a seed: {found}"


def test_the_pattern_catches_what_it_should():
    for phrase in ["the seed-000 article", "seed 002", "Seed-003", "the seed article (002)"]:
        assert HIDDEN_SOURCE.search(phrase), phrase
    for phrase in ["seed=0", "random seed 42", "change the seed", "for seed in range(5)"]:
        assert not HIDDEN_SOURCE.search(phrase), phrase


def test_every_notebook_is_in_the_map_the_assumptions_and_the_readme():
    start = notebook_text(ROOT / "notebooks" / "00_start_here.ipynb")
    readme = (ROOT / "README.md").read_text()
    assumptions = start.split("## What each notebook assumes", 1)[1].split("\n## ", 1)[0]
    for path in NOTEBOOKS:
        number = path.name.split("_", 1)[0]
        if number != "00":
            assert f"]({path.name})" in start, f"00's course map does not link {path.name}"
            assert re.search(rf"^\| {number} \|", assumptions, re.M), f"00: what {number} assumes"
        assert f"](notebooks/{path.name})" in readme, f"the README does not list {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_says_what_it_assumes(path):
    assert "**You should know first:**" in notebook_text(path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_notebook_that_trains_with_pytorch_links_the_primer(path):
    code = notebook_text(path, "code")
    trains = re.search(r"\.backward\(\)|DataLoader\(|torch\.optim\.\w+\(|\btrain\(", code)
    if trains and not path.name.startswith("00b"):
        text = notebook_text(path, "markdown")
        assert "00b_pytorch_primer.ipynb" in text, f"{path.name} uses PyTorch: link the primer"
