"""Progress bars for anything that takes more than a second."""

from __future__ import annotations

import os

from tqdm.auto import tqdm

__all__ = ["progress", "end_early"]


def progress(iterable=None, **kwargs):
    """``tqdm.auto.tqdm`` (a widget bar in Jupyter, text in a terminal) that honours
    ``TQDM_DISABLE=1`` everywhere: ``tqdm.notebook`` passes ``disable=False`` itself and so
    ignores the variable, and the test runs set it to keep outputs deterministic."""
    if os.environ.get("TQDM_DISABLE", "").lower() in ("1", "true", "yes"):
        kwargs["disable"] = True
    return tqdm(iterable, **kwargs)


def end_early(bar, done: int, description: str) -> None:
    """Show a bar whose work ended early, on purpose, as finished: its total becomes the
    ``done`` steps (Jupyter turns a bar closed short of its total red, "failed"), and the
    widget's length follows: tqdm.notebook keeps the first total as the widget's maximum, so
    a new total alone left the bar 92 % full beside "100 %" (a student saw it)."""
    bar.total = done
    container = getattr(bar, "container", None)  # tqdm.notebook's (text, bar, text) row
    if container is not None:
        container.children[1].max = done
    bar.set_description(description)
    bar.refresh()
