"""The training run behind ``update``: a state moved forward to new observations.

:func:`updated_state` merges new rows into every series' context by time
and, with ``update_params``, fine-tunes a copy of the network on the windows
whose targets lie in them; the state it started from is left untouched.
"""

from __future__ import annotations

__all__ = ["updated_state"]

import copy

import numpy as np
import pandas as pd

from sktime_rnn._warnings import warn
from sktime_rnn.exceptions import InvalidDataError
from sktime_rnn.forecasting._engine._data import SeriesData
from sktime_rnn.forecasting._engine._fitting import context_fields, train
from sktime_rnn.forecasting._engine._kind import Batches
from sktime_rnn.forecasting._engine._plan import plan_for_trained
from sktime_rnn.forecasting._engine._state import FittedState


def updated_state(
    state: FittedState, data: SeriesData, update_params: bool, callbacks=()
) -> FittedState:
    """``state`` moved forward to the new observations in ``data``.

    ``data`` holds some of the state's series; one the state does not know is
    refused, as are values its kind cannot read. Rows at times a series
    already has replace the kept ones (rows older than its context are
    dropped); rows after its end extend it and must follow on from it. With
    ``update_params`` and ``update_epochs > 0``, a copy of the network is
    fine-tuned on the windows whose targets lie in the new rows.
    """
    plan = state.plan
    plan.kind.check_update(plan, data, f"the forecaster is a hybrid ({plan.base})")
    unknown = [key for key in data.keys if key not in state.layout.keys]
    if unknown:
        raise InvalidDataError(
            f"update got series not seen in fit: {unknown[:3]}; fit (or "
            "pretrain) on them first"
        )
    positions = [state.layout.keys.index(key) for key in data.keys]
    added = plan.kind.rows(plan, data, state.scaling, positions, state.series_numbers)
    _warn_if_far_outside(state, data, positions, added)
    context = list(state.context)
    context_index = list(state.context_index)
    new_rows = [rows[:0] for rows in state.context]
    rewritten = False
    for number, position in enumerate(positions):
        merged, merged_index, appended, changed = _merge(
            state.context[position],
            state.context_index[position],
            added[number].astype(state.context[position].dtype),
            data.y.frames[number].index,
            data.y.label(number),
        )
        context[position], context_index[position] = merged, merged_index
        new_rows[position] = appended
        rewritten = rewritten or changed
    has_new = any(len(rows) for rows in new_rows)
    config = state.config
    retrain = update_params and config.update_epochs > 0 and (has_new or rewritten)
    network, optimizers, histories = (
        state.network,
        state.optimizers,
        state.histories,
    )
    if retrain:
        network, optimizers = copy.deepcopy((state.network, state.optimizers))
        before = [
            len(rows) - len(new) for rows, new in zip(context, new_rows, strict=True)
        ]
        windows = plan.kind.update_windows(plan, context, before)
        # fine-tuning continues the optimisers of a network trained on a panel
        tuning = plan_for_trained(config, plan, True, shrinkage=plan.shrinkage)
        network, optimizers, histories = train(
            tuning,
            network,
            Batches(windows.train, None, windows.streams),
            config.update_epochs,
            optimizers,
            copy.deepcopy(state.histories),
            callbacks,
            update=True,
        )
    if config.stateful and not (retrain or rewritten):
        fields = context_fields(
            plan, network, context, context_index, state.stream, new_rows
        )
    else:
        fields = context_fields(plan, network, context, context_index)
    return state.replace(
        network=network, optimizers=optimizers, histories=histories, **fields
    )


FAR = 100.0
"""New values beyond the kept range by this many times its width are far outside."""


def _warn_if_far_outside(state: FittedState, data: SeriesData, positions, added):
    """Warn of new values far outside what the forecaster kept of the series.

    A spike of 1e30 in an update is most likely bad data; the forecasts then
    extrapolate from it. Compared in the units the context is kept in (the
    plain network's: standardised), by the kept range's width (or its size,
    for a constant series).
    """
    n_targets = state.layout.n_targets
    for number, position in enumerate(positions):
        kept = state.context[position][:, :n_targets]
        new = added[number][:, :n_targets]
        if not len(new):
            continue
        low, high = kept.min(axis=0), kept.max(axis=0)
        width = np.maximum(high - low, np.maximum(np.abs(low), np.abs(high)))
        far = (new > high + FAR * width) | (new < low - FAR * width)
        if far.any():
            values = data.y.frames[number].to_numpy()
            row = int(np.argmax(far.any(axis=1)))
            warn(
                f"update's data for {data.y.label(number)} reach "
                f"{values[row].tolist()} at {data.y.frames[number].index[row]}, "
                "far outside the values the forecaster has kept of it: its "
                "forecasts now start from there. Check the data; refit if the "
                "series has changed its level",
                UserWarning,
            )
            return


def _merge(rows, index: pd.Index, new_rows, new_index: pd.Index, label: str):
    """Merge new rows into a series' context by time.

    Returns the merged rows and times, the rows appended after the old end,
    and whether any kept row changed.
    """
    end = index[-1]
    later = new_index > end
    overlap = new_index[~later]
    changed = False
    merged = rows
    if len(overlap):
        positions = index.get_indexer(overlap)
        known = positions >= 0  # rows older than the context are dropped
        replaced = rows.copy()
        replaced[positions[known]] = new_rows[~later][known]
        changed = not np.array_equal(replaced, rows)
        merged = replaced
    appended = new_rows[later]
    if len(appended):
        _check_follows(index, new_index[later], label)
        merged = np.concatenate([merged, appended])
        index = index.append(new_index[later])
    return merged, index, appended, changed


def _check_follows(index: pd.Index, new_index: pd.Index, label: str) -> None:
    """Refuse new time points that leave a gap after the series' end."""
    expected = _next_times(index, len(new_index))
    if expected is not None and not expected.equals(new_index):
        first = new_index[0]
        raise InvalidDataError(
            f"update's data for {label} must continue right after its last time "
            f"point {index[-1]} without gaps, got {first} ... {new_index[-1]} "
            f"(expected {expected[0]} ... {expected[-1]}); fill the gap first"
        )


def _next_times(index: pd.Index, n: int) -> pd.Index | None:
    """The ``n`` time points after ``index``'s end, where its spacing is known."""
    end = index[-1]
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(end + 1, periods=n, freq=index.freq)
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freq or (pd.infer_freq(index) if len(index) >= 3 else None)
        if freq is None:
            return None
        return pd.date_range(end, periods=n + 1, freq=freq)[1:]
    if pd.api.types.is_integer_dtype(index) and len(index) >= 2:
        step = int(index[-1] - index[-2])
        if step > 0 and bool(np.all(np.diff(index.to_numpy()) == step)):
            return pd.Index(np.arange(1, n + 1) * step + int(end), dtype=index.dtype)
    return None
