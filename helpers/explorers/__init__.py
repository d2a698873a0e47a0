"""Ready-made explorers, one line each in a notebook. Grouped by what they show:

* ``parabola``: gradient descent on f(x) = x², with Step / Play;
* ``contour``: the standard 2-D explorer: contours, paths and loss against step.
"""

from .contour import ContourExplorer, Setup
from .parabola import ParabolaGD

__all__ = ["ContourExplorer", "ParabolaGD", "Setup"]
