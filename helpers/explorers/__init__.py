"""Ready-made explorers, one line each in a notebook. Grouped by what they show:

* ``parabola``: gradient descent on f(x) = x², with Step / Play;
* ``contour``: the standard 2-D explorer: contours, paths and loss against step;
* ``landscape`` (notebook 01), ``descent`` (02), ``stochastic`` (03, 04: ``GradientCloud``,
  ``NoiseBall``, ``FairComparison``), ``momentum`` (05), ``adaptive`` (06), ``schedules`` (07),
  ``showdown`` (08): each notebook's own explorers.
"""

from .contour import ContourExplorer, Setup
from .parabola import ParabolaGD

__all__ = ["ContourExplorer", "ParabolaGD", "Setup"]
