"""Raw sktime inputs to checked, split series: the engine's :class:`SeriesData`.

The forecasters' one way in: ``y`` (and ``X``) as sktime hands them to
``_fit``/``_update``/``_predict`` become a
:class:`~sktime_rnn.forecasting._engine._data.SeriesData` (one frame per
series, checked) and, in ``fit``, a
:class:`~sktime_rnn.forecasting._engine._data.SeriesLayout` that records what
the training data looked like, so later data can be checked against it.
"""

from __future__ import annotations

__all__ = ["exog_rows", "layout_of", "split_data", "time_frequency"]

import pandas as pd

from sktime_rnn.exceptions import InvalidDataError
from sktime_rnn.forecasting._checks import (
    check_finite,
    check_numeric,
    check_same_columns,
    check_time_index,
    rows_at,
)
from sktime_rnn.forecasting._engine._data import SeriesData, SeriesLayout
from sktime_rnn.forecasting._engine._panel import Panel, split_panel


def layout_of(data: SeriesData, cutoff, output_mtype, y_name) -> SeriesLayout:
    """The layout of training data; ``output_mtype`` and ``y_name`` from sktime."""
    return SeriesLayout(
        keys=data.keys,
        index_names=data.y.index_names,
        y_columns=data.y.frames[0].columns,
        x_columns=None if data.x is None else data.x[0].columns,
        freq=time_frequency(cutoff, data.y),
        output_mtype=output_mtype or "pd.DataFrame",
        y_name=y_name,
    )


def split_data(y: pd.DataFrame, X, layout: SeriesLayout | None) -> SeriesData:
    """Split ``y`` and ``X`` into series; check them and align ``X`` with ``y``.

    Without a ``layout`` (``fit``), the columns are taken from the data; with
    one (``update``, pretraining again), they must match it (a univariate
    ``y`` may be renamed).

    Raises
    ------
    ValueError
        For repeated time points, NaN/inf, other columns than in ``fit``, or
        ``X`` missing where it is needed, naming the series.
    """
    y_panel = split_panel(y)
    if layout is None:
        y_columns, x_columns = y.columns, None if X is None else X.columns
    else:
        y_columns, x_columns = layout.y_columns, layout.x_columns
        if y.shape[1] == 1 == len(y_columns):  # a univariate y's name is free
            y_panel.frames = [f.set_axis(y_columns, axis=1) for f in y_panel.frames]
    for position, frame in enumerate(y_panel.frames):
        name = "y" if not y_panel.is_panel else f"y ({y_panel.label(position)})"
        if not len(frame):
            raise InvalidDataError(f"{name} is empty: it has no observations")
        check_same_columns(frame, y_columns, name)
        check_time_index(frame, name, contiguous=True)
        check_finite(frame, name)
    if x_columns is None:
        return SeriesData(y_panel, None)
    if X is None:
        raise InvalidDataError(
            "X was passed to fit, so update needs X too, at the time points of y, "
            f"with columns {list(x_columns)}"
        )
    indices = [frame.index for frame in y_panel.frames]
    return SeriesData(y_panel, exog_rows(X, y_panel, indices, x_columns))


def exog_rows(X, y_panel: Panel, indices: list, x_columns) -> list[pd.DataFrame]:
    """``X`` of every series of ``y_panel`` at its ``indices``, checked.

    Only those rows must be present and finite.
    """
    x_panel = split_panel(X)
    x_by_key = dict(zip(x_panel.keys, x_panel.frames, strict=True))
    frames = []
    for position, (key, index) in enumerate(zip(y_panel.keys, indices, strict=True)):
        if key not in x_by_key:
            raise InvalidDataError(f"X has no rows for {y_panel.label(position)}")
        x = x_by_key[key]
        check_numeric(x, "X", allow_bool=True)
        check_time_index(x, "X")
        frame = rows_at(x, index, "X")
        check_finite(frame, "X")
        check_same_columns(frame, x_columns, "X")
        frames.append(frame)
    return frames


def time_frequency(cutoff, y_panel: Panel) -> str | None:
    """The frequency of a ``DatetimeIndex``: the cutoff's, else the data's.

    Raises
    ------
    ValueError
        If the dates have no frequency and none can be inferred.
    """
    if not isinstance(cutoff, pd.DatetimeIndex):
        return None
    freq = cutoff.freqstr
    if freq is None:  # sktime infers none for unaligned panels: look at a series
        longest = max(y_panel.frames, key=len).index
        freq = pd.infer_freq(longest) if len(longest) >= 3 else None
    if freq is None:
        raise InvalidDataError(
            "y has a DatetimeIndex without a frequency, and none can be inferred "
            "(irregular dates or fewer than 3 time points), so forecast times "
            "cannot be computed; give it one, e.g. y = y.asfreq('D')"
        )
    return freq
