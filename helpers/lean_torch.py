"""Keep ``torch.optim`` from loading ``torch.compile``'s machinery in a course that never compiles.

In torch 2.13 the first ``torch.optim`` optimizer made in a process imports ``torch._dynamo``
(its methods are wrapped in ``torch._disable_dynamo``, and ``step`` calls
``torch._dynamo.graph_break()``), and with it sympy and the compiler: about 70 MB of private
memory in every kernel that trains a network (measured: notebook 01's kernel peaks at 473 MB
with it and 409 MB without; Binder's budget is 450 MB per kernel, see ``make memory``).

Outside ``torch.compile`` the three things ``torch.optim`` asks of ``torch._dynamo`` are
trivial: ``disable(fn)`` is ``fn`` itself, ``graph_break()`` does nothing and
``is_compiling()`` is False. :func:`install` puts a stand-in with exactly those three into
``sys.modules``; anything else asked of it (an attribute, ``__path__`` for a submodule such as
``torch._dynamo.config``, as ``torch.compile`` does) imports the real ``torch._dynamo`` in its
place, so nothing that needs the real one gets less. ``tests/test_lean_torch.py`` checks both,
and the optimizer parity tests run ``torch.optim`` with the stand-in in place.
"""

from __future__ import annotations

import importlib
import sys
import types

NAME = "torch._dynamo"

__all__ = ["install", "is_stand_in"]


class _StandIn(types.ModuleType):
    """``torch._dynamo`` as ``torch.optim`` uses it outside ``torch.compile``."""

    @staticmethod
    def disable(fn=None, recursive=True, *, reason=None, wrapping=True):
        # not compiling, so there is nothing to disable: the function itself
        return (lambda f: f) if fn is None else fn

    @staticmethod
    def graph_break(*args, **kwargs) -> None:
        return None

    @staticmethod
    def is_compiling() -> bool:
        return False

    def __getattr__(self, name: str):
        # A dunder other than __path__ is a question about the module, not a use of it
        # (inspect.getmodule asks every module in sys.modules for __file__): no.
        if name.startswith("__") and name != "__path__":
            raise AttributeError(name)
        # anything more (torch.compile, torch._dynamo.config, …): the real module, from now on
        return getattr(_real(), name)


def _real() -> types.ModuleType:
    if is_stand_in(sys.modules.get(NAME)):
        del sys.modules[NAME]
    return importlib.import_module(NAME)


def is_stand_in(module) -> bool:
    """Whether ``module`` is the stand-in (``sys.modules["torch._dynamo"]`` before anything
    needed the real one)."""
    return isinstance(module, _StandIn)


def install() -> None:
    """Put the stand-in in place, unless the real ``torch._dynamo`` is already loaded."""
    if NAME not in sys.modules:
        sys.modules[NAME] = _StandIn(NAME, __doc__)
