"""Exercise checks for notebook 08 (the optimizer showdown)."""

from __future__ import annotations

import numpy as np

from ..checks import Feedback, check_number
from ..showdown import forgiving_width

__all__ = ["run_calls", "check_forgiving_width"]


def run_calls(answer) -> Feedback:
    """Exercise 1: how many ``helpers.run`` calls the protocol needs (7 optimizers, 4
    functions, 73 learning rates × 8 starts each, all of one optimizer and function in one
    call, no grid widened)."""
    return check_number(
        answer,
        28,
        name="calls",
        mistakes={
            7 * 4 * 73 * 8: "that is the number of <i>runs</i>; all 73 η × 8 starts of one "
            "optimizer on one function go into a single call as arrays.",
            7 * 4 * 73: "the 73 learning rates do not need a call each: they are one array.",
            7 * 4 * 8: "the 8 starts do not need a call each: x0 holds all of them.",
            7 * 4 * 3: "the three grids (grid, shifted, finer) are read from the same runs.",
            7: "the sweep is repeated on each of the 4 functions.",
            4: "each optimizer is a different class, so each needs its own call.",
        },
        hint="One call runs one optimizer on one function, with every η and start at once.",
        explanation="One call per (optimizer, function): 7 × 4 = 28; each runs 73 × 8 = 584 "
        "runs side by side.",
    )


def check_forgiving_width(width_function) -> Feedback:
    """Exercise 2: ``width_function(lrs, gaps)`` = decades of η around the best within 10×."""
    if width_function is None:
        return Feedback(None, "Not answered yet: write <code>width</code> and run the cell.")
    lrs = np.geomspace(1e-4, 1, 9)  # half a decade apart
    cases = [
        np.array([9, 5, 0.9, 0.2, 0.1, 0.5, 3, 50, np.inf]),
        np.array([1e-3, 5e-3, 2e-2, 5, 1e-4, 9e-4, 3e-4, 1, np.inf]),
        np.array([4.0, 3.0, 2.0, 1.0, 0.5, 0.25, 0.125, 0.06, 0.03]),
    ]
    for gaps in cases:
        try:
            got = float(width_function(lrs, gaps))
        except TypeError as error:
            if "NoneType" in str(error):
                return Feedback(None, "Not answered yet: <code>width</code> returns None.")
            return Feedback(False, f"Calling <code>width(lrs, gaps)</code> failed: {error}")
        except Exception as error:  # the student's code: report, never raise
            return Feedback(False, f"Calling <code>width(lrs, gaps)</code> failed: {error!r}")
        right = forgiving_width(lrs, gaps)
        if not np.isclose(got, right):
            good = gaps <= 10 * gaps.min()
            everywhere = float(np.log10(lrs[good].max() / lrs[good].min()))
            if np.isclose(got, everywhere):
                return Feedback(
                    False,
                    "Not yet: count only the η <i>next to</i> the best one: a "
                    "lucky η far away, past a bad stretch, is not part of the range.",
                )
            if np.isclose(got, 10**right):
                return Feedback(
                    False,
                    f"Not yet: you give {got:.3g}, the ratio η_high/η_low; the width is its "
                    "log₁₀, in decades (a ratio of 100 is 2 decades).",
                )
            spacing = np.log10(lrs[1] / lrs[0])  # decades between two grid points
            if np.isclose(abs(got - right), spacing):
                return Feedback(
                    False,
                    f"Not yet: you give {got:.3g}, one grid point ({spacing:g} decades) "
                    f"{'more' if got > right else 'less'} than the range: it runs from the "
                    "first good η to the last good one, both good, and stops before the first "
                    "η that is not within 10× of the best.",
                )
            if np.isclose(got, good.sum()):
                return Feedback(
                    False,
                    "Not yet: that is how many grid points are good; the "
                    "question asks for the width in decades, log₁₀(η_high/η_low).",
                )
            return Feedback(
                False,
                f"Not yet: for gaps {gaps.tolist()} at η half a decade apart "
                f"you give {got:.3g}. Start at the best η and walk outwards.",
            )
    return Feedback(
        True,
        "Correct: the decades of η around the best where every run is within "
        "10× of it, as <code>helpers.showdown.forgiving_width</code> computes.",
    )
