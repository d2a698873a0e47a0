"""A real wheel, installed into a fresh environment outside the repository (not editable),
imports every module the notebooks import; a wheel that misses a subpackage fails here."""

from __future__ import annotations

import ast
import json
import zipfile
from email.parser import Parser
from pathlib import Path

from .conftest import ROOT, isolated_env, run, site_packages


def notebook_imports() -> set[str]:
    """Every ``helpers`` module a notebook imports (``from helpers.x import y``: helpers.x)."""
    modules = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "\n".join(
                line for line in "".join(cell["source"]).splitlines() if not line.startswith("%")
            )
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helpers"):
                    modules.add(node.module)
                    # `from helpers.plots import descent` imports a module too
                    modules.update(f"{node.module}.{alias.name}" for alias in node.names)
                elif isinstance(node, ast.Import):
                    modules.update(a.name for a in node.names if a.name.startswith("helpers"))
    return modules


def source_modules() -> set[str]:
    """Every module of the helpers package in the source tree."""
    names = set()
    for path in (ROOT / "helpers").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_the_notebooks_import_modules_that_exist():
    imported = notebook_imports()
    assert {"helpers", "helpers.explorers", "helpers.plots", "helpers.exercises"} & imported
    modules = source_modules()
    # names imported from a module (`from helpers import SGD`) are not modules themselves
    missing = {m for m in imported if m not in modules and m.rsplit(".", 1)[0] not in modules}
    assert not missing, f"notebooks import modules the source tree lacks: {sorted(missing)}"


def test_the_wheel_holds_every_module_and_declares_the_runtime_dependencies(wheel):
    with zipfile.ZipFile(wheel) as archive:
        files = set(archive.namelist())
        (metadata,) = [n for n in files if n.endswith(".dist-info/METADATA")]
        requires = Parser().parsestr(archive.read(metadata).decode()).get_all("Requires-Dist")
    in_wheel = {
        name[: -len(".py")].replace("/", ".").removesuffix(".__init__")
        for name in files
        if name.endswith(".py")
    }
    assert source_modules() - in_wheel == set(), "the wheel leaves out these modules"
    assert not any(n.startswith(("tests/", "tools/", "notebooks/")) for n in files)
    runtime = {r.split(";")[0].strip().split("[")[0] for r in requires or []}
    assert {"numpy", "torch", "matplotlib", "ipywidgets", "tqdm"} <= runtime


def test_the_installed_wheel_imports_every_module_the_notebooks_import(wheel_env, tmp_path):
    modules = sorted(notebook_imports() & source_modules() | source_modules())
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "import helpers\n"
        "print(helpers.__file__)\n"
    )
    home = tmp_path / "home"
    home.mkdir()
    result = run(
        [str(wheel_env / "bin" / "python"), "-c", script],
        env=isolated_env(home, wheel_env / "bin"),
        cwd=home,  # outside the repository, so only the installed package can be imported
    )
    location = Path(result.stdout.strip().splitlines()[-1])
    assert location.is_relative_to(site_packages(wheel_env)), location
    assert not location.is_relative_to(ROOT)
