"""environment.yml (conda, Binder) and pyproject.toml + constraints.txt (pip) agree."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_TO_PIP = {"pytorch": "torch"}  # conda-forge names that differ from PyPI's
# Extras that conda and Binder do not install: the hub test's (Binder runs no hub; deploy/ has the
# hub's environment), the maintainers' mutation tester, and the online tools (site, repo2docker,
# the workflow linter).
NOT_IN_CONDA = {"hub", "mutation", "online"}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return normalise(re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0])


def pip_packages(every_extra: bool = False) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    chosen = [name for name in extras if every_extra or name not in NOT_IN_CONDA]
    requirements = project["dependencies"] + sum((extras[name] for name in chosen), [])
    return {requirement_name(r) for r in requirements}


def pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    return {requirement_name(line): line.split("==")[1] for line in lines if "==" in line}


def conda_packages() -> dict[str, str]:
    """name → version spec of every conda (and pip-section) dependency but python and pip."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, _, spec = dep.partition("=")
            found[normalise(CONDA_TO_PIP.get(name, name))] = spec
        else:  # the pip: section, for what conda-forge lacks or Binder installs with pip
            for line in dep["pip"]:
                if "==" in line:
                    name, _, version = line.split("#")[0].strip().partition("==")
                    found[normalise(name)] = version
    found.pop("python"), found.pop("pip")
    return found


def test_conda_and_pip_name_the_same_packages():
    assert set(conda_packages()) == pip_packages()


def test_conda_versions_are_the_pinned_ones():
    locked = pins()
    for name, spec in conda_packages().items():
        assert spec.split("=")[0] == locked[name], f"{name}: conda {spec}, pinned {locked[name]}"


def test_every_package_is_pinned_and_torch_is_the_cpu_build():
    locked = pins()
    assert pip_packages(every_extra=True) <= set(locked)
    assert locked["torch"] == "2.13.0"
    assert conda_packages()["torch"] == "2.13.0=cpu*"
    assert not any(name.startswith("nvidia") for name in locked)  # no CUDA wheels


def test_the_ci_script_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"```(?:bash|sh)?\n(.*?)```", readme, flags=re.S)
    test_command = commands[1].strip()  # the README's second command runs every test
    assert test_command in (ROOT / ".ci" / "run").read_text()
