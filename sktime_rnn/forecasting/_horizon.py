"""Forecast times: steps ahead of the cutoff, and the times they fall on per series."""

from __future__ import annotations

__all__ = [
    "absolute_indices",
    "checked_steps",
    "forecastable",
    "in_sample_lead",
    "in_sample_steps",
    "needed_exog_rows",
    "relative_steps",
    "with_freq",
]

import numpy as np
import pandas as pd
from sktime.forecasting.base import ForecastingHorizon

from sktime_rnn.exceptions import InvalidDataError
from sktime_rnn.forecasting._engine._state import FittedState


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
    name = state.layout.index_names[-1]
    steps = np.asarray(steps, dtype=np.int64)
    relative = None
    indices = []
    for end in state.ends:
        cutoff = pd.Index([end])
        if isinstance(cutoff, pd.PeriodIndex) or pd.api.types.is_integer_dtype(cutoff):
            # what sktime's conversion gives, without building a horizon a call
            index = cutoff[[0] * len(steps)] + steps
        else:
            if relative is None:
                relative = ForecastingHorizon(steps, is_relative=True, freq=freq)
            if isinstance(cutoff, pd.DatetimeIndex) and freq:
                cutoff = pd.DatetimeIndex(cutoff, freq=freq)
            index = relative.to_absolute_index(cutoff)
        indices.append(index.rename(name))
    return indices


def checked_steps(
    state: FittedState, fh, cutoff: pd.Index, in_sample: bool = False
) -> np.ndarray:
    """Steps ahead of the cutoff of ``fh``, refusing those the network cannot make.

    The direct strategy forecasts any subset of the steps it was fitted to,
    seq2seq any step up to its largest, recursive any step. With
    ``in_sample`` (point forecasts), steps at or before the cutoff are
    accepted: those :func:`forecastable` says are forecast, the others come
    out as NaN, as sktime's forecasters give what they cannot forecast.
    """
    steps = relative_steps(fh, cutoff, state.layout.freq)
    past = steps[steps < 1]
    if len(past) and not in_sample:
        raise InvalidDataError(
            f"fh must lie after the cutoff {cutoff[0]}: this forecaster makes "
            f"in-sample forecasts with predict only, got steps {past.tolist()}"
        )
    future = steps[steps >= 1]
    if not len(future):
        return steps
    available = state.network_horizon(future)
    missing = np.setdiff1d(future, available)
    if len(missing):
        raise InvalidDataError(
            f"fh asks for steps {missing.tolist()} ahead, but the network "
            f"({state.config.strategy} strategy) was fitted to forecast steps "
            f"{available.tolist()}: ask for any of those, or fit again with the "
            "fh you need"
        )
    return steps


def in_sample_lead(state: FittedState) -> int:
    """How many steps before it an in-sample time point is forecast from.

    The smallest step the network forecasts: 1, or the smallest of the
    direct strategy's fitted steps.
    """
    return int(state.network_horizon(np.array([1])).min())


def in_sample_steps(state: FittedState) -> np.ndarray:
    """The in-sample steps (<= 0) the kept data can forecast, maybe none.

    In-sample step ``s`` is forecast from the origin :func:`in_sample_lead`
    steps before it, which needs the history its model kind reads (the plain
    network: its input window; the hybrid: its shortest history) before the
    origin in every series. The plain network keeps its window plus the
    largest step less one; the hybrid every series' whole history.
    """
    needed = state.kind.min_history(state.plan)
    shortest = min(len(rows) for rows in state.context)
    return np.arange(in_sample_lead(state) + needed - shortest, 1)


def forecastable(state: FittedState, steps: np.ndarray) -> np.ndarray:
    """Which of ``steps`` (ahead of the cutoff) the forecaster can forecast.

    Out of sample: the steps its strategy makes (:func:`checked_steps`); in
    sample: those :func:`in_sample_steps` allows, where it forecasts from its
    kept data (not from a stream's state or with ``X``).

    Examples
    --------
    >>> from sktime.datasets import load_airline
    >>> from sktime_rnn import LSTMForecaster
    >>> state = LSTMForecaster(max_epochs=1).fit(load_airline(), fh=[1]).fitted_state_
    >>> forecastable(state, np.array([-200, 0, 1, 2])).tolist()
    [False, True, True, False]
    """
    steps = np.asarray(steps)
    future = steps >= 1
    ok = np.zeros(len(steps), dtype=bool)
    if future.any():
        ok[future] = np.isin(steps[future], state.network_horizon(steps[future]))
    if state.stream is None and not state.layout.n_exog:
        ok[~future] = np.isin(steps[~future], in_sample_steps(state))
    return ok


def needed_exog_rows(state: FittedState, fh, cutoff: pd.Index, X):
    """The rows of ``X`` at the times the network reads (else ``X`` itself).

    ``X`` is returned unchanged when it is not a frame, when the forecaster
    takes no ``X``, or when rows are missing (the forecast then names them).
    """
    if not isinstance(X, pd.DataFrame) or not state.layout.n_exog:
        return X
    steps = relative_steps(fh, cutoff, state.layout.freq)
    times = absolute_indices(state, state.network_horizon(steps))
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
