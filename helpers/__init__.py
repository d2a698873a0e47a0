"""Shared code for the gradient-descent optimizer course.

* ``helpers.optimizers``: SGD, Adagrad, RMSprop, Adam, AdamW, Adadelta in numpy, torch-exact;
* ``helpers.objectives``: the functions the notebooks minimise, with analytic gradients;
* ``helpers.run``: runs an optimizer (many runs at once) and records path, losses and state;
* ``helpers.theory``: closed-form rates and thresholds to compare measurements against;
* ``helpers.data``: the seed-000 data set and the mini-batch iterator.
"""

from . import data, objectives, optimizers, theory
from .objectives import (
    Beale,
    Himmelblau,
    LinearRegression,
    Parabola,
    Quadratic,
    Rastrigin,
    Rosenbrock,
    Saddle,
)
from .optimizers import SGD, Adadelta, Adagrad, Adam, AdamW, RMSprop
from .runner import RunResult, run

__all__ = [
    "SGD",
    "Adagrad",
    "RMSprop",
    "Adam",
    "AdamW",
    "Adadelta",
    "Parabola",
    "Quadratic",
    "Rosenbrock",
    "Beale",
    "Himmelblau",
    "Saddle",
    "Rastrigin",
    "LinearRegression",
    "run",
    "RunResult",
    "data",
    "objectives",
    "optimizers",
    "theory",
]
