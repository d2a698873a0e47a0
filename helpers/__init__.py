"""Shared code for the gradient-descent optimizer course, in three layers (each imports only
from the layers above it in this list, never from those below):

Computation (numpy; torch only where a module says so):

* ``helpers.optimizers``: SGD, Adagrad, RMSprop, Adam, AdamW, Adadelta in numpy, torch-exact
  (``base``: the interface and checks; ``classic``: the six; ``conventions``: other forms);
* ``helpers.objectives``: the functions the notebooks minimise, with analytic gradients;
* ``helpers.data``: data sets made from a seed; ``helpers.minibatch``: batches, the gradient of
  one batch, its noise, and fast SGD loops;
* ``helpers.run`` (``helpers.runner``): runs an optimizer (many runs at once), records path,
  losses and state, and measures rates;
* ``helpers.theory``: closed forms to compare measurements against (rates, thresholds, moving
  averages, mini-batch noise);
* ``helpers.schedules``: η_t schedules and the learning-rate range test;
  ``helpers.showdown``: fair tuning sweeps and races; ``helpers.inspection``: an optimizer's
  quantities step by step;
* ``helpers.networks``, ``helpers.hardware``: small PyTorch networks; throughput and memory.

Figures: ``helpers.plots`` (static figures), ``helpers.engine`` (the interactive-figure engine),
``helpers.explorers`` (the explorers, which draw what the computation layer computes).

Exercises: ``helpers.checks`` and ``helpers.exercises`` (feedback in words, one module per
notebook).
"""

from . import lean_torch

lean_torch.install()  # before any torch.optim optimizer is made: 70 MB less per kernel

from . import data, minibatch, objectives, optimizers, schedules, theory
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
    "minibatch",
]
