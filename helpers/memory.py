"""Giving the heap's free pages back to the system after many short-lived arrays.

The batched trainers (``networks.train_many``, ``modern.train_batch``) allocate and free a few
hundred small torch and numpy buffers of different sizes every step; glibc keeps the freed
pieces, and the scattered holes grow a kernel by tens of MB over one sweep although Python
holds little of it. On Binder's 1-2 GB that matters, so they trim the heap now and then.
"""

from __future__ import annotations

import ctypes

__all__ = ["release_free_memory"]

try:
    _LIBC = ctypes.CDLL("libc.so.6")
    _LIBC.malloc_trim  # noqa: B018 (glibc has it; musl and macOS do not)
except (OSError, AttributeError):
    _LIBC = None


def release_free_memory() -> None:
    """Hand the heap's free pages back to the system (glibc only; elsewhere a no-op, ~0.1 ms)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
