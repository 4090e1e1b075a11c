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
    for fold in _by_fold(series_forecasts(results, y, levels, kinds)):
        columns = pd.concat(
            [pd.DataFrame(c) for c, *_ in fold], ignore_index=True, copy=False
        )
        for name, metric in metrics.items():
            values = _fold_values(metric, fold)
            parts.append(columns.assign(metric=name, value=values))
    return pd.concat(parts, ignore_index=True)


def _by_fold(forecasts):
    """The series of ``series_forecasts``, gathered into lists by fold."""
    fold, current = None, []
    for item in forecasts:
        if current and item[0]["fold"] != fold:
            yield current
            current = []
        fold = item[0]["fold"]
        current.append(item)
    if current:
        yield current


def _fold_values(metric, fold) -> np.ndarray:
    """The metric's value at every forecast of every series of one fold.

    A metric whose value at a point depends on that point alone (MAE, MSE,
    MAPE, sMAPE, interval coverage, pinball loss) scores all series of the
    fold at once, in one call of sktime's ``evaluate_by_index`` over the
    series laid end to end; MASE does so too, each series' errors divided by
    its own training window's scale; any other metric scores series by series.
    """
    kind = prediction_type(metric)
    predictions = [series[3][kind] for series in fold]
    lengths = [len(series[2]) for series in fold]
    if any(prediction is None for prediction in predictions):  # a failed fold
        scored = [
            np.full(n, np.nan)
            if prediction is None
            else _pointwise(metric, y_test, prediction, y_train)
            for (_, y_train, y_test, _), prediction, n in zip(
                fold, predictions, lengths, strict=True
            )
        ]
        return np.concatenate(scored)
    if len(fold) > 1 and (_pointwise_alone(metric) or _is_scaled(metric)):
        y_true = _stacked([series[2] for series in fold])
        y_pred = _stacked(predictions)
        if _is_scaled(metric):
            return _scaled_errors(metric, y_true, y_pred, fold, lengths)
        return _pointwise(metric, y_true, y_pred, None)
    return np.concatenate(
        [
            _pointwise(metric, y_test, prediction, y_train)
            for (_, y_train, y_test, _), prediction in zip(
                fold, predictions, strict=True
            )
        ]
    )


# metrics whose value at a forecast depends on that forecast alone, with their
# defaults (weights, a multioutput other than the average: series by series)
_POINTWISE = {
    "MeanAbsoluteError",
    "MeanSquaredError",
    "MeanAbsolutePercentageError",
    "MeanSquaredPercentageError",
    "EmpiricalCoverage",
    "PinballLoss",
    "IntervalWidth",
}


def _plain_average(metric) -> bool:
    params = metric.get_params(deep=False)
    return params.get("multioutput", "uniform_average") == "uniform_average" and (
        params.get("multilevel", "uniform_average") == "uniform_average"
    )


def _pointwise_alone(metric) -> bool:
    return type(metric).__name__ in _POINTWISE and _plain_average(metric)


def _is_scaled(metric) -> bool:
    return type(metric).__name__ == "MeanAbsoluteScaledError" and _plain_average(metric)


def _stacked(frames) -> pd.DataFrame:
    """Series laid end to end as one, on a RangeIndex (one call of sktime's)."""
    frames = [f.to_frame() if isinstance(f, pd.Series) else f for f in frames]
    return pd.concat(frames, ignore_index=True)


def _scaled_errors(metric, y_true, y_pred, fold, lengths) -> np.ndarray:
    """MASE at every forecast: the absolute error over its series' scale.

    As sktime's ``MeanAbsoluteScaledError``: per variable, the mean absolute
    seasonal-naive error of the training window (at least ``eps``), the
    scaled errors averaged over variables.
    """
    sp = metric.get_params(deep=False)["sp"]
    eps = metric.get_params(deep=False).get("eps") or np.finfo(np.float64).eps
    scales = []
    for (_, y_train, _, _), n in zip(fold, lengths, strict=True):
        train = np.asarray(y_train, dtype=float).reshape(len(y_train), -1)
        scale = np.abs(train[sp:] - train[:-sp]).mean(axis=0)
        scales.append(np.repeat(np.maximum(scale, eps)[None], n, axis=0))
    errors = np.abs(y_true.to_numpy(float) - y_pred.to_numpy(float))
    return (errors / np.concatenate(scales)).mean(axis=1)


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
    extra = {} if y_train is None else {"y_train": y_train}
    values = metric.evaluate_by_index(y_true, y_pred, **extra)
    if isinstance(values, pd.DataFrame):  # one column per interval or variable
        values = values.mean(axis=1)
    return np.asarray(values, dtype=float)  # (S,), in the order of y_true


def _is_root(metric) -> bool:
    return metric.get_params(deep=False).get("square_root") is True
