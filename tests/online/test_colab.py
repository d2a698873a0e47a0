"""Colab, simulated: a fresh environment without the course package, a stand-in `google.colab`
module on the path, one notebook file alone in a folder (Colab opens a notebook without the
repository), its first cell generated for an address that points at a local copy of the
repository, and the notebook executed top to bottom. Two notebooks stand for all nine (the
start, and one with torch, explorers and exercises), to keep the test suite short."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tools.publish_links import COLAB_TAG, colab_cell_source

from .conftest import EXECUTE, ROOT, isolated_env, site_packages

COLAB_NOTEBOOKS = ["00_start_here.ipynb", "02_gradient_descent.ipynb"]


@pytest.fixture(scope="session")
def stand_in_colab(tmp_path_factory):
    """A `google.colab` package that only exists, which is all the install cell asks."""
    path = tmp_path_factory.mktemp("stand-in")
    (path / "google" / "colab").mkdir(parents=True)
    (path / "google" / "__init__.py").write_text("")
    (path / "google" / "colab" / "__init__.py").write_text('"""Stand-in for Colab\'s module."""\n')
    return path


def run_cell(python, source: str, env: dict, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(python), "-c", source], env=env, cwd=cwd, capture_output=True, text=True
    )


def find_helpers(python, env, cwd) -> str:
    probe = "import importlib.util as u; s = u.find_spec('helpers'); print(s and s.origin)"
    return run_cell(python, probe, env, cwd).stdout.strip()


def test_without_an_address_the_cell_says_why_on_colab_and_does_nothing_elsewhere(
    thin_env, stand_in_colab, tmp_path
):
    env_dir = thin_env("colab-no-address")
    python = env_dir / "bin" / "python"
    cell = colab_cell_source(None)
    elsewhere = run_cell(python, cell, isolated_env(tmp_path, env_dir / "bin"), tmp_path)
    assert elsewhere.returncode == 0, elsewhere.stderr
    on_colab = isolated_env(tmp_path, env_dir / "bin", PYTHONPATH=str(stand_in_colab))
    failed = run_cell(python, cell, on_colab, tmp_path)
    assert failed.returncode != 0
    assert "no public address yet" in failed.stderr and "ModuleNotFoundError" not in failed.stderr


def test_the_cell_installs_nothing_off_colab(thin_env, course_copy, tmp_path):
    env_dir = thin_env("not-colab")
    env = isolated_env(tmp_path, env_dir / "bin")
    python = env_dir / "bin" / "python"
    result = run_cell(python, colab_cell_source("someone/course", str(course_copy)), env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert find_helpers(python, env, tmp_path) == "None"


@pytest.mark.parametrize("name", COLAB_NOTEBOOKS)
def test_a_notebook_runs_on_colab(name, thin_env, stand_in_colab, course_copy, tmp_path):
    env_dir = thin_env("colab-" + name[:2])
    python = env_dir / "bin" / "python"
    env = isolated_env(tmp_path, env_dir / "bin", PYTHONPATH=str(stand_in_colab))
    folder = tmp_path / "content"  # Colab's working folder: the notebook and nothing else
    folder.mkdir()
    notebook = json.loads((ROOT / "notebooks" / name).read_text())
    (cell,) = [c for c in notebook["cells"] if COLAB_TAG in c["metadata"].get("tags", [])]
    assert notebook["cells"].index(cell) == next(
        i for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code"
    ), "the install cell must be the first code cell"
    cell["source"] = colab_cell_source("someone/course", str(course_copy))
    (folder / name).write_text(json.dumps(notebook))
    assert find_helpers(python, env, folder) == "None", "the environment must start without it"

    shutil.copy(EXECUTE, folder / "execute.py")
    result = subprocess.run(
        [str(python), "execute.py", name, "executed.ipynb"],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    installed = find_helpers(python, env, folder)
    assert installed.startswith(str(site_packages(env_dir))), installed  # a real install
    executed = json.loads((folder / "executed.ipynb").read_text())
    errors = [
        o for c in executed["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"
    ]
    assert not errors
