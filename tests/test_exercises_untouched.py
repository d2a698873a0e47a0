"""Every exercise cell, run as the student first sees it (the placeholder untouched), says
"not answered yet" (a grey …), never a red ✘: an exercise nobody tried is not a wrong answer."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("[0-9]*.ipynb"))
CALL = re.compile(r"^(nb\d\d[a-z]?)\.(\w+)\(", re.M)


def exercise_cells():
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text())["cells"]
        for cell in cells:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and CALL.search(source):
                yield pytest.param(source, id=f"{path.stem}:{CALL.search(source).group(2)}")


@pytest.mark.parametrize("source", list(exercise_cells()))
def test_an_untouched_exercise_is_not_answered_yet(source):
    import importlib

    module = CALL.search(source).group(1)  # each notebook's checks: helpers.exercises.nbNN
    namespace = {"np": np, module: importlib.import_module(f"helpers.exercises.{module}")}
    lines = source.rstrip().splitlines()
    *body, last = lines
    exec("\n".join(body), namespace)  # the placeholder, as written in the notebook
    feedback = eval(last, namespace)  # the check call on the last line
    assert feedback.correct is None, feedback.message
    assert "Not answered yet" in feedback.message
    assert "✘" not in feedback._repr_html_()
