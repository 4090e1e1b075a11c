"""The data the engine works on: every series' checked frames, and their layout.

:class:`SeriesData` holds one frame per series (and its ``X``);
:class:`SeriesLayout` records what the training data looked like, so that
later data can be checked against it and forecasts returned in its format.
The forecasters build both from sktime's inputs
(``sktime_rnn.forecasting._preparation``).
"""

from __future__ import annotations

__all__ = ["SeriesData", "SeriesLayout", "scaled_values", "with_series_numbers"]

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sktime_rnn.forecasting._engine._panel import Panel
from sktime_rnn.forecasting._engine._scaling import PanelScaling


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

    @functools.cached_property
    def positive(self) -> bool:
        """Whether every target value is above 0 (read once per data)."""
        return all((frame.to_numpy() > 0).all() for frame in self.y.frames)

    def values(self, position: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Series ``position``'s (T, C) targets and (T, K) exogenous values."""
        x = None if self.x is None else self.x[position].to_numpy(dtype=float)
        return self.y.frames[position].to_numpy(dtype=float), x


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
