"""Panels and hierarchies: which series a frame holds, and under which names.

sktime stores many series in one frame whose index has one level per
hierarchy level and the time last (``pd-multiindex`` for a flat panel,
``pd_multiindex_hier`` for deeper hierarchies). A single series has no series
levels: its key is the empty tuple.
"""

from __future__ import annotations

__all__ = ["RESERVED", "check_y", "series_levels", "split_series"]

import numpy as np
import pandas as pd

# column names of the tidy tables; a series level may not take one of them
RESERVED = (
    "forecaster",
    "level",
    "fold",
    "cutoff",
    "horizon",
    "time",
    "variable",
    "metric",
    "value",
    "y_true",
    "y_pred",
    "n_folds",
    "n_series",
)


def check_y(y) -> list[str]:
    """Check ``y`` is one series or a panel of equally long ones; name its levels.

    Returns
    -------
    list of str
        The names of the series levels (empty for one series).

    Raises
    ------
    ValueError
        If ``y`` is no pandas series or frame, a level name is taken by a table
        column, or the series of a panel differ in length (sktime's splitters
        would give them different numbers of folds).

    Examples
    --------
    >>> import pandas as pd
    >>> check_y(pd.Series([1.0, 2.0]))
    []
    >>> index = pd.MultiIndex.from_product([["a", "b"], range(3)], names=["id", "t"])
    >>> check_y(pd.DataFrame({"v": range(6)}, index=index))
    ['id']
    """
    if not isinstance(y, pd.Series | pd.DataFrame):
        raise ValueError(
            "y must be a time series (pandas Series or DataFrame with a time "
            "index) or a panel or hierarchy (DataFrame with a MultiIndex whose "
            f"last level is the time), got {type(y).__name__}"
        )
    levels = series_levels(y)
    if not levels:
        return levels
    if isinstance(y, pd.Series):
        raise ValueError(
            "y with a MultiIndex must be a DataFrame (sktime's pd-multiindex or "
            "pd_multiindex_hier), got a Series; use y.to_frame()"
        )
    taken = [name for name in levels if name in RESERVED]
    if taken:
        raise ValueError(
            f"y's index level {taken[0]!r} has the name of a column of the result "
            f"tables; rename it (the reserved names are {list(RESERVED)})"
        )
    lengths = y.groupby(level=levels, sort=False).size()
    if lengths.nunique() > 1:
        shortest, longest = lengths.idxmin(), lengths.idxmax()
        raise ValueError(
            "the series of y must be equally long, so that every series has the "
            f"same folds; got {lengths.min()} observations for {shortest!r} and "
            f"{lengths.max()} for {longest!r}; trim them to a common time span"
        )
    return levels


def series_levels(y) -> list[str]:
    """Names of the index levels that identify a series: all but the time."""
    if not isinstance(y.index, pd.MultiIndex):
        return []
    return [
        name if name is not None else f"level_{position}"
        for position, name in enumerate(y.index.names[:-1])
    ]


def split_series(frame, n_levels):
    """Cut a panel frame into its series: ``{key: frame of that series}``.

    Each part is indexed by time only; a frame that is not a pandas object
    (a failed fold's missing prediction) gives an empty dict.

    Examples
    --------
    >>> import pandas as pd
    >>> index = pd.MultiIndex.from_product([["a", "b"], range(2)])
    >>> parts = split_series(pd.DataFrame({"v": range(4)}, index=index), 1)
    >>> {key: part["v"].tolist() for key, part in parts.items()}
    {('a',): [0, 1], ('b',): [2, 3]}
    >>> list(split_series(pd.Series([1.0]), 0))
    [()]
    """
    if not isinstance(frame, pd.Series | pd.DataFrame):
        return {}
    if n_levels == 0:
        return {(): frame}
    positions = frame.groupby(level=list(range(n_levels)), sort=False).indices
    parts = {}
    for key, rows in positions.items():
        key = key if isinstance(key, tuple) else (key,)
        parts[key] = frame.iloc[np.sort(rows)].droplevel(list(range(n_levels)))
    return parts
