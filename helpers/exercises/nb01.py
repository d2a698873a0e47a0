"""Exercise checks for notebook 01 (the loss landscape)."""

from __future__ import annotations

import math

import numpy as np

from ..checks import Feedback, check_number, known_slip
from ..objectives import Himmelblau
from ..optimizers import SGD
from ..runner import run

__all__ = [
    "line_loss",
    "condition_number",
    "HESSIAN",
    "himmelblau_minima",
    "HIMMELBLAU_STARTS",
    "classify_hessians",
    "HESSIANS",
]


# -- exercise 1: the loss of a line with an intercept ------------------------------------------
def line_loss(loss, x, y) -> Feedback:
    r"""Notebook 01, exercise 1: ``loss(w, b)`` must be L(w, b) = (1/n) Σ (w xᵢ + b − yᵢ)².

    The student's function is compared with the formula at a few (w, b); typical slips (a sum
    instead of a mean, a forgotten square or intercept, a root, a ½) are recognised and named.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    probes = [(0.0, 0.0), (1.0, 0.0), (2.0, 1.0), (-1.5, 3.0), (0.5, -2.0)]
    if loss is None:
        return Feedback(None, "Not answered yet: write <code>loss(w, b)</code> and run the cell.")
    try:
        got = np.array([float(loss(w, b)) for w, b in probes])
    except TypeError as error:
        if "NoneType" in str(error):  # the function still returns None
            return Feedback(None, "Not answered yet: <code>loss(w, b)</code> returns None.")
        return Feedback(False, f"Calling <code>loss(w, b)</code> failed: {error}")
    except Exception as error:
        return Feedback(False, f"Calling <code>loss(w, b)</code> failed: {error!r}")

    def mean_over(values):
        return np.array([np.mean(values(w, b)) for w, b in probes])

    def residual(w, b):
        return w * x + b - y

    expected = mean_over(lambda w, b: residual(w, b) ** 2)
    if np.allclose(got, expected, rtol=1e-9, atol=1e-12):
        return Feedback(True, "Correct: L(w, b) is the mean of the squared residuals.")
    slips = [
        (expected * x.size, "you summed the squared residuals; the loss is their <i>mean</i>."),
        (expected / 2, "there is an extra ½: that convention is common, but here L has none."),
        (np.sqrt(expected), "that is the root mean square error, the square root of the loss."),
        (
            mean_over(residual),
            "the residuals must be squared: positive and negative errors would otherwise cancel.",
        ),
        (
            mean_over(lambda w, b: np.abs(residual(w, b))),
            "that is the mean <i>absolute</i> error; this loss squares the residuals.",
        ),
        (
            mean_over(lambda w, b: (w * x - y) ** 2),
            "the intercept b is missing from the prediction ŷ = w·x + b.",
        ),
    ]
    if why := known_slip(got, slips):
        return Feedback(False, f"Not yet: {why}")
    return Feedback(
        False,
        "Not yet: the values differ from the mean squared error. Build the prediction "
        "w·x + b for every sample, subtract y, square, then average.",
    )


# -- exercise 2: the condition number of a matrix ----------------------------------------------
HESSIAN = np.array([[7.0, 2.0], [2.0, 4.0]])


def condition_number(answer) -> Feedback:
    """Notebook 01, exercise 2: κ = λ_max / λ_min of ``HESSIAN`` (eigenvalues 8 and 3)."""
    eigenvalues = np.linalg.eigvalsh(HESSIAN)
    kappa = eigenvalues[-1] / eigenvalues[0]
    return check_number(
        answer,
        kappa,
        name="kappa",
        rtol=0.02,  # 8/3 rounded (2.67, 2.7) is right; 2.75 = 11/4 and 2.6 are not
        mistakes={
            7 / 4: "that is the ratio of the diagonal entries; they are the curvatures along "
            "θ₁ and θ₂, but the matrix is not diagonal, so the extreme curvatures lie along "
            "its eigenvectors.",
            1 / kappa: "κ divides the largest eigenvalue by the smallest, so it is at least 1.",
            math.sqrt(kappa): "that is the ratio of the contour ellipse's semi-axes, which "
            "go as 1/√λ; κ is the ratio of the eigenvalues themselves.",
            float(np.trace(HESSIAN)): "that is the trace, the sum of the eigenvalues.",
            float(np.linalg.det(HESSIAN)): "that is the determinant, the product of the "
            "eigenvalues.",
            float(eigenvalues[-1] - eigenvalues[0]): "that is the difference of the "
            "eigenvalues; κ is their ratio.",
        },
        hint="Find both eigenvalues (np.linalg.eigvalsh, or solve λ² − trace·λ + det = 0), "
        "then divide the largest by the smallest.",
        explanation="The eigenvalues are 8 and 3 (trace 11, determinant 24), so κ = 8/3.",
    )


# -- exercise 3: which Himmelblau minimum does gradient descent reach? ---------------------------
HIMMELBLAU_STARTS = np.array([[1.0, 1.0], [-3.0, -1.0], [0.0, -0.5], [-0.5, -0.5]])
HIMMELBLAU_LR, HIMMELBLAU_STEPS = 0.01, 500


def _himmelblau_ends() -> list[str]:
    """The minimum (A–D, in ``Himmelblau().minima`` order) that GD reaches from each start."""
    objective = Himmelblau()
    result = run(SGD(lr=HIMMELBLAU_LR), objective, HIMMELBLAU_STARTS, HIMMELBLAU_STEPS)
    distances = np.linalg.norm(result.final[:, None, :] - objective.minima[None], axis=-1)
    return ["ABCD"[k] for k in distances.argmin(axis=1)]


def himmelblau_minima(answer) -> Feedback:
    """Notebook 01, exercise 3: for each of ``HIMMELBLAU_STARTS``, the letter of the minimum
    that gradient descent (η = 0.01, 500 steps) reaches."""
    starts = HIMMELBLAU_STARTS
    if answer is None or all(a is None for a in answer):
        return Feedback(None, "Not answered yet: fill in <code>ends</code> and run the cell.")
    answer = [a.strip().upper() if isinstance(a, str) else a for a in answer]
    if len(answer) != len(starts):
        return Feedback(False, f"<code>ends</code> needs {len(starts)} letters, one per start.")
    truth = _himmelblau_ends()
    minima = Himmelblau().minima
    notes = []
    for start, given, right in zip(starts, answer, truth, strict=True):
        distances = np.linalg.norm(minima - start, axis=1)
        nearest = {"ABCD"[k] for k in np.flatnonzero(distances < distances.min() + 1e-9)}
        if given == right:
            continue
        where = f"start ({start[0]:g}, {start[1]:g})"
        if given not in tuple("ABCD"):
            notes.append(f"{where}: answer with one of the letters A, B, C, D (got {given!r}).")
        elif len(nearest) > 1:  # (−0.5, −0.5) is the centre of a circle through all four
            notes.append(
                f"{where}: every minimum is equally far from this start, so distance cannot "
                "decide. Compute −∇f there and see where it points."
            )
        elif given in nearest:
            notes.append(
                f"{where}: that is the <i>nearest</i> minimum, but GD does not aim at the "
                "nearest one; it follows −∇f. Compute −∇f there and see where it points."
            )
        else:
            notes.append(f"{where}: not yet; which way does −∇f point there?")
    if not notes:
        return Feedback(
            True,
            "Correct. Near the central maximum the nearest minimum is not always the one "
            "reached: the first steps follow −∇f, and that decides the basin.",
        )
    right = len(starts) - len(notes)
    return Feedback(False, f"{right} of {len(starts)} right. " + " ".join(notes))


# -- exercise 4: minimum, maximum or saddle? ---------------------------------------------------
HESSIANS = {
    "A": np.array([[2.0, 1.0], [1.0, 3.0]]),
    "B": np.array([[1.0, 3.0], [3.0, 1.0]]),
    "C": np.array([[-2.0, 0.5], [0.5, -1.0]]),
}
KINDS = ("minimum", "maximum", "saddle")


def _kind(hessian) -> str:
    eigenvalues = np.linalg.eigvalsh(hessian)
    if np.all(eigenvalues > 0):
        return "minimum"
    if np.all(eigenvalues < 0):
        return "maximum"
    return "saddle"


def classify_hessians(answer) -> Feedback:
    """Notebook 01, exercise 4: ``answer`` maps "A", "B", "C" (the critical points whose
    Hessians are ``HESSIANS``) to "minimum", "maximum" or "saddle"."""
    if answer is None or all(v is None for v in dict(answer).values()):
        return Feedback(None, "Not answered yet: fill in <code>kinds</code> and run the cell.")
    answer = {k: (v.strip().lower() if isinstance(v, str) else v) for k, v in answer.items()}
    if set(answer) != set(HESSIANS):
        return Feedback(False, f"<code>kinds</code> needs exactly the keys {sorted(HESSIANS)}.")
    notes, right = [], 0
    for name, hessian in HESSIANS.items():
        given, truth = answer[name], _kind(hessian)
        if given not in KINDS:
            notes.append(f"{name}: write one of {', '.join(KINDS)} (got {given!r}).")
        elif given == truth:
            right += 1
        elif np.all(np.diag(hessian) > 0) and given == "minimum":
            notes.append(
                f"{name}: its diagonal is positive, but that only says f curves up along θ₁ "
                "and θ₂. Check the signs of the eigenvalues (or of the determinant)."
            )
        else:
            notes.append(
                f"{name}: not yet. Compute its eigenvalues: their signs say how f curves "
                "along each eigen-direction."
            )
    if right == len(HESSIANS):
        return Feedback(
            True,
            "Correct: A has two positive eigenvalues, B one of each sign (a positive "
            "diagonal is not enough), C two negative ones.",
        )
    return Feedback(False, f"{right} of {len(HESSIANS)} right. " + " ".join(notes))
