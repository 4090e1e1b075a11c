"""Checks and look-ups on the pandas data the forecasters receive."""

from __future__ import annotations

__all__ = [
    "check_finite",
    "check_same_columns",
    "check_time_index",
    "refuse_missing",
    "rows_at",
]

import numpy as np
import pandas as pd


def check_finite(data: pd.DataFrame, name: str) -> None:
    """Refuse NaN or infinite values, saying how many and where the first is.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> check_finite(pd.DataFrame({"a": [1.0, np.nan]}), "y")
    Traceback (most recent call last):
    ...
    ValueError: y has 1 missing or infinite value(s), the first at index 1, ...
    """
    values = data.to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(
            f"{name} has {int(bad.sum())} missing or infinite value(s), the first at "
            f"index {data.index[row]}, column {data.columns[col]!r}; this "
            f"forecaster does not impute: fill or drop them first, e.g. with "
            f"sktime.transformations.series.impute.Imputer in a pipeline"
        )


def refuse_missing(data, name: str) -> None:
    """Refuse NaN/inf in numeric pandas input before sktime's generic check runs.

    sktime only says that data "contained missing data"; this says how much and
    where. Other input types are left to sktime's own checks.
    """
    if isinstance(data, pd.Series):
        data = data.to_frame()
    if not isinstance(data, pd.DataFrame) or data.empty:
        return
    if all(pd.api.types.is_numeric_dtype(dtype) for dtype in data.dtypes):
        check_finite(data, name)


def check_time_index(data: pd.DataFrame, name: str) -> None:
    """Refuse repeated time points (sktime itself refuses unsorted ones).

    Examples
    --------
    >>> import pandas as pd
    >>> check_time_index(pd.DataFrame({"a": [1.0, 2.0]}, index=[3, 3]), "y")
    Traceback (most recent call last):
    ...
    ValueError: y has 1 repeated time point(s), e.g. 3; ...
    """
    repeated = data.index[data.index.duplicated()]
    if len(repeated):
        raise ValueError(
            f"{name} has {len(repeated)} repeated time point(s), e.g. "
            f"{repeated[0]}; each time point must appear once: aggregate or drop "
            f"the duplicates (e.g. {name}.groupby(level=0).mean())"
        )


def check_same_columns(data: pd.DataFrame, expected: pd.Index, name: str) -> None:
    """Refuse data whose columns differ from those seen in ``fit``."""
    if not data.columns.equals(expected):
        raise ValueError(
            f"{name} must have the columns seen in fit, {list(expected)}, "
            f"got {list(data.columns)}"
        )


def rows_at(data: pd.DataFrame, index: pd.Index, name: str) -> pd.DataFrame:
    """Rows of ``data`` at ``index``, refusing with the missing times listed."""
    missing = index.difference(data.index)
    if len(missing):
        raise ValueError(
            f"{name} has no rows for {len(missing)} of the time points needed, "
            f"e.g. {list(missing[:3])}; pass {name} covering {list(index[:3])}"
            f"{'...' if len(index) > 3 else ''}"
        )
    return data.loc[index]
