"""Time stamps of a CSV file: parsing, the frequency, and the gaps it leaves.

Month, quarter and year data become a ``PeriodIndex`` (sktime's seasonal
forecasters fail on month-start ``DatetimeIndex`` frequencies); finer data
keep a ``DatetimeIndex`` with its frequency set.
"""

from __future__ import annotations

__all__ = ["parse_times", "regular_grid", "seasonal_period"]

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from sktime_rnn.cli.errors import CommandError

# seasonal period of the common regular frequencies (PeriodIndex or DatetimeIndex)
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
# coarsest first: one observation per period makes a series of that period
_CALENDAR = (("Y", "year"), ("Q", "quarter"), ("M", "month"))
_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


def parse_times(column, flag, date_format=None, dayfirst=False) -> pd.Index:
    """Parse the ``--time-col`` values into integers or naive timestamps.

    Integers stay integers (years or period numbers) unless ``date_format``
    says how to read them as dates.

    Examples
    --------
    >>> dates = pd.Series(["31/01/2020", "29/02/2020"])
    >>> parse_times(dates, "--time-col", dayfirst=True)
    DatetimeIndex(['2020-01-31', '2020-02-29'], dtype='datetime64[ns]', freq=None)
    """
    if pd.api.types.is_integer_dtype(column) and date_format is None:
        return pd.Index(column.to_numpy(), name=column.name)
    if column.isna().any():
        row = int(np.flatnonzero(column.isna().to_numpy())[0])
        raise CommandError(f"{flag} has an empty time stamp in data row {row + 1}")
    text = column.astype(str) if date_format is not None else column
    try:
        times = _to_datetime(text, date_format, dayfirst)
    except (ValueError, TypeError, OverflowError) as error:
        hint = (
            f"check --date-format {date_format!r}"
            if date_format
            else "give --date-format (e.g. %d.%m.%Y) or --dayfirst"
        )
        raise CommandError(
            f"{flag} holds values that are not dates ({_first_line(error)}); {hint}"
        ) from error
    # nanoseconds whatever pandas inferred (pandas 3 reads microseconds), so
    # that steps computed from ``asi8`` are in the unit ``Timedelta`` expects
    index = pd.DatetimeIndex(times, name=column.name).as_unit("ns")
    if index.tz is not None:
        index = index.tz_convert(None)
    return index


def regular_grid(times, flag, hint=""):
    """Find the frequency of sorted, unique ``times`` and the grid it spans.

    Returns
    -------
    index : pandas.Index
        ``times`` as they will index the series (periods for months, quarters
        and years).
    grid : pandas.Index
        Every time point from the first to the last at that frequency, with
        ``freq`` set; ``index`` minus ``grid`` is empty, ``grid`` minus
        ``index`` are the gaps.

    Examples
    --------
    >>> times = pd.DatetimeIndex(["2020-01-01", "2020-02-01", "2020-04-01"])
    >>> index, grid = regular_grid(times, "--time-col")
    >>> [str(p) for p in grid.difference(index)]
    ['2020-03']
    """
    if not isinstance(times, pd.DatetimeIndex):  # integers
        step = int(np.diff(times).min()) if len(times) > 1 else 1
        odd = (times - times[0]) % step != 0
        if odd.any():
            raise CommandError(
                f"{flag} is not regularly spaced: the smallest step is {step}, but "
                f"{times[np.flatnonzero(odd)[0]]} is off that grid{hint}"
            )
        grid = pd.RangeIndex(times.min(), times.max() + 1, step, name=times.name)
        return times, grid
    for freq, _ in _CALENDAR:
        periods = times.to_period(freq)
        if periods.is_unique:
            grid = pd.period_range(periods.min(), periods.max(), freq=freq)
            return periods, grid.rename(times.name)
    steps = np.diff(times.asi8)
    step = pd.Timedelta(int(steps.min()))
    day = pd.Timedelta(days=1)
    if step == day and (times.dayofweek < 5).all() and len(times) > 5:
        freq = "B"
    elif step == 7 * day and times.dayofweek.nunique() == 1:
        freq = f"W-{_WEEKDAYS[times.dayofweek[0]]}"
    else:
        odd = steps % step.value != 0
        if odd.any():
            where = int(np.flatnonzero(odd)[0])
            raise CommandError(
                f"{flag} is not regularly spaced: the smallest step is {step}, but "
                f"{times[where]} to {times[where + 1]} is not a multiple of it{hint}"
            )
        # whole days as days: pandas 3 turns a one-day Timedelta into "24h"
        days, rest = divmod(step, day)
        freq = pd.offsets.Day(days) if not rest else to_offset(step)
    grid = pd.date_range(times[0], times[-1], freq=freq, name=times.name)
    off_grid = times.difference(grid)
    if len(off_grid):
        raise CommandError(
            f"{flag} is not regularly spaced at frequency {grid.freqstr}: "
            f"{off_grid[0]} is off it{hint}"
        )
    return pd.DatetimeIndex(times, freq=None), grid


def seasonal_period(freq) -> int:
    """The seasonal period of a frequency (or an index's): 12 for months, else 1.

    Examples
    --------
    >>> seasonal_period(pd.period_range("2020-01", periods=3, freq="M"))
    12
    >>> seasonal_period(pd.date_range("2020-01-01", periods=3, freq="D").freq)
    7
    """
    if isinstance(freq, pd.Index):
        freq = getattr(freq, "freq", None)
    if freq is None or getattr(freq, "n", 1) != 1:
        return 1
    for offset, period in _PERIODS:
        if isinstance(freq, offset):
            return period
    return 1


def _to_datetime(text, date_format, dayfirst):
    """Dates in one format (given or inferred from the first), or ISO 8601 ones.

    Spreadsheets drop the clock time at midnight (``2020-01-01`` next to
    ``2020-01-01 06:00``): ISO 8601 dates of mixed precision are read too.
    """
    try:
        return pd.to_datetime(text, format=date_format, dayfirst=dayfirst)
    except (ValueError, TypeError) as error:
        if date_format is not None:
            raise
        try:
            return pd.to_datetime(text, format="ISO8601")
        except (ValueError, TypeError):
            raise error from None


def _first_line(error) -> str:
    """The parse error of pandas without its multi-line advice."""
    text = " ".join(str(error).split()) or repr(error)
    return text.split(". You might want to try")[0].rstrip(".")
