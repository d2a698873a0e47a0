r"""Optimizers written from their update equations, in numpy.

Each optimizer is a small frozen dataclass of hyperparameters, with PyTorch's names and defaults,
and two methods::

    state = opt.init(theta)                       # explicit, named state before the first step
    theta, state = opt.step(theta, grad, state)   # one update; nothing is changed in place

``theta`` may have any shape. An array of shape ``(..., d)`` holds many independent runs of a
d-dimensional problem, and one ``step`` call advances all of them: there is no loop over runs.
A hyperparameter may be a number or an array with one value per run (shape ``theta.shape[:-1]``),
so a sweep over learning rates is a single call too; ``init`` checks that shape against θ.
``lr`` may also be a schedule: a function of the step t = 1, 2, … returning the learning rate of
that step (``helpers.schedules``), as optax allows, so a scheduled run is the same optimizer
object from the first step to the last.

Every optimizer matches ``torch.optim`` step for step (``tests/test_optimizers_parity.py``);
the newer ones (notebook 10) match torch.optim, ``lion-pytorch``, ``schedulefree`` or, for
Shampoo, its definition (``tests/test_optimizers_parity_modern.py``).

**Matrix optimizers** (``MATRIX_OPTIMIZERS``: Adafactor, Shampoo, Muon) act on the last TWO
axes: θ of shape ``(..., m, n)`` is one m × n matrix per run, and a per-run hyperparameter has
shape ``theta.shape[:-2]``. (Adafactor also takes a 1-D θ, one vector, with an unfactored v.)
Where frameworks disagree (where ε sits, how momentum is written) these follow PyTorch; the
notebooks show the other conventions next to them.

The state fields and the names ``torch.optim`` gives the same buffers in ``optimizer.state``
(what the parity tests compare, step by step)::

    ours         torch                 optimizer
    step         step                  all (torch's SGD keeps no step count)
    velocity     momentum_buffer       SGD, RMSprop (momentum > 0)
    sum_sq       sum                   Adagrad
    square_avg   square_avg            RMSprop, Adadelta
    grad_avg     grad_avg              RMSprop (centered=True)
    m, v         exp_avg, exp_avg_sq   Adam, AdamW
    v_max        max_exp_avg_sq        Adam, AdamW (amsgrad=True)
    delta_avg    acc_delta             Adadelta
    mu_product   mu_product            NAdam
    u            exp_inf               Adamax
    row_var, col_var, variance         Adafactor (the same names)
    velocity     momentum_buffer       Muon
    m            exp_avg               Lion (lion-pytorch)
    z, v         z, exp_avg_sq         SGDScheduleFree, AdamWScheduleFree (schedulefree)
    m_hat, v_hat (not stored by torch: the bias-corrected moments, kept because the notebooks
                 draw them)
"""

from .adam_family import Adamax, NAdam, RAdam
from .base import TORCH_STATE_NAMES, Optimizer
from .classic import SGD, Adadelta, Adagrad, Adam, AdamW, RMSprop
from .factored import Adafactor
from .matrix import Muon, Shampoo, newton_schulz
from .schedule_free import AdamWScheduleFree, SGDScheduleFree
from .sign import Lion

__all__ = [
    "TORCH_STATE_NAMES",
    "SGD",
    "Adagrad",
    "RMSprop",
    "Adam",
    "AdamW",
    "Adadelta",
    "NAdam",
    "RAdam",
    "Adamax",
    "Adafactor",
    "Lion",
    "Shampoo",
    "Muon",
    "SGDScheduleFree",
    "AdamWScheduleFree",
    "newton_schulz",
    "Optimizer",
    "OPTIMIZERS",
    "MATRIX_OPTIMIZERS",
]

# Every optimizer by its class name (torch.optim's name), for pickers and parity tests.
OPTIMIZERS = {
    cls.__name__: cls
    for cls in (
        *(SGD, Adagrad, RMSprop, Adam, AdamW, Adadelta),
        *(NAdam, RAdam, Adamax, Adafactor, Lion, Shampoo, Muon, SGDScheduleFree, AdamWScheduleFree),
    )
}
# The ones whose θ is (..., m, n), runs in the leading axes (see above).
MATRIX_OPTIMIZERS = frozenset({"Adafactor", "Shampoo", "Muon"})
