"""Explorers driven from Python: set a control's value, read back what the figure shows."""

import warnings

import numpy as np
import pytest

from helpers.engine import Explorer, lr_slider
from helpers.explorers import ParabolaGD


@pytest.fixture
def strict():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def sweep(slider, n=25):
    """Every value a slider can take, from its minimum to its maximum, in n stops."""
    if hasattr(slider, "base"):  # a log slider: its min/max are exponents
        return slider.base ** np.linspace(slider.min, slider.max, n)
    return np.unique(np.linspace(slider.min, slider.max, n).astype(type(slider.value)))


def test_parabola_explorer_shows_its_run(strict):
    explorer = ParabolaGD(lr=0.1, steps=20)
    x, fx = explorer.zigzag.get_data()
    np.testing.assert_allclose(x, 10 * 0.8 ** np.arange(21))
    np.testing.assert_allclose(fx, x**2)
    assert explorer.title.startswith("η = 0.1: |x| × 0.8 per step")
    assert explorer.image.value[:4] == b"\x89PNG"


def test_parabola_explorer_every_control_over_its_whole_range(strict):
    explorer = ParabolaGD()
    for lr in sweep(explorer.lr):
        explorer.lr.value = lr
        assert explorer.message == "", explorer.message
        assert explorer.title.startswith(f"η = {explorer.lr.value:.3g}")
    for steps in sweep(explorer.steps):
        explorer.steps.value = int(steps)
        assert explorer.message == ""
        assert len(explorer.zigzag.get_data()[0]) == int(steps) + 1


def test_parabola_explorer_largest_learning_rate_says_diverged(strict):
    explorer = ParabolaGD(steps=60)
    explorer.lr.value = 10**explorer.lr.max
    assert "diverged at step" in explorer.title
    assert explorer.message == ""


def test_one_update_per_change_and_the_picture_changes():
    explorer = ParabolaGD()
    before = explorer.image.value
    explorer.lr.value = 0.3
    assert explorer.image.value != before


class Broken(Explorer):
    def __init__(self):
        self.slider = lr_slider()
        super().__init__([self.slider])
        self.figure.subplots()
        self.refresh()

    def update(self):
        if self.slider.value > 1:
            raise ValueError("lr=2 is too large for this demo")


def test_an_error_in_a_callback_is_shown_in_the_figure_area():
    explorer = Broken()
    size = explorer.image.layout.width, explorer.image.layout.height
    explorer.slider.value = 2.0
    assert explorer.message == "ValueError: lr=2 is too large for this demo"
    assert explorer.image.value[:4] == b"\x89PNG"
    assert (explorer.image.layout.width, explorer.image.layout.height) == size
    explorer.slider.value = 0.5  # and it recovers
    assert explorer.message == ""


def test_display_bundle_carries_a_static_picture():
    bundle = ParabolaGD()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"].startswith("iVBOR")  # base64 of the PNG signature
