"""The interactive-figure engine: a persistent matplotlib figure shown as a PNG in core ipywidgets.

Why this design: an object-oriented ``Figure`` rendered to PNG into an ``ipywidgets.Image`` needs
no ipympl (fragile with JupyterLab 4.4+ kernel subshells, blank in VS Code, extra set-up on Colab,
no picture when executed headless), works in JupyterLab, Notebook 7, VS Code and Colab, does not
flicker (the picture is swapped in one piece), keeps its size, and leaves a static picture in the
saved notebook. ``benchmarks/bench.py`` (``make bench``) measures what an update costs.

Speed comes from drawing the slow parts once, in levels, each cached as a picture:

1. the **background**: everything not marked otherwise (axes, ticks, labels), drawn once.
   Call ``self.redraw_background()`` after changing it (new limits); an explorer that switches
   between several static pictures (one per function, say) keeps one per key with
   ``self.use_background(key)``;
2. **layers**: named groups of artists that change now and then, not on every update (a rate
   map and its contours, redrawn when κ changes): ``self.layer(name, *artists)`` puts artists
   in one, ``self.redraw_layer(name)`` marks it changed; only it and the layers above it are
   drawn again;
3. the **moving** artists (``self.moving(artist)``): drawn at every update on top of the
   restored cache, then the figure is encoded as a fast PNG.

The title line above the panels belongs to the engine: ``self.add_title()`` once, then
``self.set_title(text)``; tests read it back as ``explorer.title``.

Memory: only the explorer drawn last keeps its pictures at full size; a background not in use
(another key's, or any of an idle explorer) is kept deflated, losslessly, and an idle explorer
gives back its canvas and layers until it is drawn again (see ``_go_idle``).

A concrete explorer subclasses :class:`Explorer`, builds its artists once in ``__init__`` and
changes only their data in ``update``. Tests drive it by setting ``control.value`` in Python
and reading the artists, ``title`` or ``message`` back.

How the picture is shown is read once, when an explorer is made, from
:func:`helpers.display.display_settings`: pictures are drawn at 2 image pixels per screen pixel
(sharp when zoomed or on HiDPI screens) and shown at their natural size, shrunk with their aspect
ratio kept when the column is narrower; in classroom mode the engine, not each explorer, makes
the figure fit a 1280 × 720 screen, enlarges every text and control, and lays the panels out
again (``_fit_classroom``). At 2× a picture has four times the pixels, so ``encode_png`` writes
the PNG itself with ISA-L's deflate (``isal``), ~10× faster than Pillow's fastest setting.
"""

from __future__ import annotations

import base64
import io
import math
import re
import struct
import threading
import traceback
import warnings
import weakref
import zlib
from collections import OrderedDict
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import traitlets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import AutoLocator, LogLocator, MaxNLocator, SymmetricalLogLocator
from matplotlib.transforms import IdentityTransform

from .display import (
    CLASSROOM_TEXT_PX,
    CLASSROOM_WIDTH_PX,
    classroom_height,
    display_settings,
)

try:  # ISA-L's deflate: ~4× faster than zlib's fastest level on figure pictures
    from isal.isal_zlib import compress as _deflate
    from isal.isal_zlib import decompress as _inflate

    _LEVEL = 1
except ImportError:  # a platform without an isal wheel still works, a little slower
    _deflate, _inflate, _LEVEL = zlib.compress, zlib.decompress, 1

__all__ = [
    "Explorer",
    "lr_slider",
    "round_lr_slider",
    "round_stops",
    "batch_size_slider",
    "beta_slider",
    "function_picker",
    "condition_number_slider",
    "StepControls",
    "ToggleSet",
    "encode_png",
    "tidy",
    "status_text",
    "is_banner",
    "quiver_arrows",
]

_STYLE = {"description_width": "initial"}


# -- controls: one look for every notebook ---------------------------------------------------
NICE = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)  # ten round numbers per decade


def round_stops(low: float, high: float, value: float | None = None) -> list[float]:
    """Round numbers from ``low`` to ``high``, ten per decade (…, 0.1, 0.12, 0.15, 0.2, 0.25,
    0.3, 0.4, 0.5, 0.6, 0.8, 1, …), plus ``value`` itself if it is not one of them."""
    if not 0 < low < high:
        raise ValueError(f"need 0 < low < high, got low={low}, high={high}")
    decades = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    stops = {round(m * 10.0**d, 12) for d in decades for m in NICE}
    stops = {v for v in stops if low * (1 - 1e-9) <= v <= high * (1 + 1e-9)}
    if value is not None:
        if not low * (1 - 1e-9) <= value <= high * (1 + 1e-9):
            raise ValueError(f"value must lie in [{low:g}, {high:g}], got {value}")
        stops.add(float(value))
    return sorted(stops)


def _stops_slider(options, value, description):
    """A slider over the given stops; its readout shows the stop exactly as written.

    A selection slider, because every value the narrative asks a student to set must be a stop
    that reads exactly that value (a log slider's stops 10^(k·step) read 0.0992 where the text
    says 0.1). Its readout cannot be typed into: the text never suggests typing.
    """
    return widgets.SelectionSlider(
        options=options,
        value=value,
        description=description,
        style=_STYLE,
        layout=widgets.Layout(width="340px"),
    )


def lr_slider(value: float = 0.1, low: float = 1e-3, high: float = 3.0, description="η (lr)"):
    """The learning rate on round stops, ten per decade (…, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3,
    0.4, 0.5, 0.6, 0.8, 1, 1.2, 1.5, 2, …), nearly even on a log scale (one arrow-key press
    changes η by 20–33 %, three presses about double it, ten multiply it by 10).

    ``value`` is always a stop (added if it is not a round number), so the η a notebook opens
    an explorer at is shown exactly; the powers of two 0.25, 0.5, 1, 2, 4 are stops.
    """
    stops = round_stops(low, high, value)
    return _stops_slider(stops, float(value), description)


round_lr_slider = lr_slider  # the older name: the two were merged into one round-number slider


def batch_size_slider(n: int, value: int = 32, description="batch size B"):
    """Batch sizes 1, 2, 4, … up to the data-set size n (n itself is always the last stop)."""
    options = [2**k for k in range(int(math.log2(n)) + 1)]
    if options[-1] != n:
        options.append(n)
    return _stops_slider(options, min(options, key=lambda b: abs(b - value)), description)


def beta_slider(value: float = 0.9, description="β", high: float = 0.999):
    """β from 0 to ``high`` (0.999 by default), with round stops that crowd towards 1.

    What matters about β is the averaging window 1/(1 − β), so the stops are round values of
    1 − β, ten per decade: 0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92, …,
    0.99, …, 0.999 (the frameworks' defaults 0.9, 0.99 and 0.999 are stops). ``value`` is
    always a stop (added if it is not one), so the β a notebook asks for reads exactly.
    """
    if not 0 <= value <= high < 1:
        raise ValueError(f"beta must lie in [0, {high}], got {value}")
    gaps = round_stops(round(1 - high, 12), 1.0)
    options = {round(1 - gap, 12) for gap in gaps} | {float(value)}
    return _stops_slider(sorted(options), float(value), description)


def condition_number_slider(value: float = 10.0, high: float = 1000.0, description="κ = L/μ"):
    """The condition number κ as a log slider from 1 (a round bowl) to ``high`` (a ravine)."""
    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=0,
        max=math.log10(high),
        step=0.05 * math.log10(high) / 3,
        description=description,
        readout_format=".4",  # d3: 1.122, 112.2, 1000 (".3" wrote 1000 as 1e+3)
        style=_STYLE,
        layout=widgets.Layout(width="340px"),
    )


def function_picker(names, value=None, description="function"):
    names = list(names)
    return widgets.Dropdown(
        options=names, value=value or names[0], description=description, style=_STYLE
    )


class ToggleSet(widgets.HBox):
    """Several choices at once, one toggle button each: a click adds or removes one (no
    ctrl-click, and one row, where a multiple-selection list is as tall as its options).

    ``value`` is the tuple of chosen options in the order of ``options``; set it from Python
    as a ``SelectMultiple``'s (``observe(..., names="value")`` sees one change per click).
    """

    value = traitlets.Tuple()

    def __init__(self, options, value=(), description: str = ""):
        self.options = tuple(options)
        self.description = description
        self.buttons = {
            option: widgets.ToggleButton(
                value=option in value,
                description=str(option),
                layout=widgets.Layout(width="auto"),
            )
            for option in self.options
        }
        label = widgets.Label(description)
        super().__init__(
            [label, *self.buttons.values()],
            layout=widgets.Layout(flex_flow="row wrap", align_items="center"),
        )
        self.value = tuple(option for option in self.options if option in value)
        self._syncing = False
        for button in self.buttons.values():
            self._paint(button)
            button.observe(self._clicked, names="value")
        self.observe(self._show, names="value")

    @staticmethod
    def _paint(button) -> None:
        # A pressed toggle is only a shade darker than a released one, which a projector
        # washes out: a chosen option is filled blue (white text) and the rest stay grey.
        button.button_style = "info" if button.value else ""

    def _clicked(self, change) -> None:
        self._paint(change["owner"])
        if not self._syncing:
            self.value = tuple(o for o, button in self.buttons.items() if button.value)

    def _show(self, change) -> None:
        unknown = set(change["new"]) - set(self.options)
        if unknown:
            raise ValueError(f"not among the options: {sorted(map(str, unknown))}")
        self._syncing = True
        try:
            for option, button in self.buttons.items():
                button.value = option in change["new"]
        finally:
            self._syncing = False


class StepControls:
    """Step / Play / Reset for step-by-step runs; ``value`` is the step being shown.

    ``play`` is an ``ipywidgets.Play`` (it has its own play, pause and stop buttons); ``step`` and
    ``reset`` are buttons next to it. Explorers observe ``play``'s ``value``.
    """

    def __init__(self, steps: int, interval_ms: int = 150):
        self.play = widgets.Play(
            value=0,
            min=0,
            max=steps,
            step=1,
            interval=interval_ms,
            description="play",
            show_repeat=False,
        )
        self.step = widgets.Button(description="step ▸", layout=widgets.Layout(width="80px"))
        self.reset = widgets.Button(description="reset", layout=widgets.Layout(width="80px"))
        self.label = widgets.Label()
        # In an explorer the counter is set after the picture, in the same refresh, so that
        # the two always show the same step, however many steps Play skips under load.
        self.follows_picture = False
        self.step.on_click(lambda _: self.advance())
        self.reset.on_click(lambda _: setattr(self.play, "value", 0))
        self.play.observe(lambda _: self.follows_picture or self._label(), names=["value", "max"])
        self._label()
        self.box = widgets.HBox([self.play, self.step, self.reset, self.label])

    @property
    def value(self) -> int:
        return self.play.value

    def advance(self) -> None:
        self.play.value = min(self.play.value + 1, self.play.max)

    def _label(self):
        self.label.value = f"step {self.play.value} / {self.play.max}"


def status_text(ax, x: float = 0.02, y: float = 0.97):
    """The red message box in a panel's corner, e.g. "GD diverged at step 12"; mark it moving."""
    banner = ax.text(
        x,
        y,
        "",
        transform=ax.transAxes,
        va="top",
        color="darkred",
        fontsize=12,
        fontweight="bold",
        bbox={"facecolor": "white", "alpha": 0.85, "lw": 0},
    )
    _BANNERS[banner] = _Banner(origin=(x, y))  # kept inside its panel: Explorer._fit_banners
    return banner


@dataclass
class _Banner:
    """What the engine remembers of a status banner: where the explorer put it, and the text
    it last fitted (so it measures only when the text changes)."""

    origin: tuple[float, float]
    fitted: str | None = None
    align: tuple[str, str] | None = None  # the explorer's (ha, va), read at the first fit


# Every status banner, weakly (a banner goes with its figure): one registry, not attributes
# stuck on matplotlib's artists.
_BANNERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _banner_where_least_covers(banner, state, pad: float, renderer) -> None:
    """Put ``banner`` in the corner of its panel where it hides the fewest drawn points.

    The candidates are the place the explorer chose and its mirror images across the panel's
    middle lines; a diverging run's path can fill any one corner ("heavy ball diverged" once
    covered the paths it was about), and which one depends on the sliders. Ties keep the
    explorer's place; a place on top of another text or a legend of the panel is never chosen.
    """
    ax = banner.axes
    (x0, y0), (ha, va) = state.origin, state.align
    margin_x, margin_y = 1.2 * pad / ax.bbox.width, 1.2 * pad / ax.bbox.height
    flip = {"left": "right", "right": "left", "top": "bottom", "bottom": "top"}
    points = [np.empty((0, 2))]
    for line in ax.lines:
        if not line.get_visible() or not len(line.get_xdata()):
            continue
        xy = line.get_transform().transform(line.get_xydata())
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        points.append(xy)
        if line.get_linestyle() not in ("None", "", " ") and len(xy) > 1:  # and its segments
            t = np.linspace(0, 1, 9)[1:-1, None, None]
            points.append((xy[:-1] + t * (xy[1:] - xy[:-1])).reshape(-1, 2))
    points = np.concatenate(points)
    others = [t for t in ax.texts if t is not banner and t.get_visible() and t.get_text().strip()]
    legend = ax.get_legend()
    if legend is not None and legend.get_visible():
        others.append(legend)
    obstacles = [o.get_window_extent(renderer) for o in others]
    best = None
    for mirror_x in (False, True):
        for mirror_y in (False, True):
            h = flip.get(ha, ha) if mirror_x else ha
            v = flip.get(va, va) if mirror_y else va
            x = 1 - x0 if mirror_x else x0
            y = 1 - y0 if mirror_y else y0
            x = max(x, margin_x) if h == "left" else min(x, 1 - margin_x)
            y = min(y, 1 - margin_y) if v == "top" else max(y, margin_y)
            banner.set_horizontalalignment(h)
            banner.set_verticalalignment(v)
            banner.set_position((x, y))
            box = banner.get_window_extent(renderer).padded(pad)
            if any(box.overlaps(o) for o in obstacles):
                continue
            inside = np.count_nonzero(
                (points[:, 0] >= box.x0)
                & (points[:, 0] <= box.x1)
                & (points[:, 1] >= box.y0)
                & (points[:, 1] <= box.y1)
            )
            if best is None or inside < best[0]:
                best = (inside, h, v, (x, y))
    if best is None:  # every corner is taken by a text: the explorer's place
        best = (0, ha, va, (max(x0, margin_x), y0))
    _, h, v, position = best
    banner.set_horizontalalignment(h)
    banner.set_verticalalignment(v)
    banner.set_position(position)


def is_banner(artist) -> bool:
    """Whether ``artist`` is a status banner made by :func:`status_text`."""
    return artist in _BANNERS


def quiver_arrows(ax, colors, width: float = 0.012):
    """Arrows in data units (one per colour), to be placed with ``set_offsets``/``set_UVC``."""
    n = len(colors)
    return ax.quiver(
        np.zeros(n),
        np.zeros(n),
        np.zeros(n),
        np.zeros(n),
        color=list(colors),
        angles="xy",
        scale_units="xy",
        scale=1,
        width=width,
        zorder=5,
    )


def tidy(value):
    """A slider's float rounded to 10 significant digits: a log slider's stop 10^(k·step)
    reads 0.49999999999998 where the student chose 0.5."""
    return float(f"{value:.10g}") if isinstance(value, float) else value


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(rgba: np.ndarray) -> bytes:
    """A lossless PNG of an RGBA buffer (height × width × 4, uint8), written for speed.

    A PNG is a header, the rows (each after a filter byte, here 0: no filter) deflated, and an
    end marker. Deflating with ISA-L takes ~3 ms for a 2000 × 840 picture where Pillow's
    fastest setting takes ~30 ms (``make bench`` measures both); the file is about as small,
    because a figure is mostly flat colour. The figure's RGBA is used as it is: dropping the
    alpha channel would cost a copy that takes longer than deflating it.
    """
    rgba = np.asarray(rgba)
    if rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[2] != 4:
        raise ValueError(f"rgba must be a height × width × 4 uint8 array, got {rgba.shape}")
    height, width = rgba.shape[:2]
    rows = np.zeros((height, 1 + 4 * width), np.uint8)  # column 0: filter type 0 per row
    rows[:, 1:] = rgba.reshape(height, 4 * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", _deflate(rows.data, _LEVEL))
        + _chunk(b"IEND", b"")
    )


# In classroom mode: a larger look for the controls, scoped to the explorer's own box through
# ipywidgets' CSS variables (a <style> in a hidden HTML widget works in every front end).
CLASSROOM_CSS = """<style>
.course-classroom {
  --jp-widgets-font-size: 22px;
  --jp-widgets-inline-height: 40px;
  --jp-widgets-slider-handle-size: 26px;
  --jp-widgets-slider-track-thickness: 8px;
  --jp-widgets-inline-margin: 6px;
}
.course-classroom .widget-label, .course-classroom .widget-readout,
.course-classroom .widget-button, .course-classroom .widget-toggle-button,
.course-classroom select, .course-classroom input { font-size: 22px !important; }
.course-classroom .widget-slider { width: 390px !important; }
.course-classroom .widget-hslider { width: auto !important; min-width: 390px; margin-right: 16px; }
.course-classroom .widget-hslider .slider-container { flex: 0 0 200px; }
.course-classroom .widget-checkbox { width: auto !important; margin-right: 16px; }
.course-classroom .widget-readout { min-width: 80px; }
.course-classroom .widget-button, .course-classroom .widget-toggle-button {
  width: auto !important; min-width: 90px; }
.course-classroom .widget-dropdown { width: auto !important; margin-right: 16px; }
.course-classroom .widget-dropdown > select {
  flex: 0 0 auto !important; width: auto !important; padding-right: 36px; }
</style>"""
# (A dropdown is as wide as its description and its longest option: at 22 px the default
# 300 px box cut "gradient descent" and "quadratic (κ = 20)" short and ran into the control
# beside it. A <select> whose width is auto is as wide as its widest option. Likewise a
# slider keeps a 200 px track however long its description, where "β₂ (RMSProp α, Adam,
# Adadelta ρ)" left it none, and a checkbox shows its whole label.)

# Notebook 7 handles its keyboard shortcuts before a focused widget sees the key (JupyterLab
# lets the widget go first), so an arrow key on a slider moved the cell cursor instead and
# ArrowLeft collapsed headings. Lumino skips its shortcuts for an element marked
# data-lm-suppress-shortcuts: mark whatever takes focus inside a widget, once per page.
KEYBOARD_JS = """
if (!window.__courseWidgetKeys) {
  window.__courseWidgetKeys = true;
  document.addEventListener('focusin', (event) => {
    const target = event.target;
    if (target && target.closest && target.closest('.jupyter-widgets')) {
      target.setAttribute('data-lm-suppress-shortcuts', 'true');
    }
  }, true);
}
"""


# -- the explorer ----------------------------------------------------------------------------
def _classroom_size_of(size: float, screen_dpi: float) -> float:
    """A text of ``size`` points in classroom mode: 1.4 times as large, and at least
    CLASSROOM_TEXT_PX screen pixels."""
    return max(CLASSROOM_TEXT_PX * 72 / screen_dpi, 1.4 * size)


def _label_in_full(control) -> None:
    """Give ``control`` (and the controls inside a box) a label box as wide as its text.

    ipywidgets draws a description in a box of fixed width (about 80 px) and cuts what does
    not fit ("NS st…", "λ (w…"), worse at classroom text sizes: every explorer's labels are
    drawn in full instead, so no explorer module has to remember it.
    """
    for part in getattr(control, "children", ()):
        _label_in_full(part)
    style = getattr(control, "style", None)
    if getattr(control, "description", "") and hasattr(style, "description_width"):
        style.description_width = "initial"


class Explorer:
    """A figure plus its controls, redrawn whenever a control's value changes.

    Subclasses build their artists in ``__init__`` (after ``super().__init__``), mark the ones
    that change with ``self.moving(...)``, and call ``self.refresh()`` at the end; ``update()``
    reads the controls and changes the moving artists' data. An exception in ``update`` is shown
    as a readable message in the figure area (``self.message``), never lost in a log.
    """

    screen_dpi = 100  # screen pixels per figure inch: a 10-inch figure is 1000 px wide

    def __init__(self, controls, figsize=(9.0, 3.8)):
        self.display = display_settings()
        self.classroom = self.display.classroom
        if self.classroom:  # one size for every explorer: the screen, not the explorer, decides
            height = classroom_height(_classroom_size(c) for c in controls)
            figsize = (CLASSROOM_WIDTH_PX / self.screen_dpi, height / self.screen_dpi)
        self.dpi = self.screen_dpi * self.display.density  # image pixels per figure inch
        self.figure = Figure(figsize=figsize, dpi=self.dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self.controls = [c.box if isinstance(c, StepControls) else c for c in controls]
        for control in self.controls:
            _label_in_full(control)
        self.screen_size = tuple(round(s * self.screen_dpi) for s in figsize)  # in screen px
        # Natural size in screen pixels at most, the column's width at most, the height
        # following the width: the picture is shrunk when it must be, never distorted.
        self.image = widgets.Image(
            format="png",
            layout=widgets.Layout(
                width="100%",
                max_width=f"{self.screen_size[0]}px",
                height="auto",
                object_fit="contain",
                # no margin: 100 % of the column plus the widget's 2 px margins overflowed the
                # box and put a horizontal scroll bar under every picture
                margin="0",
            ),
        )
        self._laid_out = not self.classroom  # classroom mode re-lays the figure at first render
        self.message = ""  # the error shown instead of the figure, if any
        self._moving: list = []
        self._background = None
        self._background_key = None
        # use_background's other keys → their static pictures, deflated (see _pack_background)
        self._backgrounds: dict = {}
        # ...except the _RECENT left last, kept as they are (see _keep_recent)
        self._recent: OrderedDict = OrderedDict()
        self._layers: dict[str, list] = {}  # name → artists, drawn in the order of creation
        self._layer_cache: dict[str, object] = {}  # name → the picture up to and with that layer
        self._title = None
        self._panel_boxes: dict = {}  # axes → the pixel box redraw_panel repaints
        # Widget messages can arrive on two kernel threads at once (ipykernel 7 comm
        # subshells): one figure must never be drawn by both, so every redraw holds this lock.
        self.lock = threading.RLock()
        self._structural: dict = {}  # control → what redraws the static parts it changes
        self._steppers = [c for c in controls if isinstance(c, StepControls)]
        for control in controls:
            watched = control.play if isinstance(control, StepControls) else control
            watched.observe(self._on_change, names="value")
        for stepper in self._steppers:
            stepper.follows_picture = True
        rows = widgets.HBox(self.controls, layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox([rows, self.image])
        if self.classroom:
            style = widgets.HTML(CLASSROOM_CSS, layout=widgets.Layout(display="none"))
            self.widget.children = (style, rows, self.image)
            self.widget.add_class("course-classroom")

    # -- written by each explorer --------------------------------------------------------------
    def update(self) -> None:
        raise NotImplementedError

    # -- the mechanism ---------------------------------------------------------------------------
    def moving(self, *artists):
        """Mark artists that change on updates; everything else is drawn once."""
        for artist in artists:
            artist.set_animated(True)
            if artist not in self._moving:
                self._moving.append(artist)
        return artists[0] if len(artists) == 1 else artists

    def add_title(self, fontsize: float = 12):
        """The title line above the panels, redrawn with every update; set it with set_title."""
        # wrapped at the picture's width: a long verdict ("diverged at step 285 (off the loss
        # chart from step 18)") takes another line instead of running off both ends
        # (by _wrap_title at each render: matplotlib's wrap=True measured it word by word)
        self._title = self.moving(self.figure.suptitle("", fontsize=fontsize))
        self._title_text, self._title_wrapped = "", None
        return self._title

    def set_title(self, text: str) -> None:
        # A number's sign is a real minus (f-strings write a hyphen: "-0.02", "1e-03"), as in
        # the tick labels; a hyphen between words stays.
        text = _MINUS.sub("\u2212", text)
        if text == self._title_text:  # unchanged: keep its wrapped lines (_wrap_title would
            return  # not wrap it again, and it ran off both ends of 05's rate map in the browser)
        self._title_text = text
        self._title.set_text(text)

    def _wrap_title(self) -> None:
        """Break the title into lines as wide as the picture (at its size now: classroom mode
        enlarges it after the first update), measuring only when its text or size changed."""
        if self._title is None:
            return
        key = (self._title_text, self._title.get_fontsize())
        if key != self._title_wrapped:
            room = 0.98 * self.figure.bbox.width
            renderer = self.canvas.get_renderer()
            self._title.set_text(_wrap_to(self._title, self._title_text, room, renderer))
            self._title_wrapped = key
            if self.classroom and self._laid_out:
                self._make_room_for_title(renderer)

    def _make_room_for_title(self, renderer) -> None:
        """Classroom mode lays the panels out below a title of two lines. One that wraps to
        more later (05's Nesterov title once both runs diverged, naming each one's step) would
        cover the panels' titles and the legends above them: the panels, and the figure
        legends under the title, move down to make room, once, and stay there after."""
        height = self.figure.bbox.height
        bottom = self._title.get_window_extent(renderer).y0 / height
        shift = self._title_bottom - bottom
        if shift <= 0.002:  # a fraction of a pixel at these sizes: nothing to move
            return
        axes = self.figure.axes
        floor = min(ax.get_position(original=True).y0 for ax in axes)
        top = max(ax.get_position(original=True).y1 for ax in axes)
        scale = max(0.3, (top - shift - floor) / (top - floor))  # bottom edge stays put
        for ax in axes:
            box = ax.get_position(original=True)
            ax.set_position(
                (box.x0, floor + (box.y0 - floor) * scale, box.width, box.height * scale)
            )
        for legend in self.figure.legends:  # anchored at the title's bottom (_rebuild_legends)
            anchor = legend.get_bbox_to_anchor()
            x = (anchor.x0 + anchor.x1) / 2 / self.figure.bbox.width
            legend.set_bbox_to_anchor((x, bottom), transform=self.figure.transFigure)
        self._title_bottom = bottom
        self._forget_pictures()

    def layer(self, name: str, *artists) -> None:
        """Put artists into the cached layer ``name`` (created, above the others, on first use).

        A layer is drawn over the background and kept as a picture, so updates that do not
        change it cost nothing for it; call ``redraw_layer(name)`` when its artists change.
        """
        members = self._layers.setdefault(name, [])
        for artist in artists:
            artist.set_animated(True)  # so the background leaves it out
            members.append(artist)
        self.redraw_layer(name)

    def replace_layer(self, name: str, artists) -> None:
        """Remove the layer's artists from the figure and put ``artists`` in their place."""
        for artist in self._layers.get(name, []):
            artist.remove()
        self._layers[name] = []
        self.layer(name, *artists)

    def redraw_layer(self, name: str) -> None:
        """The layer ``name`` changed: draw it, and every layer above it, at the next render."""
        names = list(self._layers)
        for above in names[names.index(name) :]:
            self._layer_cache.pop(above, None)

    def redraw_background(self) -> None:
        """Call after changing anything that is neither moving nor in a layer."""
        self._background = None
        self._backgrounds.pop(self._background_key, None)
        self._recent.pop(self._background_key, None)
        self._layer_cache.clear()

    def use_background(self, key) -> None:
        """Switch to the static picture kept for ``key`` (drawn at the next render the first
        time): for explorers whose static parts take a few states (one per function shown)."""
        if key == self._background_key:
            return
        self._keep_recent()
        self._background_key = key
        self._layer_cache.clear()

    # -- memory: full-size pictures only where they are used -------------------------------------
    # At 2× one picture is 2000 × 860 × 4 bytes = 7 MB, and an explorer holds the canvas, its
    # background and one per layer; notebook 01 makes five explorers and its function picker
    # keeps seven backgrounds, 100 MB of a kernel that must stay below 450 MB once torch is
    # loaded. So a background not shown (another key's, or any of an explorer not being used)
    # is kept deflated: flat colours and thin lines deflate ~20×, losslessly, and getting it
    # back costs ~10 ms of inflating instead of a redraw. Only the explorer drawn last keeps its
    # canvas and layers: the others give them back and make them again when next used.
    #
    # The explorer in use keeps the last _RECENT backgrounds it left as they are, though: a slider
    # that moves between two of them (09's η, each stop with its own sharpness axis) would
    # otherwise deflate one and inflate the other at every move, 12 of 33 ms at 2×.
    _last_drawn = None  # a weak reference to the explorer that rendered last
    _RECENT = 2

    @staticmethod
    def _deflated(region) -> tuple:
        pixels = np.asarray(region)  # a copied canvas region is a (height, width, 4) buffer
        return pixels.shape, _deflate(pixels.tobytes(), _LEVEL)

    def _pack_background(self) -> None:
        """Deflate the current background into ``_backgrounds``, if it is drawn."""
        if self._background is None:
            return
        self._backgrounds[self._background_key] = self._deflated(self._background)
        self._background = None

    def _keep_recent(self) -> None:
        """Set the current background aside as it is; deflate the oldest beyond _RECENT."""
        if self._background is None:
            return
        self._recent[self._background_key] = self._background
        self._recent.move_to_end(self._background_key)
        self._background = None
        self.deflate_recent(keep=self._RECENT)

    def deflate_recent(self, keep: int = 0) -> None:
        """Deflate the backgrounds set aside as they are, the oldest first, until ``keep``
        are left: all of them for an explorer that draws each of its still pictures once, up
        front (01's seven functions: 14 MB at 2× otherwise), or going idle."""
        while len(self._recent) > keep:
            key, region = self._recent.popitem(last=False)
            self._backgrounds[key] = self._deflated(region)

    def _unpack_background(self) -> None:
        """Take the current key's background back: as it was set aside, or inflated onto the
        canvas if it was deflated."""
        if self._background is None and self._background_key in self._recent:
            self._background = self._recent.pop(self._background_key)
            return
        packed = self._backgrounds.pop(self._background_key, None)
        if self._background is not None or packed is None:
            return
        shape, data = packed
        self.canvas.get_renderer()  # a canvas given back by _go_idle is made again
        pixels = np.asarray(self.canvas.buffer_rgba())  # a writable view of the canvas
        pixels[...] = np.frombuffer(_inflate(data), dtype=np.uint8).reshape(shape)
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)

    def _take_turn(self) -> None:
        """This explorer is drawn now: the one drawn before it goes idle (unless it is busy
        drawing on another thread; a non-blocking lock cannot deadlock two explorers)."""
        previous = Explorer._last_drawn() if Explorer._last_drawn is not None else None
        if previous is self:
            return
        Explorer._last_drawn = weakref.ref(self)
        if previous is not None and previous.lock.acquire(blocking=False):
            try:
                previous._go_idle()
            finally:
                previous.lock.release()

    def _go_idle(self) -> None:
        """Keep only the deflated backgrounds; the canvas and layers are made at next use."""
        self._pack_background()
        self.deflate_recent()
        self._layer_cache.clear()
        # A fresh canvas has no renderer until it draws, so the old one's pixel buffer (the
        # figure's size × density², ~3 MB for a 1000 × 420 figure at 2×) goes with the old canvas.
        self.canvas = FigureCanvasAgg(self.figure)

    def redraw_panel(self, ax) -> None:
        """Redraw one panel (axes, ticks and labels) into the cached background.

        Cheaper than ``redraw_background`` when only one panel's static parts changed (new
        limits, say): its area, padded for tick labels that change width, is painted white
        and drawn again; the moving artists are drawn on top at every render, as usual.
        """
        self._unpack_background()
        if self._background is None:
            return  # nothing cached yet: the next render draws everything anyway
        renderer = self.canvas.get_renderer()
        if ax not in self._panel_boxes:  # panels do not move, so measure each once
            self._panel_boxes[ax] = ax.get_tightbbox(renderer).padded(12 * self.display.density)
        box = self._panel_boxes[ax]
        self.canvas.restore_region(self._background)
        pixels = np.asarray(self.canvas.buffer_rgba())  # a writable view of the canvas
        height, width = pixels.shape[:2]
        rows = slice(max(0, height - int(np.ceil(box.y1))), min(height, height - int(box.y0)))
        columns = slice(max(0, int(box.x0)), min(width, int(np.ceil(box.x1))))
        pixels[rows, columns] = 255
        ax.draw(renderer)
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._layer_cache.clear()

    def set_quietly(self, control, value, options=None) -> None:
        """Set a control from inside ``update`` without the refresh its change would start
        (the update under way draws the new value): a step counter sent back to 0, say.
        With ``options``, a selection slider gets new stops first (which would otherwise move
        it to the first of them, one redraw, before ``value`` is set, another)."""
        watched = control.play if isinstance(control, StepControls) else control
        watched.unobserve(self._on_change, names="value")
        try:
            if options is not None:
                watched.options = options
            watched.value = value
        finally:
            watched.observe(self._on_change, names="value")

    def on_structure(self, control, redraw) -> None:
        """When ``control`` changes, call ``redraw()`` (which changes static parts, say another
        function's contours) before the usual update, in the same locked refresh."""
        self._structural[control] = redraw

    def _on_change(self, change) -> None:
        self.refresh(change)

    def refresh(self, change=None) -> None:
        """Recompute and re-render; on error, show the message where the figure was."""
        with self.lock:
            try:
                structural = change is not None and change.owner in self._structural
                if structural:
                    self._structural[change.owner]()
                    self.redraw_background()
                self.update()
                if structural and self.classroom and self._laid_out:
                    self._lay_out_again()
                png = self.render()
                self.message = ""
            except Exception as error:  # a callback's error must reach the student, not a log
                self.message = f"{type(error).__name__}: {error}"
                png = self._message_png(self.message, traceback.format_exc(limit=3))
            self.image.value = png
            for stepper in self._steppers:
                stepper._label()  # the step the picture shows

    def render(self) -> bytes:
        """The cached levels (background, then each layer), the moving artists on top, as PNG."""
        self._whole_steps()
        if not self._laid_out:
            self._laid_out = True
            self._fit_classroom()
        self._take_turn()
        self._wrap_title()  # before the background: a title grown a line may move the panels
        self._unpack_background()
        if self._background is None:
            self.canvas.draw()  # draws everything that is neither moving nor in a layer
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
            self._layer_cache.clear()
        # Restore the highest level still cached, then draw (and cache) the levels above it.
        names = list(self._layers)
        valid = 0
        while valid < len(names) and names[valid] in self._layer_cache:
            valid += 1
        self.canvas.restore_region(
            self._layer_cache[names[valid - 1]] if valid else self._background
        )
        for name in names[valid:]:
            self._draw_artists(self._layers[name])
            self._layer_cache[name] = self.canvas.copy_from_bbox(self.figure.bbox)
        self._fit_banners()
        self._draw_artists(self._moving)
        return encode_png(np.asarray(self.canvas.buffer_rgba()))

    def _whole_steps(self) -> None:
        """A step axis counts whole steps: at steps = 1 the default ticks read 0.00, 0.25, …,
        1.00 (and in classroom mode the last one was cut at the picture's edge). Only
        matplotlib's default locator is replaced, by the same one keeping to integers."""
        for ax in self.figure.axes:
            if ax.get_xscale() != "linear" or not ax.get_xlabel().startswith("step"):
                continue
            if type(ax.xaxis.get_major_locator()) is AutoLocator:
                steps = [1, 2, 2.5, 5, 10]  # AutoLocator's own
                ax.xaxis.set_major_locator(MaxNLocator(nbins="auto", steps=steps, integer=True))

    def panel_title(self, ax, text: str, fontsize: float = 12) -> None:
        """Set a panel's title, at ``fontsize`` points, or in classroom mode at the size the
        classroom layout gives it: a title set again later (the function or κ changed) keeps
        the room's size instead of falling back to 11 points."""
        if self.classroom and self._laid_out:  # (before, _fit_classroom enlarges it)
            fontsize = _classroom_size_of(fontsize, self.screen_dpi)
        ax.set_title(text, fontsize=fontsize)
        if self.classroom and self._laid_out:  # and breaks it if it runs into another panel's
            # title or off the picture (05's Nesterov titles ran into each other after the
            # function changed); one that only overhangs its panel stays on one line, as the
            # layout made room for (the rate map's, broken, covered the legend above it)
            renderer = self.canvas.get_renderer()
            box = ax.title.get_window_extent(renderer)
            others = [other.title.get_window_extent(renderer) for other in self.figure.axes
                      if other is not ax and other.get_title()]  # fmt: skip
            if (
                box.x0 < 0
                or box.x1 > self.figure.bbox.width
                or any(box.overlaps(other) for other in others)
            ):
                _two_lines_if_long(ax.title, ax.get_window_extent(renderer).width, renderer)
            # a top tick label of the new axis ("3" on Rosenbrock) can reach higher than the
            # first one the layout made room for: lift a title that would touch it
            # (only the ticks inside the axis: matplotlib keeps labels beyond it, undrawn, and
            # a "2.0" above a 1.6 top once lifted 10's title into the one above it)
            ax.yaxis.get_majorticklabels()  # (brings the ticks up to date with the axis)
            low, high = sorted(ax.get_ylim())
            slack = 1e-9 * (high - low)
            top = max((tick.label1.get_window_extent(renderer).y1
                       for tick in ax.yaxis.get_major_ticks()
                       if low - slack <= tick.get_loc() <= high + slack
                       and tick.label1.get_visible() and tick.label1.get_text()),
                      default=0.0)  # fmt: skip
            gap = ax.title.get_window_extent(renderer).y0 - top
            if gap < 2 * self.display.density:
                points = (2 * self.display.density - gap) * 72 / self.figure.dpi
                ax.set_title(ax.title.get_text(), fontsize=fontsize, pad=6 + points)
                lifted = ax.title.get_window_extent(renderer)
                legends = [legend.get_window_extent(renderer) for legend in self.figure.legends]
                if any(lifted.overlaps(legend) for legend in legends):  # not into a legend
                    ax.set_title(ax.title.get_text(), fontsize=fontsize)

    def _fit_banners(self) -> None:
        """Each status banner (``status_text``) on lines that fit inside its panel: a message
        wider than the panel ("GD diverged at step 12" at 24 px in a narrow panel) is broken
        at spaces, so that it never runs over the next panel. Measured only when its text
        changes."""
        renderer = None
        for banner in self._moving:
            state = _BANNERS.get(banner)
            if state is None or not banner.get_visible():
                continue
            text = banner.get_text()
            if not text.strip():
                continue
            renderer = renderer or self.canvas.get_renderer()
            if state.align is None:
                state.align = (banner.get_horizontalalignment(), banner.get_verticalalignment())
            ax = banner.axes
            # its white box (the text plus a pad on every side) inside the panel: at 24 px the
            # pad is wider than the 2–3 % margin the explorer gave it
            pad = banner.get_bbox_patch().get_boxstyle().pad * banner.get_fontsize() * self.dpi / 72
            if text != state.fitted:
                x = max(min(state.origin[0], 1 - state.origin[0]), 1.2 * pad / ax.bbox.width)
                room = ax.bbox.width * (1 - x) - 2.4 * pad  # image pixels
                banner.set_text(_wrap_to(banner, text, room, renderer))
                state.fitted = banner.get_text()
            _banner_where_least_covers(banner, state, pad, renderer)

    def _fit_classroom(self) -> None:
        """Classroom mode: every text ≥ CLASSROOM_TEXT_PX screen pixels, fewer ticks so they
        do not collide, and the panels laid out again around the larger text.

        Runs once, at the first render, when the explorer has made all its artists. Panels made
        with ``subplots`` are placed by matplotlib's constrained layout (computed once, then
        frozen: recomputing it on every update would cost more than the update); panels placed
        by hand keep their places, shrunk by the margin the larger text needs.
        """
        smallest = CLASSROOM_TEXT_PX * 72 / self.screen_dpi  # points for 24 screen pixels

        def larger(size: float) -> float:
            return _classroom_size_of(size, self.screen_dpi)

        for ax in self.figure.axes:
            # a log axis's label a little off its tick labels: at 24 px "f(θ_t) − f_min"
            # touched the superscripts of 10⁻² beside it (06's bias-correction explorer)
            if ax.get_yscale() == "log":
                ax.yaxis.labelpad = max(ax.yaxis.labelpad, 8.0)
            ax.tick_params(
                labelsize=larger(ax.xaxis.get_ticklabels()[0].get_size())
                if ax.xaxis.get_ticklabels()
                else smallest
            )
            for axis in (ax.xaxis, ax.yaxis):
                locator = axis.get_major_locator()
                if isinstance(locator, MaxNLocator):
                    locator.set_params(nbins=4)
                elif isinstance(locator, LogLocator | SymmetricalLogLocator):
                    locator.set_params(numticks=4)
        texts = self.figure.findobj(Text)  # (this makes the ticks the new locators ask for)
        tick_labels = _tick_labels(self.figure)
        texts = [t for t in texts if t not in tick_labels]
        for text in texts:
            text.set_fontsize(larger(text.get_fontsize()))
        self._break_long_labels()
        self._rebuild_legends(larger)
        if all(ax.get_subplotspec() is not None for ax in self.figure.axes):
            self._tight_layout()
        else:
            self.figure.subplots_adjust()  # hand-placed panels: a tighter frame
            for ax in self.figure.axes:
                box = ax.get_position()
                ax.set_position(
                    (0.03 + 0.94 * box.x0, 0.1 + 0.8 * box.y0, 0.94 * box.width, 0.8 * box.height)
                )
        self._forget_pictures()

    def _tight_layout(self) -> None:
        """The panels laid out around their texts, below the title and the legends above
        them, and grown to the height the screen gives them. tight_layout, not constrained
        layout: it accepts the colorbars the explorers made (constrained layout cannot be
        switched on after a colorbar exists)."""
        # tight_layout measures each panel's decorations against its grid cell, not where the
        # panel is now: panels moved since the last layout (grown by _fill_height, lowered under
        # a longer title) went back to their cells first, or it judged the margins impossible
        # and kept the old layout (05's Nesterov on Beale after Rosenbrock: θ₂ off the picture)
        for ax in self.figure.axes:
            if ax.get_subplotspec() is not None:
                ax.set_position(ax.get_subplotspec().get_position(self.figure))
        self.canvas.draw()  # the title's and legends' sizes, for the top of the panels
        top = self._top_of_panels()
        with warnings.catch_warnings():  # where no layout fits, the one there is stays
            warnings.simplefilter("ignore", UserWarning)
            self.figure.tight_layout(pad=0.4, w_pad=0.8, rect=(0, 0, 1, top))
        self._fill_height(top)

    def _forget_pictures(self) -> None:
        """The panels moved: every cached picture of them is stale."""
        self._background = None
        self._backgrounds.clear()
        self._recent.clear()
        self._panel_boxes.clear()
        self._layer_cache.clear()

    def _lay_out_again(self) -> None:
        """Classroom mode, after a structural change (another function, optimizer or kind):
        the panels laid out again around the texts they have now. The first layout was made
        for the first texts; wider tick labels (09's Adam sharpness in the tens of thousands),
        a longer label or a title of another size ran off the picture or into each other.
        A structural change redraws the still picture anyway, so this costs one layout more."""
        if not all(ax.get_subplotspec() is not None for ax in self.figure.axes):
            return  # hand-placed panels keep their places
        self._wrap_title()
        self._tight_layout()
        self._forget_pictures()

    def _fill_height(self, top: float) -> None:
        """Panels in one row, grown to the height the screen gives them.

        tight_layout leaves wide 24 px rows of three panels much lower than the room between
        the title and the bottom edge (its one-pass estimate overshoots when the panels get
        narrow), so the row is measured again and stretched into the space left above and below.
        """
        axes = [ax for ax in self.figure.axes if ax.get_visible()]
        # the panels' cells, before a fixed aspect (equal axes) shrinks a panel inside its cell
        boxes = [ax.get_position(original=True) for ax in axes]
        if not axes or len({(round(b.y0, 4), round(b.height, 4)) for b in boxes}) != 1:
            return  # not a single row (colorbars and insets have their own heights)
        self.canvas.draw()
        renderer = self.canvas.get_renderer()
        height = self.figure.bbox.height
        margin = 0.01 * height
        tight = [ax.get_tightbbox(renderer) for ax in axes]
        above = top * height - max(t.y1 for t in tight) - margin
        below = min(t.y0 for t in tight) - margin
        if above <= 0 and below <= 0:
            return
        grow_top, grow_bottom = max(above, 0) / height, max(below, 0) / height
        for ax in self.figure.axes:
            box = ax.get_position(original=True)
            ax.set_position(
                (box.x0, box.y0 - grow_bottom, box.width, box.height + grow_top + grow_bottom)
            )

    def _break_long_labels(self) -> None:
        """An axis label, panel title or note longer than its panel's side is put on two lines
        (at the space nearest its middle, never inside $…$ math)."""
        renderer = self.canvas.get_renderer()
        for ax in self.figure.axes:
            box = ax.get_window_extent(renderer)
            sides = ((ax.xaxis.label, box.width), (ax.yaxis.label, box.height))
            # and the still notes written inside a panel (02's "floor: … is drawn here")
            notes = [(t, box.width) for t in ax.texts if not t.get_animated()]
            for label, room in (*sides, (ax.title, box.width), *notes):
                _two_lines_if_long(label, room, renderer)

    def _rebuild_legends(self, larger) -> None:
        """Legends with larger text (a legend lays out its entries when it is made, so it is
        made again): a panel's in one column, figure legends just below the title in as many
        of their columns as fit."""
        renderer = self.canvas.get_renderer()
        lifted_handles, lifted_labels, lifted_size = [], [], None  # to go above the panels
        for ax in self.figure.axes:
            old = ax.get_legend()
            if old is None:
                continue
            handles, labels = old.legend_handles, [t.get_text() for t in old.texts]
            size = old.texts[0].get_fontsize() if old.texts else None
            # A legend the explorer anchored itself (outside the data, say) keeps its place
            # and its columns; the others get one column.
            anchored = old._bbox_to_anchor is not None
            columns = old._ncols if anchored else 1  # two columns would overflow a panel
            while True:  # an anchored legend: as many of its columns as fit the picture
                new = ax.legend(
                    handles,
                    labels,
                    loc=old._loc,
                    # (in display units already, and it follows the panel when it moves)
                    bbox_to_anchor=old._bbox_to_anchor,
                    bbox_transform=IdentityTransform() if anchored else None,
                    ncols=columns,
                    fontsize=size,
                    frameon=old.get_frame_on(),
                    framealpha=0.85,
                )
                _keep_faded(old, new)
                box = new.get_window_extent(renderer)
                if columns == 1 or (box.x0 >= 0 and box.x1 <= self.figure.bbox.x1):
                    break
                columns -= 1  # ("gradient descent (B = n" ran off the right edge at 24 px)
            # A still legend that would hide a third of its panel at 24 px goes above the
            # panels instead, where the title leaves room (legends remade at every update stay).
            legend_box, panel_box = new.get_window_extent(renderer), ax.get_window_extent(renderer)
            covers = (legend_box.width * legend_box.height) / (panel_box.width * panel_box.height)
            lift = not anchored and not old.get_animated() and not self.figure.legends
            if lift and covers > 0.3:
                new.remove()
                lifted_size = size
                for handle, label in zip(handles, labels, strict=True):
                    if label not in lifted_labels:  # two panels' legends often share entries
                        lifted_handles.append(handle)
                        lifted_labels.append(label)
        if lifted_handles:  # laid out below the title with the other figure legends, next
            self.figure.legend(lifted_handles, lifted_labels, fontsize=lifted_size,
                               ncols=min(len(lifted_handles), 3))  # fmt: skip
        title_bottom = 1.0
        if self._title is not None:
            text = self._title.get_text()
            self._title.set_text("Xg\nXg")  # room for two lines, whatever it says now
            title_bottom = self._title.get_window_extent(renderer).y0 / self.figure.bbox.height
            self._title.set_text(text)
        for old in list(self.figure.legends):
            handles, labels = old.legend_handles, [t.get_text() for t in old.texts]
            size = old.texts[0].get_fontsize() if old.texts else None  # already enlarged
            old.remove()
            columns = old._ncols
            while True:  # as many of its columns as fit the picture's width
                new = self.figure.legend(
                    handles,
                    labels,
                    loc="upper center",
                    bbox_to_anchor=(0.5, title_bottom),
                    ncols=columns,
                    fontsize=size,
                    frameon=False,
                    columnspacing=1.0,
                    handletextpad=0.4,
                )
                _keep_faded(old, new)
                if columns == 1 or new.get_window_extent(renderer).width <= self.figure.bbox.width:
                    break
                new.remove()
                columns -= 1
        self._title_bottom = title_bottom

    def _top_of_panels(self) -> float:
        """The highest figure fraction the panels may reach: below the title and any legend
        placed above them."""
        renderer = self.canvas.get_renderer()
        lowest = self._title_bottom
        for legend in self.figure.legends:  # legends placed above the panels
            if legend.get_visible():
                box = legend.get_window_extent(renderer)
                lowest = min(lowest, box.y0 / self.figure.bbox.height)
        return max(0.5, lowest - 0.01)

    def _draw_artists(self, artists) -> None:
        for artist in artists:
            if artist.get_visible():
                (artist.axes or self.figure).draw_artist(artist)

    def render_full(self) -> bytes:
        """The whole figure drawn from scratch (what a naive explorer does on every change)."""
        cached = [a for members in self._layers.values() for a in members] + self._moving
        for artist in cached:
            artist.set_animated(False)
        try:
            buffer = io.BytesIO()
            self.figure.savefig(buffer, format="png", dpi=self.dpi)
            return buffer.getvalue()
        finally:
            for artist in cached:
                artist.set_animated(True)

    def _message_png(self, message: str, details: str) -> bytes:
        figure = Figure(figsize=self.figure.get_size_inches(), dpi=self.dpi)
        FigureCanvasAgg(figure)
        figure.text(
            0.5, 0.6, message, ha="center", va="center", color="darkred", fontsize=13, wrap=True
        )
        figure.text(
            0.02,
            0.05,
            details,
            ha="left",
            va="bottom",
            color="gray",
            fontsize=7,
            family="monospace",
        )
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=self.dpi)
        return buffer.getvalue()

    @property
    def title(self) -> str:
        """The text of the figure's title line (what the student reads above the plots), with
        the no-break spaces that keep a phrase on one line read as spaces."""
        if self._title is not None:
            text = self._title_text  # as set: the line breaks are the picture's
        else:
            text = self.figure.axes[0].get_title() if self.figure.axes else ""
        return text.replace("\u00a0", " ")

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus a PNG of the current state for viewers without a kernel
        (shown at its size in screen pixels, however many image pixels it has)."""
        from IPython import get_ipython
        from IPython.display import Javascript, display

        if get_ipython() is not None:  # an empty output that lets the keyboard reach widgets
            display(Javascript(KEYBOARD_JS))
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        width, height = self.screen_size
        return bundle, {"image/png": {"width": width, "height": height}}


def _classroom_size(control) -> tuple[int, int]:
    """A control's (width, height) in screen pixels under CLASSROOM_CSS (measured in Chromium)."""
    if isinstance(control, StepControls):
        return 640, 60
    if isinstance(control, ToggleSet):  # a label and a button per option, ~13 px a letter
        letters = len(control.description) + sum(len(str(o)) for o in control.options)
        return min(CLASSROOM_WIDTH_PX, 13 * letters + 50 * len(control.options) + 40), 60
    if isinstance(control, widgets.SelectMultiple | widgets.Select):
        return 420, 34 * control.rows + 16
    sliders = widgets.FloatSlider | widgets.IntSlider | widgets.FloatLogSlider
    if isinstance(control, sliders | widgets.SelectionSlider):  # a 200 px track at least
        return max(410, 13 * len(control.description) + 330), 60
    if isinstance(control, widgets.Checkbox):
        return 13 * len(control.description) + 70, 60
    if isinstance(control, widgets.Dropdown):  # as wide as its longest option (CLASSROOM_CSS)
        longest = max((len(str(label)) for label in control._options_labels), default=0)
        return min(CLASSROOM_WIDTH_PX, 13 * (len(control.description) + longest) + 70), 60
    return 300, 60


def _wrap_to(text_artist, text: str, room: float, renderer) -> str:
    """``text`` broken at spaces into lines no wider than ``room`` pixels as ``text_artist``
    draws them (its own line breaks kept; a single word wider than ``room`` stays whole).

    Measuring a text costs a font layout (~0.5 ms); matplotlib's own ``wrap=True`` measures the
    line once per word at every draw, which was a fifth of a slider move's time. Here a line
    that fits costs one measurement, and one that does not about four: the break is guessed
    from the characters that fit, then moved a word at a time."""
    prop = text_artist.get_fontproperties()

    def width(candidate: str) -> float:
        shown, ismath = text_artist._preprocess_math(candidate)
        return renderer.get_text_width_height_descent(shown, prop, ismath=ismath)[0]

    lines = []
    for paragraph in text.split("\n"):
        words = _words_of(paragraph)
        start = 0
        while True:
            rest = " ".join(words[start:])
            full = width(rest)
            if full <= room or start == len(words) - 1:
                lines.append(rest)
                break
            # as many words as fit into the share of the characters that fits
            chars, n = len(rest) * room / full, 1
            while start + n < len(words) and len(" ".join(words[start : start + n + 1])) <= chars:
                n += 1
            shrank = False
            while n > 1 and width(" ".join(words[start : start + n])) > room:
                n, shrank = n - 1, True
            while not shrank and start + n < len(words) - 1:
                if width(" ".join(words[start : start + n + 1])) > room:
                    break
                n += 1
            lines.append(" ".join(words[start : start + n]))
            start += n
    return "\n".join(lines)


_MINUS = re.compile(r"-(?=\.?\d)")  # a hyphen before a digit: a minus sign
# a space before a number ("step 2", "= 0.5", "B = −1"): a line never starts with the number
_BEFORE_A_NUMBER = re.compile(r" (?=[−-]?\.?\d)")


_SHORT_GROUP = re.compile(r"\([^()]{1,16}\)|\[[^\[\]]{1,16}\]")  # "(η*, β*)", "[0.01, 0.86]"


def _words_of(paragraph: str) -> list[str]:
    """The units a wrap may break between: the words, with a number kept on the line of the
    word before it ("diverged at step" over a lone "2" read badly in a classroom title), and a
    short bracketed pair kept whole (05's "optimum (η*," over "β*)")."""
    glued = _SHORT_GROUP.sub(lambda m: m.group().replace(" ", "\0"), paragraph)
    glued = _BEFORE_A_NUMBER.sub("\0", glued)
    return [word.replace("\0", " ") for word in glued.split(" ")]


def _two_lines_if_long(label, room: float, renderer) -> None:
    """Put ``label`` on two lines (at the space nearest its middle, never inside $…$ math)
    when it is longer than ``room`` pixels."""
    text = label.get_text()
    if "\n" in text or not text.strip():
        return
    extent = label.get_window_extent(renderer)
    if max(extent.width, extent.height) <= 1.05 * room:
        return
    spaces = [i for i, c in enumerate(text) if c == " " and text[:i].count("$") % 2 == 0]
    if spaces:
        cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
        label.set_text(text[:cut] + "\n" + text[cut + 1 :])


def _keep_faded(old, new) -> None:
    """A remade legend's entries as faded as the old one's (an explorer fades the entry of a
    curve switched off; a legend's texts are made anew, its handles copy their alpha)."""
    for was, now in zip(old.texts, new.texts, strict=False):
        now.set_alpha(was.get_alpha())


def _tick_labels(figure) -> set:
    """Every tick label of the figure's axes (they get their size from ``tick_params``, which
    new ticks copy): all the ticks an axis holds, not only those in view, since an axis keeps
    more ticks than it draws and may draw them again later. A tick label's ``axes`` is not set
    (matplotlib 3.11), so the labels are found from the axes, not the other way round."""
    labels = set()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in (*axis.majorTicks, *axis.minorTicks):
                labels.update((tick.label1, tick.label2))
    return labels
