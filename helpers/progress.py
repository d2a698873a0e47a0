"""Progress bars for anything that takes more than a second."""

from __future__ import annotations

import os

from tqdm.auto import tqdm

__all__ = ["progress"]


def progress(iterable=None, **kwargs):
    """``tqdm.auto.tqdm`` (a widget bar in Jupyter, text in a terminal) that honours
    ``TQDM_DISABLE=1`` everywhere: ``tqdm.notebook`` passes ``disable=False`` itself and so
    ignores the variable, and the test runs set it to keep outputs deterministic."""
    if os.environ.get("TQDM_DISABLE", "").lower() in ("1", "true", "yes"):
        kwargs["disable"] = True
    return tqdm(iterable, **kwargs)
