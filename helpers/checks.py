"""Automatic feedback for the exercises: say what is right or wrong, in words.

Each exercise has one function here, named after its notebook, that knows the answer (so the
notebook cell does not show it) and the usual mistakes. It displays a short verdict and returns
``True`` only for a correct answer. An unanswered exercise (``None``) is not an error: the
verdict says what to do, so Restart & Run All always completes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Feedback", "check_number", "nb00_updates"]


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


def check_number(
    answer,
    expected: float,
    *,
    name: str,
    rtol: float = 1e-6,
    mistakes: dict[float, str] | None = None,
    hint: str = "",
    explanation: str = "",
) -> Feedback:
    """Compare a numeric answer. Known wrong values get their own explanation, other wrong
    values the ``hint`` (which must not give the answer away); a right one the ``explanation``."""
    if answer is None:
        return Feedback(None, f"Not answered yet: set <code>{name}</code> and run the cell again.")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback(False, f"<code>{name}</code> should be a number, got {answer!r}.")
    if math.isclose(value, expected, rel_tol=rtol, abs_tol=1e-12):
        return Feedback(True, f"Correct: {name} = {expected:g}. {explanation}".strip())
    for wrong, why in (mistakes or {}).items():
        if math.isclose(value, wrong, rel_tol=rtol, abs_tol=1e-12):
            return Feedback(False, f"{name} = {value:g} is not it: {why}")
    return Feedback(False, f"{name} = {value:g} is not it. {hint}".strip())


def nb00_updates(updates) -> Feedback:
    """Notebook 00, exercise 1: updates in 3 epochs of n = 1000 with B = 32."""
    return check_number(
        updates,
        3 * math.ceil(1000 / 32),
        name="updates",
        mistakes={
            3: "that is the number of epochs; each epoch makes several updates.",
            1000 * 3: "that would be batch size 1 (one update per sample).",
            3 * 1000 / 32: "an update uses a whole batch, so count batches: the last, "
            "short batch of 1000 − 31·32 = 8 samples is an update too.",
            3 * (1000 // 32): "you dropped the last, short batch of 8 samples; by default "
            "it is still used for an update.",
            32: "that is one epoch's worth; the question asks for 3 epochs.",
        },
        hint="Count the batches in one epoch first (is the last one full?), then the epochs.",
        explanation="Each epoch is ⌈1000/32⌉ = 32 iterations, and 3 epochs make 96.",
    )
