"""Warnings that point at the user's line, however deep in the stack they start."""

from __future__ import annotations

__all__ = ["warn"]

import sys
import warnings
from pathlib import Path

_OWN = str(Path(__file__).parent)


def _internal_roots() -> tuple[str, ...]:
    """The directories of this package and, where loaded, of sktime and skbase."""
    roots = [_OWN]
    for name in ("sktime", "skbase"):
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__file__", None):
            roots.append(str(Path(module.__file__).parent))
    return tuple(roots)


def warn(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn`` attributed to the first caller outside sktime-rnn and sktime.

    A training warning starts many frames below the user's ``fit`` call (sktime's
    ``fit``, the fitting run, the trainer); a fixed ``stacklevel`` would point
    into the package instead of at the line that called ``fit``.

    Examples
    --------
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("look here")
    >>> caught[0].message.args[0]
    'look here'
    """
    roots = _internal_roots()
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(roots):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
