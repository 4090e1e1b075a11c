"""One series or many: split sktime's inner frames into series, and join them back.

A single series is a panel of one, with the empty key ``()``, so the estimator
has one code path for both.
"""

from __future__ import annotations

__all__ = ["Panel", "split_panel"]

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
    by = levels[0] if len(levels) == 1 else levels  # a list of one gives 1-tuples
    # observed: an unused category of a categorical level is no series
    for key, frame in data.groupby(level=by, sort=False, observed=True):
        keys.append(key if isinstance(key, tuple) else (key,))
        frames.append(frame.droplevel(levels))
    return Panel(keys, frames, list(data.index.names))
