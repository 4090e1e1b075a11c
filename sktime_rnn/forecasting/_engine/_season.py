"""The season length a time index implies (``sp="auto"``).

An index with a frequency says how many observations make a season: a year
of months is 12, a week of days 7, a day of hours 24. An integer index says
nothing of seasons.
"""

from __future__ import annotations

__all__ = ["infer_season_length"]

import pandas as pd

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
