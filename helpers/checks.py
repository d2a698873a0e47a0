"""Automatic feedback for the exercises: say what is right or wrong, in words.

The generic checks live here; each notebook's exercises have their own module in
``helpers.exercises`` (``nb00``, ``nb01``, …), whose functions know the answer (so the notebook
cell does not show it) and the usual mistakes. It displays a short verdict and returns
``True`` only for a correct answer. An unanswered exercise (``None``) is not an error: the
verdict says what to do, so Restart & Run All always completes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Feedback", "as_number", "check_number", "known_slip"]


@dataclass
class Feedback:
    correct: bool | None  # None: not answered yet
    message: str

    def _repr_html_(self) -> str:
        mark, colour = {True: ("✔", "#070"), False: ("✘", "#b00"), None: ("…", "#555")}[
            self.correct
        ]
        return f"<p style='color:{colour}; font-size:110%'><b>{mark}</b> {self.message}</p>"

    def __repr__(self) -> str:
        mark = {True: "correct", False: "not yet", None: "unanswered"}[self.correct]
        return f"[{mark}] {self.message}"

    def __bool__(self) -> bool:
        return bool(self.correct)


def as_number(answer) -> float | None:
    """``answer`` as a float, or None when it is not a number (``check_number`` says so): for
    checks that look at a number before handing it to ``check_number``."""
    try:
        return float(answer)
    except (TypeError, ValueError):
        return None


def check_number(
    answer,
    expected: float,
    *,
    name: str,
    rtol: float = 1e-6,
    mistakes: dict[float, str | tuple[str, float]] | None = None,
    hint: str = "",
    explanation: str = "",
    close: tuple[float, str] | None = None,
) -> Feedback:
    """Compare a numeric answer. Known wrong values get their own explanation, other wrong
    values the ``hint`` (which must not give the answer away); a right one the ``explanation``.
    ``close=(rtol, why)``: a value within that wider tolerance is called close, and ``why``
    says what is missing (more digits, say). A mistake's explanation may be a ``(why, rtol)``
    pair: a mistake matched in a tolerance of its own (one as near the answer as a rounded
    answer is)."""
    if answer is None:
        return Feedback(None, f"Not answered yet: set <code>{name}</code> and run the cell again.")
    value = as_number(answer)
    if value is None:
        return Feedback(False, f"<code>{name}</code> should be a number, got {answer!r}.")
    if math.isclose(value, expected, rel_tol=rtol, abs_tol=1e-12):
        # the student's value, and the exact one only where it differs from what they wrote
        exact = "" if f"{value:g}" == f"{expected:g}" else f" (exactly {expected:g})"
        return Feedback(True, f"Correct: {name} = {value:g}{exact}. {explanation}".strip())
    for wrong, why in (mistakes or {}).items():
        why, tolerance = (why, rtol) if isinstance(why, str) else why
        if math.isclose(value, wrong, rel_tol=tolerance, abs_tol=1e-12):
            return Feedback(False, f"{name} = {value:g} is not it: {why}")
    if close is not None and math.isclose(value, expected, rel_tol=close[0], abs_tol=1e-12):
        return Feedback(False, f"{name} = {value:g} is close: {close[1]}")
    return Feedback(False, f"{name} = {value:g} is not it. {hint}".strip())


def known_slip(answer, slips, *, rtol: float = 1e-9, atol: float = 1e-12) -> str | None:
    """The explanation of the first known wrong result ``answer`` equals, or None.

    ``slips`` is a sequence of (wrong result, why) pairs: what a typical mistake computes, and
    the sentence that names that mistake.
    """
    for wrong, why in slips:
        if np.allclose(answer, wrong, rtol=rtol, atol=atol):
            return why
    return None
