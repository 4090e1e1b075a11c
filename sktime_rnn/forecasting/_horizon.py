"""Forecast times: steps ahead of the cutoff, and the times they fall on per series."""

from __future__ import annotations

__all__ = [
    "absolute_indices",
    "checked_steps",
    "needed_exog_rows",
    "network_horizon",
    "relative_steps",
    "with_freq",
]

import numpy as np
import pandas as pd
from sktime.forecasting.base import ForecastingHorizon

from sktime_rnn.exceptions import InvalidDataError
from sktime_rnn.forecasting._state import FittedState


def _counts_steps(fh: ForecastingHorizon) -> bool:
    """Whether ``fh`` holds integer steps ahead of the cutoff already."""
    return fh.is_relative and pd.api.types.is_integer_dtype(fh.to_pandas())


def with_freq(fh, freq: str | None):
    """``fh`` with the data's frequency, where sktime could not give it one.

    sktime infers no frequency for a cutoff of unaligned panels with a
    ``DatetimeIndex`` (or of a file loaded by :func:`sktime_rnn.load`); the
    forecaster keeps the one it inferred in ``fit``.
    """
    if fh is None or fh.freq is not None or freq is None:
        return fh
    return ForecastingHorizon(fh.to_pandas(), is_relative=fh.is_relative, freq=freq)


def _cutoff_with_freq(cutoff: pd.Index, freq: str | None) -> pd.Index:
    if isinstance(cutoff, pd.DatetimeIndex) and cutoff.freq is None and freq:
        cutoff = pd.DatetimeIndex(cutoff, freq=freq)
    return cutoff


def relative_steps(fh, cutoff: pd.Index, freq: str | None) -> np.ndarray:
    """Steps ahead of the cutoff of every point of ``fh``."""
    if _counts_steps(fh):  # sktime's conversion would hash fh and the cutoff
        return fh.to_numpy()
    steps = with_freq(fh, freq).to_relative(_cutoff_with_freq(cutoff, freq))
    return steps.to_numpy().astype(int)


def absolute_indices(state: FittedState, steps: np.ndarray) -> list[pd.Index]:
    """Time points ``steps`` ahead of every series' own end.

    ``steps`` are counted from the cutoff (the latest end of all series); a
    series that ends earlier is forecast the same steps ahead of its own last
    observation.
    """
    freq = state.layout.freq
    relative = ForecastingHorizon(steps, is_relative=True, freq=freq)
    name = state.layout.index_names[-1]
    indices = []
    for end in state.ends:
        cutoff = pd.Index([end])
        if isinstance(cutoff, pd.DatetimeIndex) and freq:
            cutoff = pd.DatetimeIndex(cutoff, freq=freq)
        indices.append(relative.to_absolute_index(cutoff).rename(name))
    return indices


def network_horizon(state: FittedState, steps: np.ndarray) -> np.ndarray:
    """The horizon steps the network produces to cover ``steps``."""
    strategy = state.config.strategy
    if strategy == "recursive":
        return np.arange(1, int(steps.max()) + 1)
    if strategy == "seq2seq":
        return np.arange(1, int(state.train_steps.max()) + 1)
    return state.train_steps


def checked_steps(state: FittedState, fh, cutoff: pd.Index) -> np.ndarray:
    """Steps ahead of the cutoff of ``fh``, refusing those the network cannot make.

    The direct strategy forecasts any subset of the steps it was fitted to,
    seq2seq any step up to its largest, recursive any step; none forecasts
    in-sample.
    """
    steps = relative_steps(fh, cutoff, state.layout.freq)
    if steps.min() < 1:
        raise InvalidDataError(
            f"fh must lie after the cutoff {cutoff[0]}: this forecaster makes no "
            f"in-sample forecasts, got steps {steps.tolist()}"
        )
    available = network_horizon(state, steps)
    missing = np.setdiff1d(steps, available)
    if len(missing):
        raise InvalidDataError(
            f"fh asks for steps {missing.tolist()} ahead, but the network "
            f"({state.config.strategy} strategy) was fitted to forecast steps "
            f"{available.tolist()}: ask for any of those, or fit again with the "
            "fh you need"
        )
    return steps


def needed_exog_rows(state: FittedState, fh, cutoff: pd.Index, X):
    """The rows of ``X`` at the times the network reads (else ``X`` itself).

    ``X`` is returned unchanged when it is not a frame, when the forecaster
    takes no ``X``, or when rows are missing (the forecast then names them).
    """
    if not isinstance(X, pd.DataFrame) or not state.layout.n_exog:
        return X
    steps = relative_steps(fh, cutoff, state.layout.freq)
    times = absolute_indices(state, network_horizon(state, steps))
    if isinstance(X.index, pd.MultiIndex):
        rows = [
            (*key, time)
            for key, index in zip(state.layout.keys, times, strict=True)
            for time in index
        ]
        wanted = pd.MultiIndex.from_tuples(rows, names=X.index.names)
    else:
        wanted = times[0]
    if not wanted.isin(X.index).all():
        return X
    return X.loc[wanted]
