"""What every explorer test needs: the values to drive a control through, and a picture check."""

from __future__ import annotations

import base64

import ipywidgets
import numpy as np


def sweep(control, n: int = 25) -> list:
    """Values from a control's minimum to its maximum, both included: every option of a
    selection slider or dropdown, n stops of a (log) slider."""
    if hasattr(control, "options"):
        return list(control.options)
    if hasattr(control, "base"):  # a log slider: its min and max are exponents
        return list(control.base ** np.linspace(control.min, control.max, n))
    values = np.linspace(control.min, control.max, n)
    return list(np.unique(values.astype(type(control.value))))


def shows_a_picture(explorer) -> bool:
    """The widget the browser shows holds a PNG, and the static copy for viewers without a
    kernel is that same PNG."""
    png = explorer.image.value
    assert isinstance(explorer.image, ipywidgets.Image) and png[:4] == b"\x89PNG"
    bundle, metadata = explorer._repr_mimebundle_()
    width, height = explorer.screen_size  # shown at its size in screen pixels, not image pixels
    assert metadata["image/png"] == {"width": width, "height": height}
    return base64.b64decode(bundle["image/png"]) == png


def every_label_in_full(explorer) -> list:
    """The controls whose label may be cut ("λ (w…"): a description in a box of fixed width."""
    cut = []
    for control in explorer.controls:
        parts = getattr(control, "children", None) or [control]
        for part in parts:
            # (a Play button's description is not drawn; a checkbox's is drawn after it, whole)
            if isinstance(part, ipywidgets.Play | ipywidgets.Checkbox):
                continue
            text = getattr(part, "description", "")
            style = getattr(part, "style", None)
            width = getattr(style, "description_width", "initial") if style else "initial"
            if text and hasattr(style, "description_width") and width != "initial":
                cut.append(text)
    return cut


def batch_size_explorer(lr: float = 0.3, batch_size: int = 32, steps: int = 200):
    """04's batch-size explorer: mini-batch SGD (B from a slider) beside gradient descent on
    the line data's loss, η on a slider up to 1."""
    from helpers import SGD, LinearRegression
    from helpers.data import linear_data
    from helpers.engine import batch_size_slider, lr_slider
    from helpers.explorers import ContourExplorer, Setup
    from helpers.minibatch import MinibatchGradient

    data = linear_data()
    loss = LinearRegression(data.x, data.y)

    def runs(lr, B):
        noisy = Setup(SGD(lr=lr), MinibatchGradient(loss, batch_size=B, seed=0))
        return {"gradient descent (B = n)": SGD(lr=lr), "mini-batch SGD": noisy}  # as in 03

    return ContourExplorer(
        loss,
        runs,
        lr=lr_slider(lr, high=1.0),
        B=batch_size_slider(len(data.x), batch_size),
        steps=steps,
    )
