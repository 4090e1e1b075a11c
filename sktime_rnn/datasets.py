"""Synthetic series that exercise what recurrent networks can and cannot learn."""

from __future__ import annotations

__all__ = ["make_long_memory"]

import numpy as np
import pandas as pd


def make_long_memory(n_timepoints=5000, lag=30, noise=0.1, random_state=None):
    """Make a target that repeats an exogenous input ``lag`` steps later.

    ``y[t] = x[t - lag] + noise * e[t]`` with ``x`` and ``e`` white noise, so the
    only information about the next ``y`` lies ``lag`` steps back in ``X``: a
    forecaster must carry it through ``lag`` recurrent steps. The values of ``x``
    in between are noise it has to ignore.

    Parameters
    ----------
    n_timepoints : int, default=5000
        Length of the series.
    lag : int, default=30
        How far back the information lies.
    noise : float, default=0.1
        Standard deviation of the noise added to the target.
    random_state : int or None, default=None
        Seed.

    Returns
    -------
    y : pandas.Series
        The target, named "y".
    X : pandas.DataFrame
        The exogenous input, one column "x".

    Examples
    --------
    >>> y, X = make_long_memory(100, lag=5, noise=0.0, random_state=0)
    >>> bool((y.iloc[5:].to_numpy() == X["x"].iloc[:-5].to_numpy()).all())
    True
    """
    rng = np.random.default_rng(random_state)
    x = rng.normal(size=n_timepoints)
    target = np.concatenate([np.zeros(lag), x[:-lag]])
    target = target + noise * rng.normal(size=n_timepoints)
    index = pd.RangeIndex(n_timepoints)
    return pd.Series(target, index=index, name="y"), pd.DataFrame({"x": x}, index=index)
