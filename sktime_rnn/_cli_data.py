"""Where the ``sktime-rnn`` command gets its series: a CSV file or an sktime loader."""

from __future__ import annotations

__all__ = ["embedded_datasets", "load_series", "seasonal_period"]

from pathlib import Path

import pandas as pd

from sktime_rnn._cli_inputs import CommandError

# seasonal period of the common regular frequencies
_PERIODS = (
    (pd.offsets.MonthEnd, 12),
    (pd.offsets.MonthBegin, 12),
    (pd.offsets.QuarterEnd, 4),
    (pd.offsets.QuarterBegin, 4),
    (pd.offsets.Week, 52),
    (pd.offsets.BusinessDay, 5),
    (pd.offsets.Day, 7),
    (pd.offsets.Hour, 24),
)


def embedded_datasets() -> list[str]:
    """Names of sktime's data loaders, as ``--data`` takes them."""
    import sktime.datasets

    return sorted(
        name[len("load_") :]
        for name in dir(sktime.datasets)
        if name.startswith("load_") and not name.startswith(("load_from", "load_tsf"))
    )


def load_series(data, time_col=None, value_col=None):
    """Load ``--data``: a CSV file or one of sktime's embedded data sets.

    Returns
    -------
    y : pandas.Series
    X : pandas.DataFrame or None
        Exogenous data that comes with an embedded data set (longley, uschange).
    """
    path = Path(data)
    if path.suffix.lower() in (".csv", ".txt") or path.exists() or "/" in data:
        return _read_csv(path, time_col, value_col), None
    if time_col is not None:
        raise CommandError("--time-col applies to CSV files, not embedded data sets")
    names = {name.lower(): name for name in embedded_datasets()}
    if data.lower() not in names:
        raise CommandError(
            f"--data {data!r} is neither a CSV file nor an embedded data set; "
            f"embedded: {', '.join(sorted(names.values()))}"
        )
    import sktime.datasets

    loaded = getattr(sktime.datasets, f"load_{names[data.lower()]}")()
    y, X = loaded if isinstance(loaded, tuple) else (loaded, None)
    if not isinstance(y, pd.Series | pd.DataFrame) or isinstance(
        y.index, pd.MultiIndex
    ):
        raise CommandError(f"--data {data!r} is not a single time series")
    if X is not None and not isinstance(X, pd.DataFrame):
        X = None
    return _pick_column(y, value_col, f"data set {data!r}"), X


def seasonal_period(index) -> int:
    """The seasonal period of a regular time index: 12 for months, 1 if unknown."""
    freq = getattr(index, "freq", None)
    if freq is None or getattr(freq, "n", 1) != 1:
        return 1
    for offset, period in _PERIODS:
        if isinstance(freq, offset):
            return period
    return 1


# ------------------------------------------------------------------ helpers
def _read_csv(path, time_col, value_col) -> pd.Series:
    if not path.is_file():
        raise CommandError(f"--data {str(path)!r}: no such file")
    try:
        table = pd.read_csv(path)
    except (ValueError, OSError, UnicodeDecodeError) as error:
        raise CommandError(
            f"--data {str(path)!r} is not a readable CSV file: {error}"
        ) from error
    if time_col is not None:
        if time_col not in table.columns:
            raise CommandError(
                f"--time-col {time_col!r} is not a column of {path.name}; "
                f"columns: {', '.join(map(str, table.columns))}"
            )
        table = table.set_index(_time_index(table[time_col], time_col))
    return _pick_column(table, value_col, path.name)


def _time_index(column, time_col) -> pd.Index:
    if pd.api.types.is_integer_dtype(column):
        index = pd.Index(column, name=time_col)
    else:
        try:
            index = pd.DatetimeIndex(pd.to_datetime(column), name=time_col)
        except (ValueError, TypeError) as error:
            raise CommandError(
                f"--time-col {time_col!r} holds no dates: {error}"
            ) from error
    if not index.is_monotonic_increasing or not index.is_unique:
        raise CommandError(f"--time-col {time_col!r} must increase strictly")
    if isinstance(index, pd.DatetimeIndex):
        freq = pd.infer_freq(index) if len(index) >= 3 else None
        if freq is None:
            raise CommandError(
                f"--time-col {time_col!r} is not regularly spaced (no frequency "
                "could be inferred); leave --time-col out to count rows instead"
            )
        index = pd.DatetimeIndex(index, freq=freq)
    return index


def _pick_column(table, value_col, source) -> pd.Series:
    if isinstance(table, pd.Series):
        if value_col not in (None, table.name):
            raise CommandError(
                f"--value-col {value_col!r} is not a column of {source}; "
                f"it has one series, {table.name!r}"
            )
        return table
    if value_col is None:
        numeric = table.select_dtypes("number").columns
        if len(numeric) != 1:
            raise CommandError(
                f"{source} has {len(numeric)} numeric columns; choose one with "
                f"--value-col (columns: {', '.join(map(str, table.columns))})"
            )
        value_col = numeric[0]
    if value_col not in table.columns:
        raise CommandError(
            f"--value-col {value_col!r} is not a column of {source}; "
            f"columns: {', '.join(map(str, table.columns))}"
        )
    y = table[value_col]
    if not pd.api.types.is_numeric_dtype(y):
        raise CommandError(f"--value-col {value_col!r} is not numeric")
    if y.isna().any():
        raise CommandError(
            f"--value-col {value_col!r} has {int(y.isna().sum())} missing values; "
            "fill or drop them first"
        )
    return y.astype(float)
