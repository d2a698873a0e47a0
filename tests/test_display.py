"""Pictures for the screen and the classroom: the PNG writer, the pixel density, the one
classroom switch, classroom layouts (text size, nothing off the picture) and Play's counter."""

from __future__ import annotations

import io
import json

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.text import Text
from PIL import Image
from sliders import batch_size_explorer

from helpers import SGD, Quadratic
from helpers.display import (
    CLASSROOM_TEXT_PX,
    classroom_on,
    classroom_switch,
    display_settings,
    set_classroom,
    settings_path,
)
from helpers.engine import encode_png, is_banner, lr_slider
from helpers.explorers import ContourExplorer, ParabolaGD


def decoded(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


# -- the PNG writer ----------------------------------------------------------------------------
def test_png_writer_is_lossless_by_an_independent_decoder():
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)  # odd sizes, no structure
    assert np.array_equal(decoded(encode_png(noise)), noise)
    explorer = ContourExplorer(Quadratic(10, 20), lambda lr: {"GD": SGD(lr=lr)}, lr=lr_slider())
    rgba = np.asarray(explorer.canvas.buffer_rgba())
    assert np.array_equal(decoded(explorer.image.value), rgba)


@pytest.mark.parametrize(
    "bad", [np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4, 4), np.float64), np.zeros((4, 4))]
)
def test_png_writer_names_what_it_needs(bad):
    with pytest.raises(ValueError, match="rgba must be a height × width × 4 uint8"):
        encode_png(bad)


# -- pixel density ----------------------------------------------------------------------------
@pytest.mark.parametrize("density", ["1", "2"])
def test_pictures_are_drawn_for_the_density_and_shown_undistorted(monkeypatch, density):
    monkeypatch.setenv("COURSE_DENSITY", density)
    explorer = ParabolaGD(lr=0.1)
    width, height = explorer.screen_size
    assert (width, height) == (900, 360)  # ParabolaGD's 9 × 3.6 inches at 100 px per inch
    image = decoded(explorer.image.value)
    assert image.shape[:2] == (height * int(density), width * int(density))
    layout = explorer.image.layout
    # The browser's rule for "shrink, never stretch, keep the aspect ratio": width follows
    # the column up to the natural size, height follows the width.
    assert (layout.width, layout.max_width, layout.height) == ("100%", f"{width}px", "auto")


@pytest.mark.parametrize("value", ["0.5", "8", "two"])
def test_density_outside_its_range_is_refused(monkeypatch, value):
    monkeypatch.setenv("COURSE_DENSITY", value)
    with pytest.raises(ValueError, match="COURSE_DENSITY must be a number from 1 to 4"):
        display_settings()


# -- the classroom switch -----------------------------------------------------------------------
def test_the_switch_persists_in_one_file_and_the_variable_wins(monkeypatch):
    assert not classroom_on()  # off unless asked
    switch = classroom_switch()
    switch.value = True  # what a click does
    assert json.loads(settings_path().read_text())["classroom"] is True
    assert classroom_on() and display_settings().classroom
    assert "ON" in switch.description
    monkeypatch.setenv("COURSE_CLASSROOM", "0")
    assert not classroom_on()
    assert classroom_switch().disabled  # the variable decides: the button says so
    monkeypatch.delenv("COURSE_CLASSROOM")
    switch.value = False
    assert not classroom_on()
    settings_path().unlink()


def test_bad_switch_values_are_refused(monkeypatch):
    with pytest.raises(ValueError, match="on must be True or False"):
        set_classroom("yes")
    monkeypatch.setenv("COURSE_CLASSROOM", "maybe")
    with pytest.raises(ValueError, match="COURSE_CLASSROOM must be one of"):
        classroom_on()


def test_a_broken_settings_file_means_the_defaults():
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text("{not json")
    assert not classroom_on()
    settings_path().unlink()


# -- classroom layouts ------------------------------------------------------------------------
def every_explorer():
    from helpers.explorers.adaptive import AdaptiveInspector
    from helpers.explorers.descent import ConditioningExplorer
    from helpers.explorers.landscape import CurvatureExplorer
    from helpers.explorers.momentum import EMAExplorer, NesterovExplorer, RateMapExplorer
    from helpers.explorers.schedules import ScheduleExplorer

    return {
        "ParabolaGD": lambda: ParabolaGD(lr=0.1, step_by_step=True),
        "ContourExplorer": lambda: ContourExplorer(
            Quadratic(10, 20), lambda lr: {"GD": SGD(lr=lr)}, lr=lr_slider(0.1)
        ),
        "ConditioningExplorer": lambda: ConditioningExplorer(lr=0.3, condition_number=20),
        "CurvatureExplorer": lambda: CurvatureExplorer(condition_number=10, angle=30),
        "EMAExplorer": lambda: EMAExplorer(beta=0.9),
        "NesterovExplorer": lambda: NesterovExplorer(lr=0.5, beta=0.9),
        "RateMapExplorer": lambda: RateMapExplorer(condition_number=100, lr=1.0, beta=0.73),
        "AdaptiveInspector": AdaptiveInspector,
        "ScheduleExplorer": lambda: ScheduleExplorer(name="cosine", lr=0.5, steps=300),
    }


@pytest.mark.parametrize("name", list(every_explorer()))
def test_classroom_text_is_24_px_and_stays_on_the_picture(monkeypatch, name):
    monkeypatch.setenv("COURSE_CLASSROOM", "1")
    explorer = every_explorer()[name]()
    assert explorer.message == ""
    width, height = explorer.screen_size  # fits a 1280 × 720 screen (the browser suite checks)
    assert width == 1100 and 280 <= height <= 430
    assert "course-classroom" in explorer.widget._dom_classes
    renderer = explorer.canvas.get_renderer()
    figure_box = explorer.figure.bbox
    texts = [t for t in explorer.figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert len(texts) > 5
    small = []
    for text in texts:
        px = text.get_fontsize() * explorer.screen_dpi / 72  # CSS px at natural size
        if px < CLASSROOM_TEXT_PX - 1e-6:
            small.append((text.get_text(), round(px, 1)))
    assert not small, f"text below {CLASSROOM_TEXT_PX} px: {small}"
    if explorer._title is not None:  # the title, as drawn (wrapped), stays on the picture
        title = explorer._title
        text = title.get_text()
        title.set_text(title._get_wrapped_text())
        box = title.get_window_extent(renderer)
        title.set_text(text)
        assert box.x0 >= -1 and box.x1 <= figure_box.x1 + 1, f"{name}: the title runs off"
        assert box.y1 <= figure_box.y1 + 1 and text.count("\n") + 1 <= 2
    # Tick labels, axis labels and panel titles are inside the picture.
    slack = 3 * explorer.display.density  # 3 screen pixels
    for ax in explorer.figure.axes:
        box = ax.get_tightbbox(renderer)
        assert box.x0 >= -slack and box.x1 <= figure_box.x1 + slack, f"{name}: runs off sideways"
        assert box.y0 >= -slack, f"{name}: a panel's labels run off the bottom"


# -- classroom layouts: nothing on top of anything ---------------------------------------------
def drawn_texts(figure) -> list:
    """Every text the figure draws: titles, notes, legends, axis labels and the tick labels in
    view, of the visible panels only."""
    texts = [*figure.texts, *(t for legend in figure.legends for t in legend.get_texts())]
    if figure._suptitle is not None:
        texts.append(figure._suptitle)
    for ax in figure.axes:
        if not ax.get_visible():
            continue
        texts += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        if ax.get_legend() is not None and ax.get_legend().get_visible():
            texts += ax.get_legend().get_texts()
        if ax.axison:
            for axis in (ax.xaxis, ax.yaxis):
                texts += [axis.label, axis.offsetText]
                ticks = axis._update_ticks()  # the ticks in view, as drawn
                texts += [label for tick in ticks for label in (tick.label1, tick.label2)]
    return [t for t in dict.fromkeys(texts) if t.get_visible() and t.get_text().strip()]


def text_box(text, renderer):
    """A text's box as drawn (a wrapped title is drawn on more lines than its text has)."""
    if not text.get_wrap():
        return text.get_window_extent(renderer)
    original = text.get_text()
    text.set_text(text._get_wrapped_text())
    try:
        return text.get_window_extent(renderer)
    finally:
        text.set_text(original)


def overlapping_texts(explorer) -> list:
    """Pairs of drawn texts whose boxes overlap by more than a screen pixel. An x and a y tick
    label of the same panel may touch at its corner."""
    explorer.render()
    renderer = explorer.canvas.get_renderer()
    ticks = {
        label: (ax, axis)
        for ax in explorer.figure.axes
        for axis in ("x", "y")
        for tick in (*getattr(ax, f"{axis}axis").majorTicks, *getattr(ax, f"{axis}axis").minorTicks)
        for label in (tick.label1, tick.label2)
    }
    inset = explorer.display.density  # one screen pixel
    texts = drawn_texts(explorer.figure)
    boxes = [text_box(t, renderer).padded(-inset) for t in texts]
    pairs = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            a, b = ticks.get(texts[i]), ticks.get(texts[j])
            if a and b and a[0] is b[0] and a[1] != b[1]:
                continue  # the corner of one panel
            if boxes[i].overlaps(boxes[j]):
                pairs.append((texts[i].get_text(), texts[j].get_text()))
    return pairs


def crowded_explorers():
    """The explorers a lecturer found too cramped to project, each in the state that showed it."""
    from helpers import Beale, LinearRegression, Rosenbrock
    from helpers.data import linear_data
    from helpers.explorers.adaptive import AdaptiveInspector
    from helpers.explorers.descent import ConditioningExplorer
    from helpers.explorers.landscape import CurvatureExplorer
    from helpers.explorers.momentum import NesterovExplorer, RateMapExplorer, heavy_ball_explorer
    from helpers.explorers.schedules import ScheduleExplorer
    from helpers.explorers.showdown import RaceExplorer
    from helpers.explorers.stochastic import GradientCloud

    def diverging_rate_map():
        explorer = RateMapExplorer(condition_number=100, lr=1.0, beta=0.73)
        explorer.lr.value = 3.8
        return explorer

    def diverging_nesterov():
        explorer = NesterovExplorer(lr=0.5, beta=0.9)
        explorer.lr.value, explorer.stepper.play.value = 2.0, 30
        return explorer

    def picked(explorer, function):
        explorer.picker.value = function
        return explorer

    def nesterov_at(lr, function):  # (picking the function sets its own η first)
        explorer = picked(NesterovExplorer(), function)
        explorer.lr.value = lr
        return explorer

    def diverging(explorer, name="lr", value=4.0):
        explorer.named_controls[name].value = value
        return explorer

    def race(function):
        explorer = RaceExplorer(
            {"Rosenbrock": Rosenbrock(), "Beale": Beale()},
            lrs=np.geomspace(1e-5, 10, 12),
            budgets=(20, 60),
        )
        explorer.contenders.value = tuple(explorer.contenders.options)  # all seven
        explorer.picker.value = function
        return explorer

    def diverging_schedule():  # the title once took three lines and ran into a panel title
        explorer = ScheduleExplorer(name="cosine", lr=0.5, steps=300)
        explorer.lr.value = 3.0
        return explorer

    def line_loss():
        data = linear_data()
        return LinearRegression(data.x, data.y)

    def edge_of_stability():
        from helpers.explorers.stability import EdgeOfStability
        from helpers.stability import edge_runs

        gd = edge_runs("gd", (0.1, 0.14), (0.0, 0.5), (0, 1), steps=300, progress=False)
        adam = edge_runs("adam", (0.002, 0.01), (0.9,), (0, 1), steps=300, progress=False)
        return EdgeOfStability(gd, adam, lr=0.1)

    def edge_of_stability_adam():  # a sharpness of 38,000: "30000" ran off the picture
        explorer = edge_of_stability()
        explorer.method.value = "Adam (β₁ = 0.9)"
        explorer.lr.value = 0.002
        return explorer

    def inspector(optimizer, function=None):  # the panel title ran into the key line
        explorer = AdaptiveInspector(optimizer="Adam", lr=0.1)
        named = {c.description: c for c in explorer.controls if hasattr(c, "description")}
        named["optimizer"].value = optimizer
        if function is not None:
            named["function"].value = function
        return explorer

    def newton_schulz_cubic():  # a tick label beyond the axis once lifted its panel title
        from helpers.explorers.modern import NewtonSchulzExplorer

        return picked_kind(NewtonSchulzExplorer(), "classic cubic")

    def picked_kind(explorer, kind):
        explorer.kind.value = kind
        return explorer

    def diverging_conditioning():
        explorer = ConditioningExplorer(lr=0.3, condition_number=20, angle=30)
        next(c for c in explorer.controls if c.description.startswith("η")).value = 1.0
        return explorer

    return {
        "rate map": lambda: RateMapExplorer(condition_number=100, lr=1.0, beta=0.73),
        "rate map, diverged": diverging_rate_map,
        "Nesterov": lambda: NesterovExplorer(lr=0.5, beta=0.9),
        "Nesterov, diverged": diverging_nesterov,
        "Nesterov, η = 4": lambda: NesterovExplorer(lr=4.0, beta=0.9),  # 3 title lines, once
        # panel titles set again after the first layout (they ran into each other)
        "Nesterov, another function": lambda: picked(NesterovExplorer(lr=0.001), "Rosenbrock"),
        # and one where both diverge: the title grew to three lines after the layout
        "Nesterov, diverged on another function": lambda: nesterov_at(0.5, "Rosenbrock"),
        "heavy ball, diverged": lambda: diverging(heavy_ball_explorer()),
        "conditioning, diverged": diverging_conditioning,
        "step inspector": lambda: AdaptiveInspector(optimizer="Adam", lr=0.1),
        "schedules": lambda: ScheduleExplorer(name="cosine", lr=0.5, steps=300),
        "schedules, η₀ = 3": lambda: diverging_schedule(),
        "eigen-directions": lambda: CurvatureExplorer(condition_number=10, angle=30),
        "eigen-directions, κ = 100, 120°": lambda: CurvatureExplorer(100, angle=120),
        "gradient cloud": lambda: GradientCloud(line_loss()),
        "gradient cloud, B = 32": lambda: GradientCloud(line_loss(), batch_size=32),
        "race, Rosenbrock": lambda: race("Rosenbrock"),
        "race, Beale": lambda: race("Beale"),
        "edge of stability": edge_of_stability,
        "edge of stability, Adam at η = 0.002": edge_of_stability_adam,
        "step inspector, SGD": lambda: inspector("SGD"),
        "step inspector, Adam on Beale": lambda: inspector("Adam", "Beale"),
        "Nesterov on Beale": lambda: picked(NesterovExplorer(lr=0.5, beta=0.9), "Beale"),
        "Newton–Schulz, the cubic": newton_schulz_cubic,
    }


@pytest.mark.parametrize("name", list(crowded_explorers()))
def test_classroom_texts_do_not_overlap(monkeypatch, name):
    monkeypatch.setenv("COURSE_CLASSROOM", "1")
    explorer = crowded_explorers()[name]()
    assert explorer.message == ""
    assert not overlapping_texts(explorer), f"{name}: texts on top of each other"
    renderer = explorer.canvas.get_renderer()
    figure_box = explorer.figure.bbox
    slack = explorer.display.density
    panels = [ax for ax in explorer.figure.axes if ax.get_visible()]
    for legend in [*explorer.figure.legends, *(ax.get_legend() for ax in panels)]:
        if legend is None or not legend.get_visible():
            continue
        box = legend.get_window_extent(renderer)
        assert box.x0 >= -slack and box.x1 <= figure_box.x1 + slack, f"{name}: legend off"
        assert box.y0 >= -slack and box.y1 <= figure_box.y1 + slack, f"{name}: legend off"
    for text in drawn_texts(explorer.figure):  # every text on the picture, whole
        box = text_box(text, renderer)
        assert box.x0 >= -slack and box.x1 <= figure_box.x1 + slack, f"{name}: {text.get_text()}"
        assert box.y0 >= -slack and box.y1 <= figure_box.y1 + slack, f"{name}: {text.get_text()}"
    for ax in explorer.figure.axes:  # a banner ("diverged at step k") stays inside its panel
        for text in ax.texts:
            if is_banner(text) and text.get_visible() and ax.get_visible():
                box, panel = text.get_bbox_patch().get_window_extent(renderer), ax.bbox
                assert box.x0 >= panel.x0 - slack and box.x1 <= panel.x1 + slack, name
                assert box.y0 >= panel.y0 - slack and box.y1 <= panel.y1 + slack, name


def switched_explorers():
    """Explorers whose dropdowns re-lay the classroom picture (Explorer.on_structure)."""
    from helpers.explorers.adaptive import AdaptiveInspector
    from helpers.explorers.modern import NewtonSchulzExplorer
    from helpers.explorers.momentum import NesterovExplorer, nonconvex_explorer
    from helpers.explorers.stability import EdgeOfStability
    from helpers.stability import edge_runs

    def edge_of_stability():
        gd = edge_runs("gd", (0.1, 0.14), (0.0, 0.5), (0,), steps=200, progress=False)
        adam = edge_runs("adam", (0.002, 0.01), (0.9,), (0,), steps=200, progress=False)
        return EdgeOfStability(gd, adam, lr=0.1)

    return {
        "Nesterov": lambda: NesterovExplorer(lr=0.5, beta=0.9),
        "non-convex": nonconvex_explorer,
        "step inspector": lambda: AdaptiveInspector(optimizer="Adam", lr=0.1),
        "edge of stability": edge_of_stability,
        "Newton–Schulz": NewtonSchulzExplorer,
    }


@pytest.mark.parametrize("name", list(switched_explorers()))
def test_classroom_texts_stay_on_the_picture_through_every_switch(monkeypatch, name):
    """Every option of every dropdown, one after the other, then the first again: each layout
    starts from the one before (05's Nesterov on Beale after Rosenbrock lost its θ₂ label off
    the picture, though Beale chosen first kept it)."""
    monkeypatch.setenv("COURSE_CLASSROOM", "1")
    explorer = switched_explorers()[name]()
    dropdowns = [c for c in explorer._structural if isinstance(c, widgets.Dropdown)]
    assert dropdowns, name
    slack = explorer.display.density
    for dropdown in dropdowns:
        first = dropdown.value
        for value in [*dropdown.options[1:], dropdown.options[0], first]:
            dropdown.value = value[1] if isinstance(value, tuple) else value
            assert explorer.message == "", (name, value, explorer.message)
            renderer, box = explorer.canvas.get_renderer(), explorer.figure.bbox
            for text in drawn_texts(explorer.figure):
                where = text_box(text, renderer)
                inside = where.x0 >= -slack and where.x1 <= box.x1 + slack
                inside &= where.y0 >= -slack and where.y1 <= box.y1 + slack
                assert inside, (name, dropdown.description, value, text.get_text())
            assert not overlapping_texts(explorer), (name, dropdown.description, value)


@pytest.mark.parametrize("name", ["RateMapExplorer", "NesterovExplorer", "AdaptiveInspector"])
def test_classroom_tick_labels_of_an_axis_share_one_size(monkeypatch, name):
    # Every tick label was once enlarged twice (34 px) but the first (24 px): the engine did
    # not recognise tick labels as such, so they crowded every panel.
    monkeypatch.setenv("COURSE_CLASSROOM", "1")
    explorer = every_explorer()[name]()
    for ax in explorer.figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            sizes = {t.get_fontsize() for t in axis.get_ticklabels()}
            assert len(sizes) <= 1 and all(
                s * explorer.screen_dpi / 72 < CLASSROOM_TEXT_PX * 1.2 for s in sizes
            ), (name, sizes)


def test_classroom_panel_titles_stay_large_after_a_change(monkeypatch):
    # The rate map's contour title is set again (at 11 pt) whenever κ changes, Nesterov's
    # panel titles whenever the function does: in the browser the rate map showed it small.
    from helpers.explorers.momentum import NesterovExplorer, RateMapExplorer

    monkeypatch.setenv("COURSE_CLASSROOM", "1")
    rate_map, nesterov = RateMapExplorer(), NesterovExplorer()
    rate_map.kappa.value = 10.0
    nesterov.picker.value = "Rosenbrock"
    for explorer in (rate_map, nesterov):
        for ax in explorer.figure.axes:
            if ax.get_title():
                px = ax.title.get_fontsize() * explorer.screen_dpi / 72
                assert px >= CLASSROOM_TEXT_PX - 1e-6, (ax.get_title(), px)


def test_many_controls_leave_a_shorter_picture():
    from helpers.display import classroom_height

    assert classroom_height([(410, 60)]) == 430
    # Nine controls take three rows of 1100 px, a list six rows tall even more: the picture
    # gives up the room they need, so that controls and picture fit under 600 px.
    nine = [(410, 60)] * 7 + [(640, 60), (300, 60)]
    assert classroom_height(nine) + 60 * 4 <= 600
    assert classroom_height([(300, 60), (420, 220), (410, 60)]) + 220 <= 600 - 30


def test_classroom_mode_changes_nothing_when_off():
    explorer = ParabolaGD(lr=0.1)
    assert explorer.screen_size == (900, 360)
    assert "course-classroom" not in explorer.widget._dom_classes


# -- Play: the counter shows the step the picture shows ---------------------------------------
def test_counter_is_set_after_the_picture_and_play_ends_on_the_last_step():
    explorer = ParabolaGD(lr=0.1, steps=30, step_by_step=True)
    stepper = explorer.stepper
    events = []
    explorer.image.observe(lambda c: events.append(("picture", stepper.play.value)), "value")
    stepper.label.observe(lambda c: events.append(("counter", c["new"])), "value")
    # Under load the browser skips steps: the kernel sees 0, 3, 11, 12, 29, 30.
    for value in (3, 11, 12, 29, 30):
        stepper.play.value = value
    pictures = [step for kind, step in events if kind == "picture"]
    counters = [text for kind, text in events if kind == "counter"]
    assert pictures == [3, 11, 12, 29, 30]
    assert counters == [f"step {s} / 30" for s in pictures]
    kinds = [kind for kind, _ in events]
    assert kinds == ["picture", "counter"] * 5  # each counter change follows its picture
    assert stepper.label.value == "step 30 / 30"
    assert "30" in explorer.title  # the picture's own title names the last step


def drawn_points_under(banner, renderer) -> int:
    """How many points of the panel's lines (and of their segments, 8 per segment) the banner's
    white box covers, as drawn."""
    ax = banner.axes
    figure = ax.figure
    pad = banner.get_bbox_patch().get_boxstyle().pad * banner.get_fontsize() * figure.dpi / 72
    box = banner.get_window_extent(renderer).padded(pad)  # the text and its white margin
    count = 0
    for line in ax.lines:
        if not line.get_visible():
            continue
        xy = line.get_transform().transform(line.get_xydata())
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if line.get_linestyle() not in ("None", "") and len(xy) > 1:
            t = np.linspace(0, 1, 9)[:, None, None]
            xy = (xy[:-1] + t * (xy[1:] - xy[:-1])).reshape(-1, 2)
        inside_x = (xy[:, 0] >= box.x0) & (xy[:, 0] <= box.x1)
        count += int(np.count_nonzero(inside_x & (xy[:, 1] >= box.y0) & (xy[:, 1] <= box.y1)))
    return count


@pytest.mark.parametrize("classroom", ["0", "1"])
def test_a_banner_goes_where_it_hides_the_fewest_points(monkeypatch, classroom):
    # "heavy ball diverged at step 14" once sat on top of the very path it was about
    from helpers.explorers.momentum import nonconvex_explorer

    monkeypatch.setenv("COURSE_CLASSROOM", classroom)
    explorer = nonconvex_explorer()
    explorer.named_controls["lr"].value = 4e-3  # heavy ball diverges, GD's path stays
    explorer.render()
    banner, renderer = explorer.status, explorer.canvas.get_renderer()
    assert banner.get_visible() and "diverged at step" in banner.get_text()
    chosen = drawn_points_under(banner, renderer)
    position, alignment = banner.get_position(), (banner.get_ha(), banner.get_va())
    banner.set_position((0.02, 0.97))  # the explorer's own corner, upper left
    banner.set_ha("left"), banner.set_va("top")
    at_origin = drawn_points_under(banner, renderer)
    assert chosen <= at_origin, (position, alignment, chosen, at_origin)
    if classroom == "1":  # at 24 px the upper left covers the diverging path: it moves
        assert chosen < at_origin and alignment == ("right", "top"), (chosen, at_origin)


def test_a_panel_title_set_again_keeps_the_classroom_size(monkeypatch):
    # the function picker sets the contour panel's title again, after the classroom layout
    from helpers.explorers.momentum import NesterovExplorer, RateMapExplorer, nonconvex_explorer

    monkeypatch.setenv("COURSE_CLASSROOM", "1")
    for explorer, control, value in (
        (nonconvex_explorer(), "picker", "Beale"),
        (NesterovExplorer(), "picker", "Beale"),
        (RateMapExplorer(), "kappa", 1000.0),
    ):
        explorer.render()
        sizes = {ax: ax.title.get_fontsize() for ax in explorer.figure.axes if ax.get_title()}
        getattr(explorer, control).value = value
        for ax, size in sizes.items():
            px = ax.title.get_fontsize() * explorer.screen_dpi / 72
            assert px >= CLASSROOM_TEXT_PX - 1e-6 and ax.title.get_fontsize() == size, (
                ax.get_title()
            )


@pytest.mark.parametrize("classroom", ["0", "1"])
def test_a_long_verdict_wraps_inside_the_picture(monkeypatch, classroom):
    # the title once ran off both ends of the picture (a student saw it cut at 1280 px)
    monkeypatch.setenv("COURSE_CLASSROOM", classroom)
    # 04's batch-size explorer at B = 1, η = 0.8, 500 steps: the longest verdicts there are
    explorer = batch_size_explorer()
    explorer.named_controls["lr"].value = 0.8
    explorer.named_controls["B"].value = 1
    explorer.steps.value = 500
    assert "diverged at step" in explorer.title and "off the chart from step" in explorer.title
    assert not overlapping_texts(explorer)
    renderer = explorer.canvas.get_renderer()
    box = text_box(explorer._title, renderer)
    assert box.x0 >= 0 and box.x1 <= explorer.figure.bbox.x1
    legend = explorer.loss_ax.get_legend().get_window_extent(renderer)  # "(B = n" was cut
    assert legend.x0 >= 0 and legend.x1 <= explorer.figure.bbox.x1
    assert not legend.overlaps(box)


def test_titles_break_where_a_word_by_word_wrap_breaks_them():
    """The engine's quick wrap (a measurement or a few per line) breaks a title exactly where
    measuring it word by word does, and every line fits."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from helpers.engine import _words_of, _wrap_to

    figure = Figure(figsize=(9, 4), dpi=100)
    renderer = FigureCanvasAgg(figure).get_renderer()
    title = figure.suptitle("", fontsize=14)

    def width(line):
        title.set_text(line)
        return title.get_window_extent(renderer).width

    def word_by_word(text, room):
        lines = []
        for paragraph in text.split("\n"):
            line = ""
            for word in _words_of(paragraph):  # (a number stays with the word before it)
                candidate = f"{line} {word}" if line else word
                if line and width(candidate) > room:
                    lines.append(line)
                    line = word
                else:
                    line = candidate
            lines.append(line)
        return "\n".join(lines)

    rng = np.random.default_rng(0)
    words = "η = 0.5 · GD: diverged at step 36 (off the chart from step 7) heavy ball f − f_min"
    vocabulary = words.split(" ") + ["$\\beta$", "W", "mmmmmmmmmmmmmmmmmmmmmm"]
    for room in (150, 400, 880):
        for _ in range(15):
            text = " ".join(rng.choice(vocabulary, size=rng.integers(1, 40)))
            if rng.random() < 0.3:
                text += "\n" + " ".join(rng.choice(vocabulary, size=8))
            wrapped = _wrap_to(title, text, room, renderer)
            assert wrapped == word_by_word(text, room), (room, text)
            lines = wrapped.split("\n")
            assert all(width(line) <= room or len(_words_of(line)) == 1 for line in lines)
            assert wrapped.replace("\n", " ") == text.replace("\n", " ")  # only spaces broken
            for paragraph in text.split("\n"):  # no line starts with a number it did not
                starts = {line[:1] for line in _wrap_to(title, paragraph, room, renderer)
                          .split("\n")[1:]}  # fmt: skip
                assert not starts & set("0123456789"), (room, paragraph)


def test_a_title_set_again_unchanged_stays_wrapped(monkeypatch):
    # The browser echoes a slider's value: the same title set again was left unwrapped (the
    # wrap is cached by text), and ran off both ends of 05's rate map in classroom mode; and a
    # panel title set again was broken onto two lines over the legend the layout put above it
    from helpers.explorers.momentum import RateMapExplorer

    monkeypatch.setenv("COURSE_CLASSROOM", "1")
    explorer = RateMapExplorer()
    wrapped = explorer._title.get_text()
    assert "\n" in wrapped
    explorer.kappa.value = 10.0
    explorer.kappa.value = 100.0
    explorer.refresh()  # the same state again
    assert explorer._title.get_text() == wrapped
    assert [ax.get_title() for ax in explorer.figure.axes if ax.get_title()] == [
        "quadratic (κ = 100)"
    ]
    assert not overlapping_texts(explorer)


def test_a_short_bracketed_pair_is_never_broken():
    """05's status line broke "optimum (η*," from "β*)" at κ = 1000."""
    from helpers.engine import _words_of

    words = _words_of("rate 0.958 · optimum (η*, β*) = (3.31, 0.669) · long (a b c d e f g h i j)")
    assert "(η*, β*)" in words and "(3.31, 0.669)" in words
    assert "(a" in words  # a longer aside may still break
    assert "[0.00012, 1.13]" in _words_of("now lie in [0.00012, 1.13] (they were in")  # 10's
