"""Notebook 10's explorers, driven from Python: every control over its range, a picture each time,
and what the figure shows checked against an independent computation."""

import re

import numpy as np
import pytest
from sliders import every_label_in_full, shows_a_picture, sweep

from helpers.explorers.modern import (
    NewtonSchulzExplorer,
    ScheduleFreeExplorer,
    sign_step_explorer,
)


def test_sign_step_explorer_lion_moves_by_eta(strict):
    explorer = sign_step_explorer(steps=40)
    assert shows_a_picture(explorer)
    for lr in sweep(explorer.named_controls["lr"], n=6):
        explorer.named_controls["lr"].value = lr
        assert explorer.message == "", explorer.message
        x, y = explorer.paths["Lion"].get_data()
        eta = explorer.named_controls["lr"].value
        np.testing.assert_allclose(np.abs(np.diff(x)), eta, rtol=1e-9)
        np.testing.assert_allclose(np.abs(np.diff(y)), eta, rtol=1e-9)
    explorer.picker.value = "Rosenbrock"
    assert explorer.message == "" and "Lion" in explorer.title


def test_newton_schulz_explorer_every_control(strict):
    explorer = NewtonSchulzExplorer()
    assert shows_a_picture(explorer)
    for kind in sweep(explorer.kind):
        explorer.kind.value = kind
        for k in sweep(explorer.steps):
            explorer.steps.value = int(k)
            assert explorer.message == "", explorer.message
        for kappa in sweep(explorer.kappa, n=5):
            explorer.kappa.value = kappa
            assert explorer.message == ""


def test_newton_schulz_explorer_shows_the_iteration():
    """The dots after k steps are the singular values of k Newton–Schulz steps on a matrix with
    those singular values, computed with numpy's SVD (not the explorer's polynomial)."""
    from helpers.optimizers import newton_schulz

    explorer = NewtonSchulzExplorer()
    explorer.kappa.value = 100.0
    explorer.steps.value = 5
    before, after = explorer.before.get_xdata(), explorer.after.get_ydata()
    rng = np.random.default_rng(0)
    u, _ = np.linalg.qr(rng.normal(size=(10, 8)))
    v, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    matrix = u @ np.diag(before) @ v.T
    measured = np.linalg.svd(newton_schulz(matrix, steps=5), compute_uv=False)
    np.testing.assert_allclose(np.sort(after), np.sort(measured), rtol=1e-9)
    assert "[0.70, 1.13]" in explorer.title
    explorer.steps.value = 0
    np.testing.assert_allclose(explorer.after.get_ydata(), before)  # nothing happens
    # and in the picture: each "after" dot on its "before" dot (drawn at height σ, not 0)
    np.testing.assert_allclose(explorer.before.get_ydata(), explorer.after.get_ydata())
    # and in the title: the same interval written the same way twice
    now, was = re.search(r"lie in (\[.*?\]) \(they were in (\[.*?\])\)", explorer.title).groups()
    assert now == was, explorer.title


def test_newton_schulz_explorer_names_each_polynomial_in_full():
    """The dropdown's names are short (a 300 px dropdown cut the quintic's coefficients off);
    the left panel's title writes the chosen polynomial with its coefficients."""
    from helpers.explorers.modern import COEFFICIENTS

    explorer = NewtonSchulzExplorer()
    for name, coefficients in COEFFICIENTS.items():
        explorer.kind.value = name
        assert len(name) <= 16
        title = explorer.ax.get_title()
        for c in coefficients:
            assert c == 0 or f"{abs(c):g}" in title, (name, title)


def test_schedule_free_explorer_every_control(strict):
    explorer = ScheduleFreeExplorer(steps=120, runs=4)
    assert shows_a_picture(explorer)
    for h in sweep(explorer.horizon):
        explorer.horizon.value = h
        for lr in sweep(explorer.lr)[::4]:
            explorer.lr.value = lr
            assert explorer.message == "", explorer.message
    explorer.horizon.value = 1.0  # the right horizon: the blue and the grey curve coincide
    np.testing.assert_array_equal(explorer.wrong.get_ydata(), explorer.right.get_ydata())


def test_schedule_free_explorer_curve_is_the_average_of_the_runs():
    """The orange curve at the chosen η, recomputed from the paper's equations (y, z, x, v) on
    the same noise the explorer drew, without the optimizer classes."""
    steps, runs, warmup = 60, 3, 20
    explorer = ScheduleFreeExplorer(steps=steps, runs=runs, warmup=warmup)
    explorer.lr.value = 0.05
    i = explorer.lr.options.index(0.05)
    total = runs * len(explorer.stops)
    h = np.geomspace(1.0, 0.1, 10)
    rng = np.random.default_rng(0)
    z = x = y = np.ones((runs, 10))
    v, weight_sum, lr_max, curve = np.zeros((runs, 10)), 0.0, -1.0, [0.5 * np.sum(h * y**2, -1)]
    for t in range(1, steps + 1):
        noise = rng.normal(size=(total, 10))[i * runs : (i + 1) * runs]
        g = h * y + noise
        lr = 0.05 * min(1.0, t / warmup)
        lr_max = max(lr, lr_max)
        weight_sum += lr_max**2
        c = lr_max**2 / weight_sum
        v = 0.999 * v + 0.001 * g * g
        z = z - lr * g / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        x = (1 - c) * x + c * z
        y = 0.1 * z + 0.9 * x
        curve.append(0.5 * np.sum(h * x**2, -1))
    np.testing.assert_allclose(explorer.sf.get_ydata(), np.mean(curve, axis=1), rtol=1e-9)
    assert "η = 0.05" in explorer.title


@pytest.mark.parametrize("classroom", ["0", "1"])
def test_every_label_in_full(monkeypatch, classroom):
    # ("NS st…" and "poly…" were cut at classroom text sizes)
    monkeypatch.setenv("COURSE_CLASSROOM", classroom)
    for make in (NewtonSchulzExplorer, ScheduleFreeExplorer, lambda: sign_step_explorer(steps=40)):
        assert every_label_in_full(make()) == []


@pytest.mark.parametrize("classroom", ["0", "1"])
def test_schedule_free_legend_off_the_curves(monkeypatch, classroom):
    # at η = 0.3 the curves fill the upper right, where the legend once struck them out
    monkeypatch.setenv("COURSE_CLASSROOM", classroom)
    explorer = ScheduleFreeExplorer()
    explorer.lr.value = explorer.lr.options[-1]
    explorer.render()
    renderer = explorer.canvas.get_renderer()
    legend = explorer.ax.get_legend().get_window_extent(renderer)
    assert not legend.overlaps(explorer.ax.bbox)
    assert legend.x0 >= 0 and legend.x1 <= explorer.figure.bbox.x1
    assert not legend.overlaps(explorer._title.get_window_extent(renderer))
