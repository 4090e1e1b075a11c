"""Raw sktime inputs to a checked, split and scaled panel of series.

The forecasters' one way in: ``y`` (and ``X``) as sktime hands them to
``_fit``/``_update``/``_predict`` become a :class:`SeriesData` (one frame per
series, checked), which :func:`scaled_values` turns into the float32 arrays
the network trains on. :class:`SeriesLayout` records what the training data
looked like, so later data can be checked against it.
"""

from __future__ import annotations

__all__ = [
    "SeriesData",
    "SeriesLayout",
    "exog_rows",
    "infer_season_length",
    "layout_of",
    "scaled_values",
    "split_data",
    "time_frequency",
    "with_series_numbers",
]

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sktime_rnn.exceptions import InvalidDataError
from sktime_rnn.forecasting._checks import (
    check_finite,
    check_numeric,
    check_same_columns,
    check_time_index,
    rows_at,
)
from sktime_rnn.forecasting._panel import Panel, split_panel
from sktime_rnn.forecasting._scaling import PanelScaling


@dataclass(frozen=True)
class SeriesLayout:
    """What the training data looked like.

    Attributes
    ----------
    keys : list of tuple
        Instance key of every series (``()`` for a single series), in the order
        of the fitted state's per-series lists.
    index_names : list
        Names of the instance levels, then of the time level.
    y_columns, x_columns : pandas.Index
        Target and exogenous columns (``x_columns`` None without ``X``).
    freq : str or None
        Frequency of a ``DatetimeIndex`` (None for other indices).
    output_mtype : str
        sktime's mtype of the ``y`` passed to ``fit`` (forecasts come back in it).
    y_name : object
        The name of a ``pd.Series`` ``y``.
    """

    keys: list
    index_names: list
    y_columns: pd.Index
    x_columns: pd.Index | None
    freq: str | None
    output_mtype: str = "pd.DataFrame"
    y_name: object = None

    @property
    def is_panel(self) -> bool:
        """Whether the data had instance levels."""
        return len(self.index_names) > 1

    @property
    def n_targets(self) -> int:
        """C, target columns."""
        return len(self.y_columns)

    @property
    def n_exog(self) -> int:
        """K, exogenous columns."""
        return 0 if self.x_columns is None else len(self.x_columns)

    def panel(self, frames: list) -> Panel:
        """A :class:`Panel` of this layout's series holding ``frames``."""
        return Panel(self.keys, frames, self.index_names)

    def join(self, frames: list[pd.DataFrame]) -> pd.DataFrame:
        """Per-series frames (indexed by time) in sktime's format of the data."""
        return self.panel(frames).join(frames)


@dataclass
class SeriesData:
    """Checked frames of every series: ``y`` and ``X`` at ``y``'s time points."""

    y: Panel
    x: list[pd.DataFrame] | None

    @property
    def keys(self) -> list:
        """Instance key of every series."""
        return self.y.keys

    def values(self, position: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Series ``position``'s (T, C) targets and (T, K) exogenous values."""
        x = None if self.x is None else self.x[position].to_numpy(dtype=float)
        return self.y.frames[position].to_numpy(dtype=float), x


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
        check_same_columns(frame, y_columns, name)
        check_time_index(frame, name)
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


_SEASONS = {
    "YearEnd": 1,
    "YearBegin": 1,
    "BYearEnd": 1,
    "BYearBegin": 1,
    "QuarterEnd": 4,
    "QuarterBegin": 4,
    "BQuarterEnd": 4,
    "BQuarterBegin": 4,
    "MonthEnd": 12,
    "MonthBegin": 12,
    "BusinessMonthEnd": 12,
    "BusinessMonthBegin": 12,
    "SemiMonthEnd": 24,
    "SemiMonthBegin": 24,
    "Week": 52,
    "BusinessDay": 5,
    "Day": 7,  # the week (pandas 3's Day is a calendar day, not a Timedelta)
}


def infer_season_length(index: pd.Index, freq: str | None = None) -> int:
    """The season length the time index implies; 1 if it implies none.

    Yearly data 1, quarterly 4, monthly 12, weekly 52, business-daily 5,
    daily 7 (the week); data within a day: the observations per day (hourly
    24). An integer index says nothing of seasons: 1.

    Examples
    --------
    >>> import pandas as pd
    >>> infer_season_length(pd.period_range("2000-01", periods=3, freq="M"))
    12
    >>> infer_season_length(pd.date_range("2000", periods=3, freq="h"))
    24
    >>> infer_season_length(pd.RangeIndex(10))
    1
    """
    offset = getattr(index, "freq", None) or freq
    if offset is None:
        return 1
    offset = pd.tseries.frequencies.to_offset(offset)
    name = type(offset).__name__
    if name in _SEASONS:
        return _SEASONS[name] if offset.n == 1 else 1
    try:
        step = pd.Timedelta(offset)
    except (TypeError, ValueError):
        return 1
    day = pd.Timedelta(days=1)
    if step == day:
        return 7
    if step < day and day % step == pd.Timedelta(0):
        return int(day // step)
    return 1


def with_series_numbers(values: np.ndarray, numbers) -> np.ndarray:
    """Append each series' number in the embedding as a last column.

    ``values`` are (T, F) of one series or (B, S, F) of several; ``numbers``
    one per series (None: no embedding, ``values`` returned unchanged).

    Examples
    --------
    >>> import numpy as np
    >>> with_series_numbers(np.zeros((2, 1)), [3]).tolist()
    [[0.0, 3.0], [0.0, 3.0]]
    """
    if numbers is None:
        return values
    numbers = np.asarray(numbers, dtype=float)
    numbers = numbers.reshape((-1,) + (1,) * (values.ndim - 1))  # (B, 1[, 1])
    column = np.broadcast_to(numbers, values.shape[:-1] + (1,))
    return np.concatenate([values, column], axis=-1)


def scaled_values(
    data: SeriesData,
    scaling: PanelScaling,
    positions: list[int],
    series_numbers: list[int] | None,
) -> list[np.ndarray]:
    """Every series' scaled float32 (T_i, C+K[+1]) values, targets first.

    ``positions`` are the series' places in the fitted state (its scaling and
    embedding numbers); with ``series_numbers`` (an embedding), each series'
    number follows as a last column.
    """
    series = []
    for number, position in enumerate(positions):
        y, x = data.values(number)
        values = scaling.scale(y, x, position)
        numbers = None if series_numbers is None else [series_numbers[position]]
        series.append(with_series_numbers(values, numbers).astype(np.float32))
    return series
