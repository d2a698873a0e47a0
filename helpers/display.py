"""How the explorers show their pictures: pixel density and classroom mode, read in one place.

**Pixel density.** Pictures are drawn at ``density`` (2 by default) image pixels per screen
pixel, so they stay sharp on HiDPI screens, projectors and a page zoomed to 150–200 %; the page
shows them at their natural size in screen pixels, shrunk (never stretched, never distorted)
when the column is narrower. ``COURSE_DENSITY=1`` draws them at one pixel per screen pixel.

**Classroom mode** is for projecting the course: every figure text is at least
:data:`CLASSROOM_TEXT_PX` screen pixels tall, sliders, buttons and readouts are larger, and each
explorer fits a 1280 × 720 screen. It is one switch for the whole course, kept in a small
settings file, so turning it on in one notebook turns it on for every explorer made from then
on, in every notebook, until it is turned off::

    from helpers.display import classroom_switch
    classroom_switch()          # a toggle button: classroom mode on / off

or, in code, ``set_classroom(True)`` / ``set_classroom(False)``. A teacher can also start
JupyterLab with the environment variable ``COURSE_CLASSROOM=1`` (``make classroom`` does), which
wins over the file while it is set. Explorers read the setting when they are made: re-run an
explorer's cell (or Restart & Run All) after switching.

The settings file is ``$COURSE_SETTINGS`` if that is set, else
``$XDG_CONFIG_HOME/optimizer-course/settings.json`` (``~/.config/…`` without ``XDG_CONFIG_HOME``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as widgets

__all__ = [
    "Display",
    "display_settings",
    "classroom_on",
    "set_classroom",
    "classroom_switch",
    "settings_path",
    "CLASSROOM_TEXT_PX",
]

CLASSROOM_TEXT_PX = 24  # the usual minimum for a 16:9 slide read from the back of a room
# A classroom explorer's picture, in screen pixels: the notebook column of JupyterLab at
# 1280 px with the file browser closed is ~1150 px wide, and a 720 px screen leaves ~600 px
# under JupyterLab's bars, of which the controls take up to ~150.
CLASSROOM_WIDTH_PX = 1100
CLASSROOM_HEIGHT_PX = 430  # at most: less when the controls take more than two rows
CLASSROOM_SCREEN_PX = 600  # what JupyterLab at 1280 × 720 shows of a notebook (measured)


def classroom_height(controls) -> int:
    """The picture's height in classroom mode: what the screen leaves under the controls.

    ``controls`` are the (width, height) of each control in classroom sizes, in screen pixels;
    they wrap into rows as the explorer's box does, each row as tall as its tallest control.
    """
    rows, used, row_height, total = 0, 0, 0, 0
    for width, height in controls:
        if used and used + width > CLASSROOM_WIDTH_PX:
            total, used, row_height = total + row_height, 0, 0
        if used == 0:
            rows += 1
        used += width
        row_height = max(row_height, height)
    total += row_height
    return int(min(CLASSROOM_HEIGHT_PX, max(280, CLASSROOM_SCREEN_PX - 30 - total)))


_TRUE, _FALSE = {"1", "on", "true", "yes"}, {"0", "off", "false", "no", ""}


@dataclass(frozen=True)
class Display:
    """What an explorer needs to know about the screen: density and classroom mode."""

    density: float = 2.0
    classroom: bool = False


def settings_path() -> Path:
    if os.environ.get("COURSE_SETTINGS"):
        return Path(os.environ["COURSE_SETTINGS"])
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "optimizer-course" / "settings.json"


def _read_file() -> dict:
    try:
        settings = json.loads(settings_path().read_text())
    except (OSError, ValueError):  # no file yet, or one a person broke: the defaults
        return {}
    return settings if isinstance(settings, dict) else {}


def _flag(name: str) -> bool | None:
    value = os.environ.get(name)
    if value is None:
        return None
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be one of {sorted(_TRUE | _FALSE)}, got {value!r}")


def classroom_on() -> bool:
    """Classroom mode: ``COURSE_CLASSROOM`` if set, else the settings file, else off."""
    from_env = _flag("COURSE_CLASSROOM")
    if from_env is not None:
        return from_env
    return bool(_read_file().get("classroom", False))


def set_classroom(on: bool) -> None:
    """Turn classroom mode on or off for every explorer made from now on, in every notebook."""
    if not isinstance(on, bool):
        raise ValueError(f"on must be True or False, got {on!r}")
    path = settings_path()
    settings = _read_file()
    settings["classroom"] = on
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2) + "\n")


def display_settings() -> Display:
    """The one place the engine learns how to draw (read each time an explorer is made)."""
    density = os.environ.get("COURSE_DENSITY", "2")
    try:
        value = float(density)
    except ValueError:
        value = float("nan")
    if not 1 <= value <= 4:
        raise ValueError(f"COURSE_DENSITY must be a number from 1 to 4, got {density!r}")
    return Display(density=value, classroom=classroom_on())


def classroom_switch() -> widgets.ToggleButton:
    """A toggle button for classroom mode; it writes the setting every notebook reads."""
    forced = _flag("COURSE_CLASSROOM")
    button = widgets.ToggleButton(
        value=classroom_on(),
        icon="desktop",
        layout=widgets.Layout(width="auto"),
        tooltip="larger text and controls, each explorer fits a 1280 × 720 screen",
    )

    def show(on: bool) -> None:
        button.description = "classroom mode: " + ("ON (click to turn off)" if on else "off")
        button.button_style = "success" if on else ""

    def changed(change) -> None:
        set_classroom(change["new"])
        show(change["new"])

    show(button.value)
    if forced is not None:  # the variable wins over the file: say so rather than pretend
        button.disabled = True
        button.description += " (set by COURSE_CLASSROOM)"
    button.observe(changed, names="value")
    return button
