"""The exceptions sktime-rnn raises on purpose.

Each subclasses the built-in exception that code catching it would expect
(``ValueError`` for bad values, ``RuntimeError`` for a failed training), so
``except ValueError`` keeps working.

Examples
--------
>>> import pandas as pd
>>> from sktime_rnn import LSTMForecaster
>>> from sktime_rnn.exceptions import InvalidParameterError
>>> try:
...     LSTMForecaster(num_layers=0).fit(pd.Series([1.0, 2.0, 3.0]), fh=[1])
... except InvalidParameterError as error:
...     print("num_layers" in str(error), isinstance(error, ValueError))
True True
"""

from __future__ import annotations

__all__ = [
    "InvalidDataError",
    "InvalidParameterError",
    "PersistenceError",
    "StopTraining",
    "TrainingDivergedError",
]


class InvalidParameterError(ValueError, TypeError):
    """A hyper-parameter has a value the estimator cannot use.

    Both a ``ValueError`` and a ``TypeError``, as scikit-learn's own, so code
    catching either keeps working.
    """


class InvalidDataError(ValueError, TypeError):
    """``y``, ``X`` or ``fh`` cannot be used: too short, NaN, gaps, wrong columns.

    Both a ``ValueError`` and a ``TypeError``, like :class:`InvalidParameterError`.
    """


class PersistenceError(ValueError):
    """A file could not be saved or loaded as a forecaster."""


class TrainingDivergedError(RuntimeError):
    """The loss or weights became NaN or infinite, and ``on_nonfinite="raise"``."""


class StopTraining(Exception):  # noqa: N818 - named for what it does, as Keras'
    """Raised by a callback to stop training after the epoch it was told of.

    The fit keeps what it trained (the best epoch, with early stopping) and
    records ``stop_reason="callback"``, as when a callback returns ``True``.

    Examples
    --------
    >>> def stop_after_two(forecaster, info):
    ...     if info["epoch"] == 2:
    ...         raise StopTraining
    """
