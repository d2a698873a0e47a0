"""Notebook 01's explorers and figures: drive every control over its whole range and read back
what the figure shows."""

import numpy as np
import pytest
from sliders import sweep

from helpers import Himmelblau, LinearRegression, Quadratic, Saddle
from helpers.data import house_prices, linear_data
from helpers.explorers.landscape import (
    CurvatureExplorer,
    LandscapeExplorer,
    LineFitExplorer,
)
from helpers.objectives import default_objectives, line_loss
from helpers.plots.landscape import (
    basins_figure,
    contour_and_surface,
    cross_sections,
    ellipse_points,
    interpolation_figure,
    slice_figure,
    surface_gallery,
)

PNG = b"\x89PNG"


def full_draws(explorer, slider, values) -> int:
    """How many times changing the slider through ``values`` redraws the whole canvas.

    A control change must only blit the moving artists over the cached background (a full
    draw costs ~60 ms here, a blit ~20 ms including the PNG), so the answer should be 0.
    """
    calls = []
    draw = explorer.canvas.draw
    explorer.canvas.draw = lambda *args, **kwargs: calls.append(1) or draw(*args, **kwargs)
    try:
        for value in values:
            slider.value = value
            assert explorer.message == ""
    finally:
        explorer.canvas.draw = draw
    return len(calls)


# -- from data to a loss -----------------------------------------------------------------------
def test_house_prices_are_seeded_and_line_loss_is_the_mean_squared_residual():
    x, y = house_prices()
    np.testing.assert_array_equal(x, house_prices()[0])
    assert x.shape == y.shape == (15,)
    w = np.array([0.0, 2.5, 3.0])
    expected = [np.mean((wi * x - y) ** 2) for wi in w]
    np.testing.assert_allclose(line_loss(w, x, y), expected)
    assert line_loss(2.5, x, y).shape == ()


def test_line_fit_explorer_draws_line_residuals_and_the_point_on_the_curve(strict):
    x, y = house_prices()
    explorer = LineFitExplorer(x, y, w=2.0)
    assert explorer.image.value[:4] == PNG
    xs, ys = explorer.line.get_data()
    np.testing.assert_allclose(ys, 2.0 * np.asarray(xs))
    rx, ry = explorer.residuals.get_data()
    # segments (xᵢ, yᵢ) → (xᵢ, 2·xᵢ), separated by NaN
    np.testing.assert_allclose(np.asarray(ry)[0::3], y)
    np.testing.assert_allclose(np.asarray(ry)[1::3], 2.0 * x)
    assert np.all(np.isnan(np.asarray(rx)[2::3]))
    (w,), (loss,) = explorer.point.get_data()
    assert w == 2.0 and np.isclose(loss, line_loss(2.0, x, y))
    assert explorer.title.startswith("w = 2.00 k€/m²:")
    assert f"{line_loss(2.0, x, y):,.0f}" in explorer.title


def test_line_fit_explorer_slope_over_its_whole_range(strict):
    x, y = house_prices()
    explorer = LineFitExplorer(x, y)
    losses = []
    for w in sweep(explorer.w, n=31):
        explorer.w.value = w
        assert explorer.message == ""
        (_,), (loss,) = explorer.point.get_data()
        assert np.isclose(loss, line_loss(explorer.w.value, x, y))
        losses.append(loss)
    # the curve is a parabola: down, then up, with its bottom at w* = mean(xy) / mean(x²)
    best = np.mean(x * y) / np.mean(x * x)
    w_values = sweep(explorer.w, n=31)
    assert abs(w_values[int(np.argmin(losses))] - best) < 0.2
    assert losses[0] > losses[int(np.argmin(losses))] < losses[-1]


def test_line_fit_explorer_only_blits():
    x, y = house_prices()
    explorer = LineFitExplorer(x, y)
    assert full_draws(explorer, explorer.w, np.linspace(0, 6, 31)) == 0


# -- curvature and conditioning ----------------------------------------------------------------
def test_ellipse_points_lie_on_the_contour():
    for kappa, angle in [(1, 0), (10, 30), (1000, 135)]:
        q = Quadratic(kappa, angle)
        ring = ellipse_points(q.center, q.hessian, level=0.3)
        np.testing.assert_allclose(q.value(ring), 0.3)
    regression = LinearRegression(*linear_data()[:2])
    best = regression.minima[0]
    ring = ellipse_points(best, regression.hessian, level=0.5)
    np.testing.assert_allclose(regression.value(ring) - regression.min_value, 0.5)


def test_conditioning_explorer_shows_the_quadratic_it_names(strict):
    explorer = CurvatureExplorer(condition_number=100, angle=30)
    q = explorer.objective
    assert np.isclose(q.condition_number, 100) and q.angle == 30
    # every drawn contour is a level set of f
    levels = [q.value(np.c_[line.get_data()]) for line in explorer.contours]
    for values in levels:
        np.testing.assert_allclose(values, values[0])
    assert np.all(np.diff([values[0] for values in levels]) > 0)  # nested, inside out
    # arrows along the eigenvectors, lengths ∝ 1/√λ: their ratio is √κ
    lengths = [np.hypot(*arrow.xy) for arrow in explorer.arrows]
    assert np.isclose(lengths[0] / lengths[1], np.sqrt(100))
    for arrow, vector in zip(explorer.arrows, q.eigenvectors.T, strict=True):
        assert np.isclose(abs(np.dot(arrow.xy, vector)), np.hypot(*arrow.xy))
    # the flat arrow's tip lies on the bold contour (size 1): it is that ellipse's semi-axis
    bold = explorer.contours[explorer.sizes.index(1.0)]
    assert np.isclose(q.value(np.array(explorer.arrows[0].xy)), q.value(bold.get_xydata()[0]))
    assert [label.get_text() for label in explorer.labels] == ["λ = 0.01", "λ = 1"]
    assert "κ = λmax/λmin = 1/0.01 = 100" in explorer.title
    assert "× 0.980 per step" in explorer.title
    x, y = explorer.path.get_data()
    assert len(x) == explorer.steps + 1
    flat_s, flat_f = explorer.flat_curve.get_data()
    np.testing.assert_allclose(flat_f, 0.5 * 0.01 * np.asarray(flat_s) ** 2)


def test_conditioning_explorer_every_control_over_its_whole_range(strict):
    explorer = CurvatureExplorer()
    for kappa in sweep(explorer.kappa, n=13):
        explorer.kappa.value = kappa
        assert explorer.message == ""
        kappa = explorer.kappa.value
        rate = (kappa - 1) / (kappa + 1)
        assert f"× {rate:.3f} per step" in explorer.title
        assert np.isclose(explorer.objective.condition_number, kappa)
        # gradient descent with the best η: the distance shrinks by exactly ρ per step
        distance = np.linalg.norm(explorer.result.path, axis=1)
        np.testing.assert_allclose(distance[1:], distance[0] * rate ** np.arange(1, 26), atol=1e-12)
        assert not explorer.result.diverged
    for angle in sweep(explorer.angle, n=37):
        explorer.angle.value = int(angle)
        assert explorer.message == ""
        assert f"rotation {int(angle)}°" in explorer.title
        for label in explorer.labels:  # the λ labels stay inside the axes
            assert np.all(np.abs(label.get_position()) <= 2.2)


def test_conditioning_at_kappa_one_reaches_the_minimum_in_one_step(strict):
    explorer = CurvatureExplorer(condition_number=1)
    np.testing.assert_allclose(explorer.result.path[1], 0, atol=1e-12)
    assert "= 1, rotation" in explorer.title


def test_conditioning_explorer_only_blits():
    explorer = CurvatureExplorer()
    assert full_draws(explorer, explorer.kappa, np.geomspace(1, 1000, 31)) == 0
    assert full_draws(explorer, explorer.angle, range(0, 181, 5)) == 0


# -- non-convex landscapes ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def landscape():
    return LandscapeExplorer(default_objectives(), value="Beale")


def test_landscape_explorer_shades_the_flat_region_it_reports(landscape, strict):
    landscape.picker.value = "Beale"
    landscape.threshold.value = 1e-3
    norm = landscape.panels["Beale"]["norm"]
    flat = norm < 1e-3 * norm.max()
    shaded = landscape.panels["Beale"]["overlay"].get_array()[..., 3] > 0
    np.testing.assert_array_equal(shaded, flat)
    assert 0.3 < landscape.flat_fraction == flat.mean()
    assert landscape.title.startswith("Beale: ‖∇f‖ < 1e−03 × max on 36.2% of the square")


def test_landscape_explorer_every_control_over_its_whole_range(landscape, strict):
    names = list(landscape.objectives)
    assert "x²" not in names and len(names) == 7  # the 2-D objectives only
    for name in names:
        landscape.picker.value = name
        fractions = []
        for tau in sweep(landscape.threshold, n=6):
            landscape.threshold.value = tau
            assert landscape.message == "", (name, tau, landscape.message)
            assert landscape.title.startswith(f"{name}: ‖∇f‖ < ")
            fractions.append(landscape.flat_fraction)
        assert np.all(np.diff(fractions) >= 0) and 0 <= fractions[0] <= fractions[-1] <= 1
        # only the chosen function's axes and overlay are shown
        for other in landscape.panels:
            visible = [artist.get_visible() for artist in landscape._artists(other)]
            assert all(visible) if other == name else not any(visible)


def test_landscape_explorer_picture_after_a_switch_equals_a_full_redraw(landscape):
    """The cached per-function backgrounds give the same picture as drawing from scratch."""
    import io

    from PIL import Image

    landscape.picker.value = "Himmelblau"
    landscape.picker.value = "Rastrigin"
    landscape.threshold.value = 1e-2
    fast = np.asarray(Image.open(io.BytesIO(landscape.image.value)).convert("RGB"), dtype=int)
    full = np.asarray(Image.open(io.BytesIO(landscape.render_full())).convert("RGB"), dtype=int)
    assert fast.shape == full.shape
    assert np.mean(np.abs(fast - full)) < 1.0


def test_landscape_explorer_only_blits_even_when_the_function_changes(landscape):
    assert full_draws(landscape, landscape.threshold, np.geomspace(1e-6, 1e-1, 31)) == 0
    names = list(landscape.objectives)
    assert full_draws(landscape, landscape.picker, [names[k % 7] for k in range(31)]) == 0


# -- static figures ----------------------------------------------------------------------------
def test_static_figures_render(strict):
    regression = LinearRegression(*linear_data()[:2])
    figures = [
        contour_and_surface(regression, title="t", zlabel="L"),
        surface_gallery(
            {"Himmelblau": Himmelblau(), "saddle": Saddle()}, views={"saddle": (25, -30)}
        ),
        cross_sections(Saddle(), [0, 0], {"θ₁": [1, 0], "θ₂": [0, 1]}),
        interpolation_figure(np.linspace(-0.5, 1.5, 9), np.geomspace(0.7, 0.02, 9)),
        slice_figure(
            np.linspace(-1, 1, 5), np.linspace(-1, 1, 5), np.arange(1.0, 26).reshape(5, 5)
        ),
    ]
    X, Y = np.meshgrid(np.linspace(-5, 5, 20), np.linspace(-5, 5, 20))
    basin = (X > 0).astype(int) + 2 * (Y > 0)
    figures.append(basins_figure(Himmelblau(), X, Y, basin, starts=[[1, 1]]))
    for figure in figures:
        assert figure._repr_png_()[:4] == PNG


def test_cross_sections_draw_f_along_each_direction():
    figure = cross_sections(Saddle(), [0, 0], {"x": [1, 0], "y": [0, 1]})
    along_x, along_y = figure.axes[0].lines[:2]
    s, fx = along_x.get_data()
    np.testing.assert_allclose(fx, np.asarray(s) ** 2)
    s, fy = along_y.get_data()
    np.testing.assert_allclose(fy, np.asarray(s) ** 4 / 4 - np.asarray(s) ** 2 / 2)
