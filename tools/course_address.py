"""The course's public address: one setting, ``[project.urls] Repository`` in ``pyproject.toml``.

Everything that needs the address (launch links, badges, the Colab install cell, the hub link)
reads it through :func:`repository`, so a fork that changes this one line changes them all.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_GITHUB = re.compile(
    r"^https://github\.com/([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100})$"
)


def repository(pyproject: Path = ROOT / "pyproject.toml") -> str | None:
    """``"owner/name"`` of the public GitHub repository, or ``None`` while no address is set."""
    urls = tomllib.loads(Path(pyproject).read_text()).get("project", {}).get("urls", {})
    url = urls.get("Repository", "").rstrip("/")
    if not url:
        return None
    match = _GITHUB.match(url)
    if match is None:
        raise ValueError(
            f"[project.urls] Repository = {url!r} in {pyproject} is not a GitHub address "
            "of the form https://github.com/owner/name"
        )
    return f"{match[1]}/{match[2]}"
