"""The environment check that notebook 00 runs: is everything the course needs installed?"""

from __future__ import annotations

import html
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

__all__ = ["check_environment", "REQUIRED"]

# What the notebooks import, and why a learner needs each.
REQUIRED = {
    "numpy": "arrays: every optimizer and objective",
    "torch": "the reference optimizers and the small networks",
    "matplotlib": "every figure",
    "ipywidgets": "the sliders and buttons",
    "tqdm": "progress bars",
}
CONSTRAINTS = Path(__file__).resolve().parents[1] / "constraints.txt"
LEFT = "style='text-align:left'"  # JupyterLab right-aligns table cells by default
FIX = "from the repository's folder run `make lab` (it installs everything into .venv)"


@dataclass
class Report:
    rows: list[tuple[str, str, str | None, str | None]]  # name, purpose, installed, pinned

    @property
    def missing(self) -> list[str]:
        return [name for name, _, installed, _ in self.rows if installed is None]

    @property
    def mismatched(self) -> list[str]:
        return [n for n, _, have, pin in self.rows if have and pin and have.split("+")[0] != pin]

    @property
    def ok(self) -> bool:
        return not self.missing

    def summary(self) -> str:
        if self.missing:
            return f"Missing: {', '.join(self.missing)}. To fix it, {FIX}."
        if self.mismatched:
            return (
                f"Everything is installed; {', '.join(self.mismatched)} differ from the tested "
                "versions in constraints.txt, which is usually fine."
            )
        return "Everything the course needs is installed, at the tested versions."

    def _repr_html_(self) -> str:
        missing = "<b style='color:#b00'>missing</b>"
        cells = "".join(
            f"<tr><td {LEFT}><code>{name}</code></td><td {LEFT}>{html.escape(purpose)}</td>"
            f"<td {LEFT}>{installed or missing}</td><td {LEFT}>{pin or '–'}</td></tr>"
            for name, purpose, installed, pin in self.rows
        )
        colour = "#070" if self.ok else "#b00"
        return (
            f"<table style='margin-left:0'><tr><th {LEFT}>package</th><th {LEFT}>used for</th>"
            f"<th {LEFT}>installed</th><th {LEFT}>tested with</th></tr>{cells}</table>"
            f"<p style='color:{colour}'><b>{html.escape(self.summary())}</b> "
            f"(Python {platform.python_version()})</p>"
        )

    def __repr__(self) -> str:
        return self.summary()


def _pins() -> dict[str, str]:
    if not CONSTRAINTS.exists():  # e.g. helpers installed on Colab without the repository
        return {}
    lines = CONSTRAINTS.read_text().splitlines()
    return {line.split("==")[0].lower(): line.split("==")[1] for line in lines if "==" in line}


def check_environment() -> Report:
    """Which required packages are installed, at which versions, against the tested pins."""
    pins = _pins()
    rows = []
    for name, purpose in REQUIRED.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        rows.append((name, purpose, installed, pins.get(name)))
    return Report(rows)
