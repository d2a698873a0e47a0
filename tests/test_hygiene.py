"""Notebooks are committed clean, and the code and notebooks pass ruff."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS and NOTEBOOKS[0].name == "00_start_here.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    cells = json.loads(path.read_text())["cells"]
    dirty = [
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "code" and (c["outputs"] or c["execution_count"] is not None)
    ]
    assert not dirty, f"cells {dirty} carry outputs: run `make strip`"


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]], ids=" ".join)
def test_ruff_is_clean_on_code_and_notebooks(args):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *args, str(ROOT)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr + "\nrun `make format`"


# -- the layers of helpers: computation never imports figures or exercises ------------------------
FIGURES = {"plots", "engine", "explorers"}
EXERCISES = {"checks", "exercises"}  # everything else in helpers is the computation layer


def _helpers_imports(path):
    """The first-level helpers modules that a file imports (relative imports resolved)."""
    import ast

    tree = ast.parse(path.read_text())
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            parts = list(package[: len(package) - node.level + 1]) + (
                node.module.split(".") if node.module else []
            )
            if parts == ["helpers"]:
                found |= {alias.name for alias in node.names}
            elif len(parts) > 1:
                found.add(parts[1])
    return found


def test_computation_never_imports_figures_or_exercises():
    offenders = []
    for path in sorted((ROOT / "helpers").rglob("*.py")):
        top = path.relative_to(ROOT / "helpers").parts[0].removesuffix(".py")
        if top not in FIGURES | EXERCISES | {"__init__"}:
            bad = _helpers_imports(path) & (FIGURES | EXERCISES)
            if bad:
                offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not offenders, offenders


def test_static_figures_never_import_the_interactive_layer():
    for path in sorted((ROOT / "helpers" / "plots").rglob("*.py")):
        assert not _helpers_imports(path) & {"engine", "explorers"}, path
