"""Plots of a per-horizon evaluation: error curves by horizon, forecasts per fold.

Needs matplotlib (``pip install "sktime-rnn[plot]"``).
"""

from __future__ import annotations

__all__ = ["plot_error_by_horizon", "plot_forecasts_by_fold"]

import math

import numpy as np
import pandas as pd

from sktime_rnn.plotting import _pyplot


def plot_error_by_horizon(result, metric="MAE", forecasters=None, ax=None):
    """Plot one metric against the steps ahead, one curve per forecaster.

    Parameters
    ----------
    result : HorizonEvaluation
        Output of :func:`~sktime_rnn.evaluation.evaluate_by_horizon`.
    metric : str, default="MAE"
        One of ``result.metrics``.
    forecasters : list of str, optional
        Which curves; all forecasters scored on ``metric`` if None.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from sktime.datasets import load_airline
    >>> from sktime.forecasting.naive import NaiveForecaster
    >>> from sktime.split import ExpandingWindowSplitter
    >>> from sktime_rnn.evaluation import evaluate_by_horizon
    >>> cv = ExpandingWindowSplitter(fh=[1, 2, 3], initial_window=120, step_length=6)
    >>> result = evaluate_by_horizon(
    ...     [NaiveForecaster(), NaiveForecaster(sp=12)], load_airline(), cv
    ... )
    >>> ax = plot_error_by_horizon(result, "MAE")
    >>> len(ax.get_lines())
    2
    """
    if metric not in result.metrics:
        raise ValueError(f"metric must be one of {result.metrics}, got {metric!r}")
    rows = result.by_horizon[result.by_horizon["metric"] == metric]
    if ax is None:
        _, ax = _pyplot().subplots(figsize=(7, 4))
    for name in forecasters or result.forecasters:
        curve = rows[rows["forecaster"] == name]
        if not curve.empty:
            ax.plot(curve["horizon"], curve["value"], marker="o", label=name)
    n_folds = int(rows["n_folds"].max()) if len(rows) else 0
    ax.set_xlabel("horizon (steps ahead)")
    ax.set_ylabel(metric)
    ax.set_title(f"{metric} by horizon, over {n_folds} folds")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend()
    return ax


def plot_forecasts_by_fold(
    result, forecasters=None, variable=None, context=None, axes=None
):
    """Plot the forecasts of every fold against the actual values, one panel each.

    Parameters
    ----------
    result : HorizonEvaluation
        Output of :func:`~sktime_rnn.evaluation.evaluate_by_horizon`.
    forecasters : list of str, optional
        Which forecasts; all if None.
    variable : str, optional
        Which variable of a multivariate ``y``; the first if None.
    context : int, optional
        Observations shown before each cutoff; three horizons' worth if None.
    axes : array of matplotlib Axes, optional
        One per fold; a new figure if None.

    Returns
    -------
    numpy.ndarray of matplotlib Axes

    Examples
    --------
    >>> from sktime.datasets import load_airline
    >>> from sktime.forecasting.naive import NaiveForecaster
    >>> from sktime.split import ExpandingWindowSplitter
    >>> from sktime_rnn.evaluation import evaluate_by_horizon
    >>> cv = ExpandingWindowSplitter(fh=[1, 2, 3], initial_window=120, step_length=6)
    >>> result = evaluate_by_horizon(NaiveForecaster(sp=12), load_airline(), cv)
    >>> axes = plot_forecasts_by_fold(result)
    >>> len(axes), len(axes[0].get_lines())  # actual, forecast, cutoff
    (4, 3)
    """
    forecasts = result.forecasts
    if forecasts.empty:
        raise ValueError("result holds no point forecasts to plot")
    variable = forecasts["variable"].iloc[0] if variable is None else variable
    forecasts = forecasts[forecasts["variable"] == variable]
    names = forecasters or list(dict.fromkeys(forecasts["forecaster"]))
    folds = list(dict.fromkeys(forecasts["fold"]))
    context = 3 * int(forecasts["horizon"].max()) if context is None else context
    y = result.y if result.y.ndim == 1 else result.y[variable]

    if axes is None:
        ncols = min(3, len(folds))
        nrows = math.ceil(len(folds) / ncols)
        _, axes = _pyplot().subplots(
            nrows, ncols, figsize=(4.5 * ncols, 3.2 * nrows), squeeze=False
        )
    axes = np.asarray(axes).ravel()
    for ax, fold in zip(axes, folds, strict=False):
        rows = forecasts[forecasts["fold"] == fold]
        cutoff = rows["cutoff"].iloc[0]
        start = max(0, y.index.get_loc(cutoff) - context + 1)
        stop = y.index.get_indexer(pd.Index(rows["time"])).max() + 1
        actual = y.iloc[start:stop]
        ax.plot(_plottable(actual.index), actual.to_numpy(), "k", label="actual")
        for name in names:
            mine = rows[rows["forecaster"] == name]
            ax.plot(_plottable(mine["time"]), mine["y_pred"], label=name)
        ax.axvline(_plottable([cutoff])[0], color="grey", ls=":", lw=1)
        ax.set_title(f"fold {fold}, cutoff {cutoff}", fontsize="medium")
        # every panel spans other times, so every panel keeps its own labels
        for label in ax.get_xticklabels():
            label.set(rotation=30, horizontalalignment="right")
    for ax in axes[len(folds) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize="small")
    return axes[: len(folds)]


def _plottable(times) -> pd.Index:
    """Times matplotlib can place: periods become their start timestamps."""
    index = pd.Index(times)
    return index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index
