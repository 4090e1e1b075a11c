"""A CSV file as a series or a long-format panel, with exogenous columns.

Reads the separator and dates robustly, puts the values on a regular time grid
and finds the gaps (missing rows and empty cells); ``--fill-gaps`` decides
whether they are refused or filled. Every problem is a :class:`CommandError`
naming the flag, the column and the line of the file.
"""

from __future__ import annotations

__all__ = ["read_csv_data"]

import csv
import re

import numpy as np
import pandas as pd

from sktime_rnn.cli.errors import CommandError
from sktime_rnn.cli.time_index import parse_times, regular_grid

FILL_GAPS = ("none", "interpolate", "zero")
_SHOWN_GAPS = 10


def read_csv_data(path, args):
    """Read ``--data`` as a CSV file.

    Returns
    -------
    y : pandas.Series or pandas.DataFrame
        One series (indexed by time) or, with ``--id-col``, a panel: a frame
        indexed by (id, time), as sktime's ``pd-multiindex``.
    X : pandas.DataFrame or None
        The ``--x-cols``, indexed like ``y``.
    freq : pandas offset or None
        The frequency of the time grid (None for row numbers).
    notes : list of str
        What was done to the data (rows sorted, gaps filled).
    """
    table, decimal = _read_table(path, args.sep, args.decimal, args.thousands)
    source = path.name
    time_col = _existing(table, args.time_col, "--time-col", source)
    id_col = _existing(table, args.id_col, "--id-col", source)
    x_cols = _x_columns(table, args.x_cols, source)
    value_col = _value_column(table, args.value_col, [time_col, id_col, *x_cols])
    if time_col is not None and time_col == id_col:
        raise CommandError(f"--id-col and --time-col must differ, got {id_col!r}")
    if id_col is not None and table[id_col].isna().any():
        row = int(np.flatnonzero(table[id_col].isna().to_numpy())[0])
        raise CommandError(f"--id-col {id_col!r} is empty on line {row + 2}")
    columns = [value_col, *x_cols]
    for column in columns:
        flag = "--value-col" if column == value_col else "--x-cols"
        table[column] = _numeric(table[column], flag, decimal)

    hint = _dayfirst_hint(table, time_col, args)
    notes, frames, freqs = [], {}, set()
    groups = table.groupby(id_col, sort=False) if id_col else [(None, table)]
    for key, rows in groups:
        label = "" if id_col is None else f" (series {key!r} of --id-col {id_col!r})"
        frame, freq, was_sorted = _on_grid(rows, time_col, columns, args, label, hint)
        frames[key] = frame
        freqs.add(None if freq is None else freq.freqstr)
        if not was_sorted and "rows sorted by time" not in notes:
            notes.append("rows sorted by time")
    if len(freqs) > 1:
        raise CommandError(
            f"--id-col {id_col!r}: the series have different frequencies "
            f"({', '.join(sorted(map(str, freqs)))}); give each the same one"
        )
    _check_lengths(frames, id_col)
    notes += _handle_gaps(frames, args.fill_gaps, id_col, hint)

    if id_col is None:
        frame = frames[None]
        y, X = frame[value_col], frame[x_cols] if x_cols else None
    else:
        panel = pd.concat(frames, names=[id_col])
        y, X = panel[[value_col]], panel[x_cols] if x_cols else None
    return y, X, getattr(next(iter(frames.values())).index, "freq", None), notes


# ------------------------------------------------------------------ reading
def _read_table(path, sep, decimal, thousands=None) -> pd.DataFrame:
    if not path.is_file():
        raise CommandError(f"--data {str(path)!r}: no such file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            sample = file.read(65536)
        if sep is None:
            sep = _sniff(sample)
        if decimal is None:  # spreadsheets that separate by ; write 1,5
            decimal = "," if sep == ";" and thousands != "," else "."
        if thousands is not None and thousands == decimal:
            raise CommandError(
                f"--thousands and the decimal mark must differ, both are {decimal!r}"
            )
        table = pd.read_csv(
            path,
            sep=sep,
            decimal=decimal,
            thousands=thousands,
            encoding="utf-8-sig",
            skipinitialspace=True,
        )
    except (ValueError, OSError, UnicodeDecodeError) as error:
        message = " ".join(str(error).split())
        raise CommandError(
            f"--data {str(path)!r} is not a readable CSV file: {message}"
        ) from error
    if table.empty:
        raise CommandError(f"--data {str(path)!r} has no data rows")
    table.columns = [str(column).strip() for column in table.columns]
    return table, decimal


def _sniff(sample) -> str:
    """The separator of the file: comma, semicolon, tab or bar."""
    lines = "\n".join(sample.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(lines, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _existing(table, column, flag, source):
    if column is not None and column not in table.columns:
        raise CommandError(
            f"{flag} {column!r} is not a column of {source}; "
            f"columns: {', '.join(map(str, table.columns))}"
        )
    return column


def _x_columns(table, spec, source) -> list[str]:
    if spec is None:
        return []
    names = [name.strip() for name in spec.split(",")]
    if not all(names):
        raise CommandError(
            f"--x-cols expects comma-separated column names, got {spec!r}"
        )
    for name in names:
        _existing(table, name, "--x-cols", source)
    return list(dict.fromkeys(names))


def _value_column(table, value_col, taken) -> str:
    if value_col is not None:
        _existing(table, value_col, "--value-col", "the file")
        if value_col in taken:
            raise CommandError(
                f"--value-col {value_col!r} is also given as --time-col, --id-col "
                "or in --x-cols"
            )
        return value_col
    rest = [column for column in table.columns if column not in taken]
    candidates = [column for column in rest if _numeric_like(table[column])]
    if not candidates and len(rest) == 1:  # the only column: say what is wrong
        candidates = rest
    if len(candidates) != 1:
        raise CommandError(
            f"the file has {len(candidates)} numeric columns besides the time, id "
            "and exogenous ones; choose the series with --value-col (columns: "
            f"{', '.join(map(str, table.columns))})"
        )
    return candidates[0]


def _numeric_like(values) -> bool:
    if pd.api.types.is_bool_dtype(values):
        return False
    if pd.api.types.is_numeric_dtype(values):
        return True
    converted = pd.to_numeric(values, errors="coerce")
    return bool(converted.notna().any() and (converted.notna() | values.isna()).all())


def _numeric(values, flag, decimal) -> pd.Series:
    """The column as floats; empty cells become NaN (gaps), text and inf fail.

    A number that did not read is refused with the flag that reads it, where
    that flag cannot change other values silently: ``--thousands ','`` for
    2,210 (thousands are groups of three digits), ``--decimal ','`` for 2,5.
    """
    name = values.name
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        converted = pd.to_numeric(values, errors="coerce")
        bad = converted.isna() & values.notna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            text = str(values.iloc[row])
            hint = ""
            if decimal == "." and re.fullmatch(
                r"\s*-?\d{1,3}(,\d{3})+(\.\d*)?\s*", text
            ):
                hint = "; for thousands separated by commas pass --thousands ','"
            elif decimal == "." and re.fullmatch(r"\s*-?\d*,\d+\s*", text):
                hint = "; for decimal commas pass --decimal ','"
            raise CommandError(
                f"{flag} {name!r} is not numeric: {text!r} on line {row + 2}{hint}"
            )
        values = converted
    values = values.astype(float)
    infinite = np.isinf(values.to_numpy())
    if infinite.any():
        rows = np.flatnonzero(infinite)
        raise CommandError(
            f"{flag} {name!r} has {len(rows)} infinite value(s), first on line "
            f"{rows[0] + 2} ({values.iloc[rows[0]]}); the series must be finite"
        )
    return values


# ------------------------------------------------------------------ time grid
def _on_grid(rows, time_col, columns, args, label, hint):
    """The rows of one series on its regular time grid (NaN where missing)."""
    if time_col is None:
        frame = rows[columns].set_axis(pd.RangeIndex(len(rows)))
        return frame, None, True
    flag = f"--time-col {time_col!r}{label}"
    times = parse_times(rows[time_col], flag, args.date_format, args.dayfirst)
    repeated = times[times.duplicated()]
    if len(repeated):
        raise CommandError(
            f"{flag} repeats the time {_label(repeated[0], times)} ({len(repeated)} "
            "repeated time "
            "points); each time may appear once per series"
        )
    order = np.argsort(times.to_numpy(), kind="stable")
    was_sorted = bool((order == np.arange(len(order))).all())
    times = times[order]
    if len(times) < 2:
        raise CommandError(f"{flag} has {len(times)} row; a series needs at least 2")
    index, grid = regular_grid(times, flag, hint)
    frame = rows[columns].iloc[order].set_axis(index).reindex(grid)
    return frame, grid.freq if hasattr(grid, "freq") else None, was_sorted


def _check_lengths(frames, id_col) -> None:
    lengths = {key: len(frame) for key, frame in frames.items()}
    if len(set(lengths.values())) > 1:
        shortest = min(lengths, key=lengths.get)
        longest = max(lengths, key=lengths.get)
        raise CommandError(
            f"--id-col {id_col!r}: the series must be equally long to share the "
            f"folds; {shortest!r} spans {lengths[shortest]} time points, "
            f"{longest!r} {lengths[longest]}; trim them to a common time span"
        )


def _handle_gaps(frames, fill_gaps, id_col, hint) -> list[str]:
    """Refuse or fill the missing values; return what was done."""
    gaps = {key: frame.index[frame.isna().any(axis=1)] for key, frame in frames.items()}
    n_gaps = sum(len(times) for times in gaps.values())
    if n_gaps == 0:
        return []
    n_points = sum(len(frame) for frame in frames.values())
    listed = [
        _label(time) if id_col is None else f"{key}: {_label(time)}"
        for key, times in gaps.items()
        for time in times[:_SHOWN_GAPS]
    ][:_SHOWN_GAPS]
    more = f" and {n_gaps - len(listed)} more" if n_gaps > len(listed) else ""
    what = f"{n_gaps} gap(s), time points without a row or with an empty cell"
    if n_gaps * 2 > n_points:
        raise CommandError(
            f"the data has {what} in {n_points}: too many to fill, the time "
            f"stamps are probably not regular{hint or ''}"
        )
    if fill_gaps in (None, "none"):
        raise CommandError(
            f"the data has {what}: {', '.join(listed)}{more}; fill them with "
            "--fill-gaps interpolate or --fill-gaps zero"
        )
    for key, frame in frames.items():
        if fill_gaps == "zero":
            frames[key] = frame.fillna(0.0)
        else:  # linear between neighbours; the ends repeat the nearest value
            frames[key] = frame.interpolate(method="linear", limit_direction="both")
    return [f"filled {n_gaps} gap(s) ({fill_gaps}): {', '.join(listed)}{more}"]


def _label(time, times=None) -> str:
    """A time as written in a file: dates without a midnight clock time.

    Given all ``times`` of the series, as coarse as they are: a month of
    monthly data (every time the first of a month) as 2017-06, a year as 2017.

    Examples
    --------
    >>> months = pd.DatetimeIndex(["2017-05-01", "2017-06-01"])
    >>> _label(months[1], months), _label(months[1]), _label(pd.Timestamp("2017"))
    ('2017-06', '2017-06-01', '2017-01-01')
    """
    if not isinstance(time, pd.Timestamp) or time != time.normalize():
        return str(time)
    if isinstance(times, pd.DatetimeIndex) and (times == times.normalize()).all():
        if (times.month == 1).all() and (times.day == 1).all():
            return time.strftime("%Y")
        if (times.day == 1).all():
            return time.strftime("%Y-%m")
    return time.strftime("%Y-%m-%d")


def _dayfirst_hint(table, time_col, args) -> str:
    """A hint for dates like 03/04/2020 read without --dayfirst."""
    if time_col is None or args.dayfirst or args.date_format:
        return ""
    sample = table[time_col].astype(str).head(50)
    if sample.str.fullmatch(r"\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}.*").all():
        return "; if the dates are day first (31/01/2020), pass --dayfirst"
    return ""
