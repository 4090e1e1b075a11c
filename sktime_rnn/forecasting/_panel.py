"""One series or many: split sktime's inner frames into series, scale each, join.

A single series is a panel of one, with the empty key ``()``, so the estimator
has one code path for both.
"""

from __future__ import annotations

__all__ = ["Panel", "SeriesScaling", "split_panel"]

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class Panel:
    """Series of a ``pd.DataFrame``, ``pd-multiindex`` or ``pd_multiindex_hier``.

    Attributes
    ----------
    keys : list of tuple
        Instance key of every series (``()`` for a single series).
    frames : list of pandas.DataFrame
        Every series' rows, indexed by time alone.
    index_names : list
        Names of the instance levels, then of the time level.
    """

    keys: list[tuple]
    frames: list[pd.DataFrame]
    index_names: list

    @property
    def is_panel(self) -> bool:
        """Whether the data had instance levels."""
        return len(self.index_names) > 1

    def label(self, position: int) -> str:
        """How a user names series ``position`` in an error message."""
        key = self.keys[position]
        return "the series" if not key else f"series {key[0] if len(key) == 1 else key}"

    def join(self, frames: list[pd.DataFrame]) -> pd.DataFrame:
        """Put per-series frames (indexed by time) back into sktime's format."""
        if not self.is_panel:
            return frames[0]
        tuples = [
            (*key, time)
            for key, frame in zip(self.keys, frames, strict=True)
            for time in frame.index
        ]
        index = pd.MultiIndex.from_tuples(tuples, names=self.index_names)
        return pd.DataFrame(
            np.concatenate([f.to_numpy() for f in frames]),
            index=index,
            columns=frames[0].columns,
        )


def split_panel(data: pd.DataFrame) -> Panel:
    """Split ``data`` into its series (one if it has no instance levels).

    Examples
    --------
    >>> import pandas as pd
    >>> index = pd.MultiIndex.from_product([["a", "b"], [0, 1, 2]])
    >>> panel = split_panel(pd.DataFrame({"y": range(6)}, index=index))
    >>> panel.keys, [len(f) for f in panel.frames]
    ([('a',), ('b',)], [3, 3])
    """
    if not isinstance(data.index, pd.MultiIndex):
        return Panel([()], [data], [data.index.name])
    levels = list(range(data.index.nlevels - 1))
    keys, frames = [], []
    for key, frame in data.groupby(level=levels, sort=False):
        keys.append(key if isinstance(key, tuple) else (key,))
        frames.append(frame.droplevel(levels))
    return Panel(keys, frames, list(data.index.names))


class SeriesScaling:
    """Standardise every series by its own mean and standard deviation.

    A constant column keeps its mean and a standard deviation of 0: it is
    divided by 1 when scaled and multiplied by 0 when unscaled, so a constant
    series is forecast as that constant.

    Parameters
    ----------
    mean, std : numpy.ndarray
        (n_series, n_columns) statistics.

    Examples
    --------
    >>> import numpy as np
    >>> values = [np.array([[1.0], [3.0]]), np.array([[5.0], [5.0]])]
    >>> scaling = SeriesScaling.fit(values)
    >>> scaling.transform(np.array([[3.0]]), 0).tolist(), scaling.std.ravel().tolist()
    ([[1.0]], [1.0, 0.0])
    """

    def __init__(self, mean: np.ndarray, std: np.ndarray):
        self.mean = mean
        self.std = std

    @classmethod
    def fit(cls, values: list[np.ndarray]) -> SeriesScaling:
        """Statistics of every series in ``values`` (each (T_i, n_columns))."""
        mean = np.stack([v.mean(axis=0) for v in values])
        std = np.stack([v.std(axis=0) for v in values])
        return cls(mean, std)

    def transform(self, values: np.ndarray, series: int) -> np.ndarray:
        """Scale one series' (T, n_columns) values."""
        divisor = np.where(self.std[series] > 0, self.std[series], 1.0)
        return (values - self.mean[series]) / divisor

    def inverse(self, values: np.ndarray) -> np.ndarray:
        """Unscale (n_series, ..., n_columns) values, series on the first axis."""
        shape = (values.shape[0],) + (1,) * (values.ndim - 2) + (values.shape[-1],)
        return values * self.std.reshape(shape) + self.mean.reshape(shape)
