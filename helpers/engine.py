"""The interactive-figure engine: a persistent matplotlib figure shown as a PNG in core ipywidgets.

Why this design (see DESIGN.md, "Interactive figures"): an object-oriented ``Figure`` rendered
to PNG into an ``ipywidgets.Image`` needs no ipympl, works in JupyterLab, Notebook 7, VS Code and
Colab, does not flicker (the image is swapped in one piece), keeps its size, and leaves a static
picture in the saved notebook.

A concrete explorer subclasses :class:`Explorer`, builds its artists once in ``__init__`` and
changes only their data in ``update``. Tests drive it by setting ``control.value`` in Python and
reading the artists, ``title`` or ``message`` back.
"""

from __future__ import annotations

import base64
import io
import traceback

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["Explorer", "lr_slider"]


def lr_slider(value: float = 0.1, low: float = 1e-3, high: float = 3.0, **kwargs):
    """The learning rate η as a log slider: equal slider distances are equal ratios."""
    import math

    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=math.log10(low),
        max=math.log10(high),
        step=0.01,
        description=kwargs.pop("description", "η (lr)"),
        readout_format=".3g",
        continuous_update=True,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="360px"),
        **kwargs,
    )


class Explorer:
    """A figure plus its controls, redrawn in place whenever a control's value changes.

    Subclasses set up artists in ``__init__`` (after calling ``super().__init__``), then call
    ``self.refresh()``; they implement ``update()``, which reads the controls and changes the
    artists' data. An exception in ``update`` is shown as a readable message in the figure area
    (``self.message``), never lost in a log.
    """

    dpi = 100

    def __init__(self, controls: list[widgets.Widget], figsize=(8.0, 3.6)):
        self.figure = Figure(figsize=figsize, dpi=self.dpi)
        FigureCanvasAgg(self.figure)
        self.controls = list(controls)
        width, height = (round(s * self.dpi) for s in figsize)
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(width=f"{width}px", height=f"{height}px")
        )
        self.message = ""  # the error shown instead of the figure, if any
        for control in self.controls:
            control.observe(self._on_change, names="value")
        self.widget = widgets.VBox(
            [widgets.HBox(self.controls, layout=widgets.Layout(flex_flow="row wrap")), self.image]
        )

    # -- to be written by each explorer -------------------------------------------------------
    def update(self) -> None:
        raise NotImplementedError

    # -- the mechanism -------------------------------------------------------------------------
    def _on_change(self, change) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute and re-render; on error, show the message where the figure was."""
        try:
            self.update()
            png = self.render()
            self.message = ""
        except Exception as error:  # a callback's error must reach the student, not a log
            self.message = f"{type(error).__name__}: {error}"
            png = self._message_png(self.message, traceback.format_exc(limit=3))
        self.image.value = png

    def render(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=self.dpi)
        return buffer.getvalue()

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
        """The figure's suptitle, or the first axes' title."""
        if self.figure._suptitle is not None:
            return self.figure._suptitle.get_text()
        return self.figure.axes[0].get_title() if self.figure.axes else ""

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus a PNG of the current state for viewers without a kernel."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        return bundle
