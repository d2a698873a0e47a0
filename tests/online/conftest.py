"""Fresh environments outside the repository, made once per test session.

``base_env``: a new virtual environment with only what Colab (or any Python set-up) already
has, installed from PyPI at the pinned versions: numpy, torch, matplotlib, ipywidgets, tqdm, a
kernel. Never the course package. ``thin_env()`` makes a new, empty virtual environment that
sees ``base_env``'s packages through a ``.pth`` line (as Colab's preinstalled ones), so each test
starts without the course package and pip there installs only what is missing; each one takes
a second instead of a minute. ``course_copy``: the repository's files as a clone has them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What every Python set-up a student brings already has; the course package must add the rest.
PREINSTALLED = ["numpy", "torch", "matplotlib", "ipywidgets", "tqdm", "ipykernel", "nbclient"]
EXECUTE = Path(__file__).with_name("execute.py")


def _python() -> str:
    """The interpreter behind this venv (a venv made from a venv's python nests badly)."""
    return getattr(sys, "_base_executable", sys.executable)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode:
        pytest.fail(f"{' '.join(map(str, command))} failed:\n{result.stdout}\n{result.stderr}")
    return result


def isolated_env(home: Path, python_bin: Path, **extra: str) -> dict[str, str]:
    """Environment variables for a process that must not see the repository or the user."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "JUPYTER", "VIRTUAL_ENV"))
    }
    for variable in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        env[variable] = str(home / variable.lower())
    env["PATH"] = f"{python_bin}{os.pathsep}{env.get('PATH', '')}"
    env["TQDM_DISABLE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def course_copy(tmp_path_factory) -> Path:
    """The repository's tracked (and new, not ignored) files: what a clone of it contains."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    copy = tmp_path_factory.mktemp("clone") / "course"
    for name in filter(None, files):
        source = ROOT / name.decode()
        if source.is_file():
            target = copy / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return copy


@pytest.fixture(scope="session")
def base_env(tmp_path_factory) -> Path:
    """A fresh virtual environment with the preinstalled packages only (about 45 s)."""
    env_dir = tmp_path_factory.mktemp("base") / "venv"
    run([_python(), "-m", "venv", str(env_dir)])
    home = tmp_path_factory.mktemp("base-home")
    run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        + ["-c", str(ROOT / "constraints.txt"), *PREINSTALLED],
        env=isolated_env(home, env_dir / "bin"),
        cwd=home,
    )
    return env_dir


def site_packages(env_dir: Path) -> Path:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return env_dir / "lib" / version / "site-packages"


@pytest.fixture(scope="session")
def thin_env(base_env, tmp_path_factory):
    """Make a new empty virtual environment that also sees ``base_env``'s packages."""

    def make(name: str) -> Path:
        env_dir = tmp_path_factory.mktemp(name) / "venv"
        run([_python(), "-m", "venv", "--without-pip", str(env_dir)])
        # A plain path line: base's packages (and pip) become importable, but base's own .pth
        # files are not run, so nothing of the repository's editable install can leak in.
        (site_packages(env_dir) / "preinstalled.pth").write_text(f"{site_packages(base_env)}\n")
        return env_dir

    assert sysconfig.get_platform().startswith("linux"), "these simulations assume Linux paths"
    return make


@pytest.fixture(scope="session")
def wheel(course_copy, tmp_path_factory) -> Path:
    """The wheel pip builds from the clone (setuptools, pyproject.toml), as `pip install .` does."""
    out = tmp_path_factory.mktemp("wheel")
    run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
        + ["--wheel-dir", str(out), str(course_copy)],
        cwd=out,
    )
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="session")
def wheel_env(wheel, thin_env, tmp_path_factory) -> Path:
    """A fresh environment with the wheel installed from the file, not editable."""
    env_dir = thin_env("wheel-env")
    home = tmp_path_factory.mktemp("wheel-home")
    run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        env=isolated_env(home, env_dir / "bin"),
        cwd=home,
    )
    return env_dir
