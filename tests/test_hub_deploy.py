"""What deploy/ hands a hub admin agrees with the course, and the link generator is right.

The hub itself runs in tests/test_hub.py; these are the fast checks that need no hub: the
single-user requirements are the tested pins and miss nothing the notebooks import, the Zero to
JupyterHub values put the same copy on PYTHONPATH that the link creates and give each student
at least what `make hub-bench` measured, and the link carries what nbgitpuller reads.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from tools import hub_link
from tools.hub_link import START, TARGET, NoAddress, nbgitpuller_link

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
# Kubernetes quantities: K, M, G are powers of 1000, Ki, Mi, Gi of 1024; the measured MB are MiB.
UNIT = {"K": 1e3, "M": 1e6, "G": 1e9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


def name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0]).lower()


def pins(path: Path) -> dict[str, str]:
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return {name(line): line.split("==")[1] for line in lines if "==" in line}


def megabytes(quantity: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([KMG]i?)", quantity).groups()
    return float(number) * UNIT[unit] / 2**20


def values() -> dict:
    return yaml.safe_load((DEPLOY / "z2jh-values.yaml").read_text())


def measured() -> dict:
    return json.loads((DEPLOY / "measured.json").read_text())


# -- the single-user environment ----------------------------------------------------------------


def test_single_user_requirements_are_the_tested_pins():
    wanted, locked = pins(DEPLOY / "requirements.txt"), pins(ROOT / "constraints.txt")
    assert wanted, "deploy/requirements.txt pins nothing"
    assert {n: v for n, v in wanted.items() if locked.get(n) != v} == {}
    assert wanted["torch"] == "2.13.0"


def test_single_user_requirements_have_what_the_course_needs_and_no_test_tools():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    course = project["dependencies"] + project["optional-dependencies"]["course"]
    wanted = set(pins(DEPLOY / "requirements.txt"))
    assert {name(r) for r in course} | {"nbgitpuller"} <= wanted
    assert not wanted & {name(r) for r in project["optional-dependencies"]["test"]}


def test_every_package_a_notebook_imports_is_in_the_single_user_environment():
    """The notebooks' own imports, found by parsing every code cell (not from a list)."""
    import importlib.metadata as metadata
    import sys

    distributions = metadata.packages_distributions()
    wanted = set(pins(DEPLOY / "requirements.txt"))
    needed = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            if "colab-install" in cell.get("metadata", {}).get("tags", []):
                continue  # the Colab cell: imports google.colab only where Colab provides it
            source = "".join(cell["source"])
            code = "\n".join(
                line for line in source.splitlines() if not line.startswith(("%", "!"))
            )
            for node in ast.walk(ast.parse(code)):
                if isinstance(node, ast.Import):
                    needed |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    needed.add(node.module.split(".")[0])
    third_party = needed - set(sys.stdlib_module_names) - {"helpers"}
    assert third_party, "no imports found: the parser is broken"
    missing = {m for m in third_party if not {name(d) for d in distributions.get(m, [])} & wanted}
    assert missing == set()


def test_the_image_installs_the_requirements_and_the_course_settings():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    for source in re.findall(r"^COPY (.+) \S+$", dockerfile, flags=re.M):
        for path in source.split():
            assert (ROOT / path).exists(), f"Dockerfile copies {path}, which does not exist"
    assert "-c /tmp/course/constraints.txt -r /tmp/course/requirements.txt" in dockerfile
    assert "jupyter/overrides.json /usr/local/share/jupyter/lab/settings/" in dockerfile
    version = re.search(r"ARG JUPYTERHUB_VERSION=(\S+)", dockerfile)[1]
    assert version == pins(ROOT / "constraints.txt")["jupyterhub"]
    assert f"ENV PYTHONPATH=/home/jovyan/{TARGET}" in dockerfile


# -- Zero to JupyterHub, The Littlest JupyterHub ------------------------------------------------


def test_z2jh_values_put_the_students_copy_on_the_path_and_open_jupyterlab():
    single = values()["singleuser"]
    assert single["extraEnv"]["PYTHONPATH"] == f"/home/jovyan/{TARGET}"
    assert single["defaultUrl"] == "/lab"


def test_z2jh_values_cull_idle_servers():
    cull = values()["cull"]
    assert cull["enabled"] is True and 0 < cull["every"] <= cull["timeout"] <= 4 * 3600


def test_per_user_resources_cover_what_was_measured():
    single, figures = values()["singleuser"], measured()
    guarantee = megabytes(single["memory"]["guarantee"])
    limit = megabytes(single["memory"]["limit"])
    one_kernel = figures["per_student_mb"]  # the server + one kernel through its largest lesson
    assert guarantee >= one_kernel, f"guarantee {guarantee:.0f} MB < measured {one_kernel:.0f}"
    # a student who leaves a second lesson's kernel running must not be killed
    assert limit >= figures["server_peak_mb"] + 2 * figures["largest_kernel_peak_mb"]
    assert 0 < single["cpu"]["guarantee"] <= single["cpu"]["limit"]


def test_the_deploy_readme_states_the_measured_figures():
    readme = (DEPLOY / "README.md").read_text()
    figures = measured()
    for key in ("per_student_mb", "server_peak_mb", "largest_kernel_peak_mb"):
        assert f"{figures[key]:.0f} MB" in readme, f"deploy/README.md lacks {key}"
    single = values()["singleuser"]
    assert single["memory"]["guarantee"] in readme and single["memory"]["limit"] in readme


def test_tljh_snippet_sets_the_same_path():
    class Config:  # what `c` is in a jupyterhub_config.d file, as far as this snippet uses it
        class Spawner:
            environment: dict = {}

    exec((DEPLOY / "tljh_course.py").read_text(), {"c": Config})
    path = Config.Spawner.environment["PYTHONPATH"]

    class Spawner:
        class user:  # noqa: N801 -- the attribute JupyterHub's spawner has
            name = "nobody-here-xyz"

    assert path(Spawner) == f"/home/jupyter-nobody-here-xyz/{TARGET}"


# -- the link --------------------------------------------------------------------------------


def test_the_link_opens_start_here_in_the_students_copy():
    link = nbgitpuller_link("https://hub.example.edu/", "owner/course", branch="main")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("https", "hub.example.edu")
    assert parts.path == "/hub/user-redirect/git-pull"
    query = {k: v[0] for k, v in parse_qs(parts.query, strict_parsing=True).items()}
    assert query == {
        "repo": "https://github.com/owner/course",
        "branch": "main",
        "targetpath": TARGET,
        "urlpath": f"lab/tree/{TARGET}/{START}",
    }
    assert (ROOT / START).exists()


@pytest.mark.parametrize(
    "hub",
    ["https://hub.example.edu", "https://hub.example.edu/", "https://hub.example.edu/hub/"],
)
def test_the_hub_address_may_be_pasted_with_or_without_hub(hub):
    assert nbgitpuller_link(hub, "a/b").startswith("https://hub.example.edu/hub/user-redirect/")


def test_a_hub_under_a_prefix_keeps_it():
    link = nbgitpuller_link("https://uni.example.edu/jupyter", "a/b")
    assert link.startswith("https://uni.example.edu/jupyter/hub/user-redirect/git-pull?")


@pytest.mark.parametrize("hub", ["", "hub.example.edu", "ftp://hub.example.edu", "https://h/?x=1"])
def test_a_bad_hub_address_is_refused_by_name(hub):
    with pytest.raises(ValueError, match="^hub must"):
        nbgitpuller_link(hub, "a/b")


@pytest.mark.parametrize("repo", ["not a repo", "a/b/c", "github.com/a/b"])
def test_a_bad_repo_is_refused_by_name(repo):
    with pytest.raises(ValueError, match="^repo must"):
        nbgitpuller_link("https://hub.example.edu", repo)


def test_the_link_uses_the_address_setting(monkeypatch):
    monkeypatch.setattr(hub_link, "repository", lambda: "someone/gd-course")
    query = parse_qs(urlsplit(nbgitpuller_link("https://hub.example.edu")).query)
    assert query["repo"] == ["https://github.com/someone/gd-course"]


def test_without_an_address_the_link_says_how_to_set_one(monkeypatch):
    monkeypatch.setattr(hub_link, "repository", lambda: None)
    with pytest.raises(NoAddress, match=r"\[project.urls\] Repository.*REPO="):
        nbgitpuller_link("https://hub.example.edu")


def test_make_hub_link_prints_the_link_or_says_what_is_missing():
    ok = subprocess.run(
        ["make", "-s", "hub-link", "HUB=https://hub.example.edu", "REPO=owner/course"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == nbgitpuller_link("https://hub.example.edu", "owner/course")
    no_hub = subprocess.run(
        ["make", "-s", "hub-link", "REPO=owner/course"], cwd=ROOT, capture_output=True, text=True
    )
    assert no_hub.returncode != 0 and "HUB=" in no_hub.stderr
