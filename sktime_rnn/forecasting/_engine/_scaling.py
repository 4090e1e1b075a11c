"""Per-series standardisation of the target and the exogenous variables."""

from __future__ import annotations

__all__ = ["PanelScaling", "SeriesScaling"]

from dataclasses import dataclass

import numpy as np


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
    >>> huge = SeriesScaling.fit([np.array([[1e300], [-1e300]])])  # no overflow
    >>> huge.std.ravel().tolist()
    [1e+300]
    """

    def __init__(self, mean: np.ndarray, std: np.ndarray):
        self.mean = mean
        self.std = std

    @classmethod
    def fit(cls, values: list[np.ndarray]) -> SeriesScaling:
        """Statistics of every series in ``values`` (each (T_i, n_columns)).

        Each column is divided by its largest magnitude first, so that the sum
        of squares cannot overflow for values up to the largest float.
        """
        means, stds = [], []
        for v in values:
            magnitude = np.abs(v).max(axis=0)
            magnitude = np.where(magnitude > 0, magnitude, 1.0)
            unit = v / magnitude
            means.append(unit.mean(axis=0) * magnitude)
            stds.append(unit.std(axis=0) * magnitude)
        return cls(np.stack(means), np.stack(stds))

    def divisor(self, series: int) -> np.ndarray:
        """What series ``series`` is divided by: its std, or 1 where that is 0."""
        return np.where(self.std[series] > 0, self.std[series], 1.0)

    def transform(self, values: np.ndarray, series: int) -> np.ndarray:
        """Scale one series' (T, n_columns) values."""
        return (values - self.mean[series]) / self.divisor(series)

    def untransform(self, values: np.ndarray, series: int) -> np.ndarray:
        """Undo :meth:`transform` for one series' (T, n_columns) values."""
        return values * self.divisor(series) + self.mean[series]

    def inverse(self, values: np.ndarray) -> np.ndarray:
        """Unscale (n_series, ..., n_columns) values, series on the first axis."""
        shape = (values.shape[0],) + (1,) * (values.ndim - 2) + (values.shape[-1],)
        return values * self.std.reshape(shape) + self.mean.reshape(shape)

    def select(self, positions) -> SeriesScaling:
        """The statistics of the series at ``positions``, in that order."""
        positions = list(positions)
        return SeriesScaling(self.mean[positions], self.std[positions])


@dataclass
class PanelScaling:
    """The scaling of the targets and, if any, of the exogenous variables.

    Examples
    --------
    >>> import numpy as np
    >>> scaling = PanelScaling.fit([np.array([[1.0], [3.0]])], None)
    >>> scaling.scale(np.array([[3.0]]), None, 0).tolist()
    [[1.0]]
    """

    y: SeriesScaling
    x: SeriesScaling | None

    @classmethod
    def fit(cls, y_values: list[np.ndarray], x_values: list[np.ndarray] | None):
        """Fit both scalings on every series' (T_i, C) and (T_i, K) values."""
        x = None if x_values is None else SeriesScaling.fit(x_values)
        return cls(SeriesScaling.fit(y_values), x)

    def scale(self, y: np.ndarray, x: np.ndarray | None, series: int) -> np.ndarray:
        """One series' scaled (T, C+K) values, targets first."""
        parts = [self.y.transform(y, series)]
        if x is not None:
            parts.append(self.x.transform(x, series))
        return np.concatenate(parts, axis=1)
