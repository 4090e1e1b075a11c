"""The value of every metric for every step ahead, from the forecasts of the folds.

A per-horizon value is an average over folds of the metric computed on the one
forecast each fold made at that step: the mean of the absolute errors for MAE,
the root of the mean squared error for RMSE, the mean of the scaled errors for
MASE (each fold scaled by the in-sample seasonal naive error of its own training
window), the share of covered values for interval coverage. In a panel every
series is scored on its own (MASE by its own training window's scale), and a
pooled value averages over series and folds.
"""

from __future__ import annotations

__all__ = [
    "score_folds",
    "series_forecasts",
    "steps_ahead",
    "summarise",
    "summarise_panel",
]

import numpy as np
import pandas as pd

from sktime_rnn.evaluation._panel import split_series
from sktime_rnn.evaluation._scoring import prediction_type


def score_folds(results, metrics, y, levels=()):
    """Score every forecast of every fold, one row per fold, series, step and metric.

    Parameters
    ----------
    results : pandas.DataFrame
        Output of sktime's ``evaluate(..., return_data=True)`` with a ``fold``
        column. A failed fold (``error_score`` a number) has no predictions:
        its rows get the value NaN.
    metrics : dict of str to sktime metric
    y : pandas.Series or pandas.DataFrame
        The whole series or panel; the step ahead of a forecast is its position
        in its series minus the position of the fold's cutoff in that series.
    levels : list of str, default=()
        Names of the series levels of a panel (none for one series); they
        become the first columns.

    Returns
    -------
    pandas.DataFrame
        Columns ``*levels``, ``fold``, ``cutoff``, ``horizon``, ``time``,
        ``metric`` and ``value``, the metric computed on that single forecast
        (for MASE the absolute error over the fold's scale, for RMSE the
        absolute error).
    """
    kinds = {prediction_type(metric) for metric in metrics.values()}
    parts = []
    for columns, y_train, y_test, predictions in series_forecasts(
        results, y, levels, kinds
    ):
        for name, metric in metrics.items():
            y_pred = predictions[prediction_type(metric)]
            if y_pred is None:  # the fold failed: nothing to score
                values = np.full(len(y_test), np.nan)
            else:
                values = _pointwise(metric, y_test, y_pred, y_train)
            parts.append(pd.DataFrame({**columns, "metric": name, "value": values}))
    return pd.concat(parts, ignore_index=True)


def series_forecasts(results, y, levels, kinds):
    """Every series of every fold, with what identifies its forecasts.

    Yields ``(columns, y_train, y_test, predictions)``: ``columns`` maps
    ``*levels``, ``fold``, ``cutoff``, ``horizon`` (the steps ahead) and
    ``time`` to the series' values in this fold; ``predictions`` maps each
    of ``kinds`` (``"pred"``, ``"pred_interval"``, ...) to the series'
    prediction of that kind, None where the fold failed.
    """
    n_levels = len(levels)
    times = {key: part.index for key, part in split_series(y, n_levels).items()}
    for _, fold in results.iterrows():
        trains = split_series(fold["y_train"], n_levels)
        predictions = {
            kind: split_series(fold[f"y_{kind}"], n_levels) for kind in kinds
        }
        for key, y_test in split_series(fold["y_test"], n_levels).items():
            steps, cutoff = steps_ahead(times[key], trains[key], y_test)
            columns = {
                **dict(zip(levels, key, strict=True)),
                "fold": fold["fold"],
                "cutoff": cutoff,
                "horizon": steps,
                "time": y_test.index,
            }
            yield (
                columns,
                trains[key],
                y_test,
                {kind: found.get(key) for kind, found in predictions.items()},
            )


def steps_ahead(y_index, y_train, y_test):
    """Return the steps ahead of the times of ``y_test``, and the fold's cutoff.

    The cutoff is the last training time; a step counts observations of the
    whole series ``y_index`` after it (1 = the next observation).

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.Series(range(6))
    >>> steps_ahead(y.index, y[:3], y[4:])
    (array([2, 3]), 2)
    """
    cutoff = y_train.index[-1]
    steps = y_index.get_indexer(y_test.index) - y_index.get_loc(cutoff)
    return steps, cutoff


def summarise(by_fold, metrics, keys, levels=()):
    """Average fold-level values over folds (and series), per ``keys`` and metric.

    Root metrics (``square_root=True``) are averaged as root mean squares, so
    the per-horizon RMSE is the RMSE over folds of the forecasts at that step.
    NaN values (failed folds) are left out of the means; ``n_folds`` counts the
    folds that were scored and, when ``levels`` names the series levels of a
    panel, ``n_series`` the series.
    """
    roots = [name for name, metric in metrics.items() if _is_root(metric)]
    frame = by_fold[[*keys, "metric"]].copy()
    is_root = by_fold["metric"].isin(roots)
    frame["value"] = by_fold["value"].where(~is_root, by_fold["value"] ** 2)
    scored = frame["value"].notna()
    frame["n_folds"] = by_fold["fold"].where(scored)
    aggregations = {"value": "mean", "n_folds": "nunique"}
    if levels:
        series = by_fold.groupby(list(levels), sort=False).ngroup()
        frame["n_series"] = series.where(scored)
        aggregations["n_series"] = "nunique"
    table = frame.groupby([*keys, "metric"], sort=False).agg(aggregations)
    table = table.reset_index()
    is_root = table["metric"].isin(roots)
    table["value"] = np.where(is_root, np.sqrt(table["value"]), table["value"])
    return table


def summarise_panel(by_fold, metrics, levels):
    """Per-horizon tables of a panel: pooled, per series and per upper level.

    Returns
    -------
    by_horizon : pandas.DataFrame
        Pooled over every series and fold.
    by_series : pandas.DataFrame
        Per series, the series levels as columns after ``forecaster``.
    by_level : pandas.DataFrame or None
        For hierarchies of two or more series levels: pooled under each node of
        every level but the last; ``level`` names it, deeper levels read
        ``"__total"``. None for a flat panel.
    """
    levels = list(levels)
    by_horizon = summarise(by_fold, metrics, ["forecaster", "horizon"], levels)
    keys = ["forecaster", *levels, "horizon"]
    by_series = summarise(by_fold, metrics, keys)
    if len(levels) < 2:
        return by_horizon, by_series, None
    parts = []
    for depth in range(1, len(levels)):
        upper = levels[:depth]
        part = summarise(by_fold, metrics, ["forecaster", *upper, "horizon"], levels)
        part.insert(1, "level", levels[depth - 1])
        for below in levels[depth:]:
            part.insert(part.columns.get_loc("horizon"), below, "__total")
        parts.append(part)
    return by_horizon, by_series, pd.concat(parts, ignore_index=True)


# ------------------------------------------------------------------ helpers
def _pointwise(metric, y_true, y_pred, y_train) -> np.ndarray:
    """Metric value of each single forecast, averaged over variables."""
    if _is_root(metric):
        squared = metric.clone().set_params(square_root=False)
        return np.sqrt(_pointwise(squared, y_true, y_pred, y_train))
    values = metric.evaluate_by_index(y_true, y_pred, y_train=y_train)
    if isinstance(values, pd.DataFrame):  # one column per interval or variable
        values = values.mean(axis=1)
    return np.asarray(values, dtype=float)  # (S,), in the order of y_true


def _is_root(metric) -> bool:
    return metric.get_params(deep=False).get("square_root") is True
