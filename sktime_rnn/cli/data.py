"""Where the ``sktime-rnn`` command gets its data: a CSV file or an sktime loader."""

from __future__ import annotations

__all__ = ["CSV_FLAGS", "Data", "embedded_datasets", "load_data"]

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sktime_rnn.cli.csv_file import read_csv_data
from sktime_rnn.cli.errors import CommandError
from sktime_rnn.cli.time_index import seasonal_period

# flags that only a CSV file can use, as argparse names them
CSV_FLAGS = {
    "time_col": "--time-col",
    "id_col": "--id-col",
    "x_cols": "--x-cols",
    "date_format": "--date-format",
    "dayfirst": "--dayfirst",
    "fill_gaps": "--fill-gaps",
    "sep": "--sep",
    "decimal": "--decimal",
    "thousands": "--thousands",
}


@dataclass
class Data:
    """The series (or panel) to evaluate, what came with it, and what was done."""

    name: str
    y: pd.Series | pd.DataFrame
    X: pd.DataFrame | None = None
    freq: object = None
    notes: list = field(default_factory=list)

    @property
    def levels(self) -> list:
        """Index levels that name a series; empty for one series."""
        if not isinstance(self.y.index, pd.MultiIndex):
            return []
        return list(range(self.y.index.nlevels - 1))

    @property
    def n_series(self) -> int:
        """How many series."""
        return self.y.groupby(level=self.levels).ngroups if self.levels else 1

    @property
    def length(self) -> int:
        """Observations per series (all series are equally long)."""
        return len(self.y) // self.n_series

    @property
    def season(self) -> int:
        """The seasonal period of the frequency: 12 for months, 1 if unknown."""
        return seasonal_period(self.freq)

    def describe(self) -> str:
        """One line: how many series and observations."""
        if not self.levels:
            return f"{self.name}: {self.length} observations"
        return f"{self.name}: {self.n_series} series of {self.length} observations"


def embedded_datasets() -> list[str]:
    """Names of sktime's data loaders, as ``--data`` takes them."""
    import sktime.datasets

    return sorted(
        name[len("load_") :]
        for name in dir(sktime.datasets)
        if name.startswith("load_") and not name.startswith(("load_from", "load_tsf"))
    )


def load_data(args) -> Data:
    """Load ``--data``: a CSV file or one of sktime's embedded data sets."""
    path = Path(args.data)
    if path.suffix.lower() in (".csv", ".txt") or path.exists() or "/" in args.data:
        y, X, freq, notes = read_csv_data(path, args)
        return Data(path.name, y, X, freq, notes)
    given = [flag for name, flag in CSV_FLAGS.items() if getattr(args, name)]
    if given:
        raise CommandError(f"{given[0]} applies to CSV files, not embedded data sets")
    return _embedded(args.data, args.value_col)


def _embedded(data, value_col) -> Data:
    names = {name.lower(): name for name in embedded_datasets()}
    if data.lower() not in names:
        raise CommandError(
            f"--data {data!r} is neither a CSV file nor an embedded data set; "
            f"embedded: {', '.join(sorted(names.values()))}"
        )
    import sktime.datasets

    loaded = getattr(sktime.datasets, f"load_{names[data.lower()]}")()
    y, X = loaded if isinstance(loaded, tuple) else (loaded, None)
    if not isinstance(y, pd.Series | pd.DataFrame):
        raise CommandError(f"--data {data!r} is not a time series data set")
    if X is not None and not isinstance(X, pd.DataFrame):
        X = None
    y = _pick_column(y, value_col, f"data set {data!r}")
    if isinstance(y.index, pd.MultiIndex):
        sizes = y.groupby(level=list(range(y.index.nlevels - 1))).size()
        if sizes.nunique() > 1:
            raise CommandError(
                f"--data {data!r} is a panel of series of different lengths "
                f"({sizes.min()} to {sizes.max()}); the command needs equal ones"
            )
        freq = getattr(y.index.levels[-1], "freq", None)
    else:
        freq = getattr(y.index, "freq", None)
    return Data(data, y, X, freq)


def _pick_column(y, value_col, source):
    if isinstance(y, pd.Series):
        if value_col not in (None, y.name):
            raise CommandError(
                f"--value-col {value_col!r} is not a column of {source}; "
                f"it has one series, {y.name!r}"
            )
        return _finite(y.astype(float), source)
    if value_col is None:
        numeric = y.select_dtypes("number").columns
        if len(numeric) != 1:
            raise CommandError(
                f"{source} has {len(numeric)} numeric columns; choose one with "
                f"--value-col (columns: {', '.join(map(str, y.columns))})"
            )
        value_col = numeric[0]
    if value_col not in y.columns:
        raise CommandError(
            f"--value-col {value_col!r} is not a column of {source}; "
            f"columns: {', '.join(map(str, y.columns))}"
        )
    column = y[value_col] if not isinstance(y.index, pd.MultiIndex) else y[[value_col]]
    return _finite(column.astype(float), source)


def _finite(y, source):
    bad = ~np.isfinite(y.to_numpy(dtype=float))
    if bad.any():
        raise CommandError(
            f"{source} has {int(bad.sum())} missing or infinite value(s); the "
            "series must be finite"
        )
    return y
