"""Checks and look-ups on the pandas data the forecasters receive."""

from __future__ import annotations

__all__ = [
    "check_finite",
    "check_numeric",
    "check_same_columns",
    "check_time_index",
    "refuse_missing",
    "rows_at",
]

import numpy as np
import pandas as pd

from sktime_rnn.exceptions import InvalidDataError


def check_finite(data: pd.DataFrame, name: str) -> None:
    """Refuse NaN or infinite values, saying how many and where the first is.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> check_finite(pd.DataFrame({"a": [1.0, np.nan]}), "y")
    Traceback (most recent call last):
    ...
    sktime_rnn.exceptions.InvalidDataError: y has 1 missing or infinite value(s), ...
    """
    values = data.to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise InvalidDataError(
            f"{name} has {int(bad.sum())} missing or infinite value(s), the first at "
            f"index {data.index[row]}, column {data.columns[col]!r}; this "
            f"forecaster does not impute: fill or drop them first, e.g. with "
            f"sktime.transformations.series.impute.Imputer in a pipeline"
        )


def check_numeric(data, name: str, allow_bool: bool) -> None:
    """Refuse columns that are not numbers, naming the first and its dtype.

    ``y`` must hold numbers; ``X`` may also hold booleans (indicators).
    Other input types are left to sktime's own checks.

    Examples
    --------
    >>> import pandas as pd
    >>> check_numeric(pd.DataFrame({"a": ["x", "y"]}), "X", allow_bool=True)
    Traceback (most recent call last):
    ...
    sktime_rnn.exceptions.InvalidDataError: X column 'a' has dtype ... (text or ...)
    """
    if isinstance(data, pd.Series):
        data = data.to_frame()
    if not isinstance(data, pd.DataFrame):
        return
    for column, dtype in data.dtypes.items():
        if not _not_numbers(data[column], allow_bool):
            continue
        allowed = "numbers or booleans" if allow_bool else "numbers (int or float)"
        kind = {"M": "dates", "m": "durations", "b": "booleans"}.get(
            getattr(dtype, "kind", "O"), "text or categorical values"
        )
        raise InvalidDataError(
            f"{name} column {column!r} has dtype {dtype} ({kind}); {name} must "
            f"hold {allowed}: convert or encode it first (e.g. "
            f"{name}[{column!r}].astype(float))"
        )


def _not_numbers(values: pd.Series, allow_bool: bool) -> bool:
    """Whether a column holds text, categories, dates or (for y) booleans.

    Object columns of other things (sktime's nested frames hold series in their
    cells) are left to sktime's own checks.
    """
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return not allow_bool
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype):
        return dtype is not np.dtype(object) or any(isinstance(v, str) for v in values)
    return pd.api.types.is_datetime64_any_dtype(
        dtype
    ) or pd.api.types.is_timedelta64_dtype(dtype)


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


def check_time_index(data: pd.DataFrame, name: str, contiguous: bool = False) -> None:
    """Refuse repeated time points (sktime itself refuses unsorted ones).

    With ``contiguous`` (``y``: the network reads consecutive observations), a
    ``PeriodIndex`` with missing periods is refused too, naming the first; a
    ``DatetimeIndex`` without a frequency is refused where its frequency is
    inferred (``time_frequency``).

    Examples
    --------
    >>> import pandas as pd
    >>> check_time_index(pd.DataFrame({"a": [1.0, 2.0]}, index=[3, 3]), "y")
    Traceback (most recent call last):
    ...
    sktime_rnn.exceptions.InvalidDataError: y has 1 repeated time point(s), e.g. 3; ...
    """
    repeated = data.index[data.index.duplicated()]
    if len(repeated):
        raise InvalidDataError(
            f"{name} has {len(repeated)} repeated time point(s), e.g. "
            f"{repeated[0]}; each time point must appear once: aggregate or drop "
            f"the duplicates (e.g. {name}.groupby(level=0).mean())"
        )
    index = data.index
    if contiguous and isinstance(index, pd.PeriodIndex) and len(index) > 1:
        every = pd.period_range(index.min(), index.max(), freq=index.freq)
        missing = every.difference(index)
        if len(missing):
            raise InvalidDataError(
                f"{name} misses {len(missing)} period(s) of its PeriodIndex, the "
                f"first {missing[0]}: the network reads consecutive observations. "
                f"Fill them (e.g. {name}.reindex(pd.period_range(start, end)) then "
                "interpolate), or forecast the series in parts without gaps"
            )


def check_same_columns(data: pd.DataFrame, expected: pd.Index, name: str) -> None:
    """Refuse data whose columns differ from those seen in ``fit``."""
    if not data.columns.equals(expected):
        raise InvalidDataError(
            f"{name} must have the columns seen in fit, {list(expected)}, "
            f"got {list(data.columns)}"
        )


def rows_at(data: pd.DataFrame, index: pd.Index, name: str) -> pd.DataFrame:
    """Rows of ``data`` at ``index``, refusing with the missing times listed."""
    missing = index.difference(data.index)
    if len(missing):
        raise InvalidDataError(
            f"{name} has no rows for {len(missing)} of the time points needed, "
            f"e.g. {list(missing[:3])}; pass {name} covering {list(index[:3])}"
            f"{'...' if len(index) > 3 else ''}"
        )
    return data.loc[index]
