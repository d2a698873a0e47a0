"""Shared code for the gradient-descent optimizer course.

* ``helpers.optimizers``: SGD, Adagrad, RMSprop, Adam, AdamW, Adadelta in numpy, torch-exact;
* ``helpers.objectives``: the functions the notebooks minimise, with analytic gradients;
* ``helpers.run``: runs an optimizer (many runs at once) and records path, losses and state;
* ``helpers.theory``: closed-form rates and thresholds to compare measurements against;
* ``helpers.data``: the seed-000 data set and the mini-batch iterator;
* ``helpers.stochastic``: mini-batch gradients for ``run``; ``helpers.schedules``: η_t schedules;
* ``helpers.networks``: a small PyTorch MLP, two-spirals data and its loss landscape;
* ``helpers.engine``, ``helpers.explorers``, ``helpers.plots``: interactive and static figures;
  ``helpers.checks``, ``helpers.exercises``: feedback on exercises.
"""

from . import data, objectives, optimizers, schedules, stochastic, theory
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
    "schedules",
    "stochastic",
]
