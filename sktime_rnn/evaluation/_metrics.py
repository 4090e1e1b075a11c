"""The value of every metric for every step ahead, from the forecasts of the folds.

A per-horizon value is an average over folds of the metric computed on the one
forecast each fold made at that step: the mean of the absolute errors for MAE,
the root of the mean squared error for RMSE, the mean of the scaled errors for
MASE (each fold scaled by the in-sample seasonal naive error of its own training
window), the share of covered values for interval coverage.
"""

from __future__ import annotations

__all__ = ["score_folds", "steps_ahead", "summarise"]

import numpy as np
import pandas as pd

from sktime_rnn.evaluation._scoring import prediction_type


def score_folds(results, metrics, y_index):
    """Score every forecast of every fold, one row per fold, step and metric.

    Parameters
    ----------
    results : pandas.DataFrame
        Output of sktime's ``evaluate(..., return_data=True)`` with a ``fold``
        column.
    metrics : dict of str to sktime metric
    y_index : pandas.Index
        Time index of the whole series; the step ahead of a forecast is its
        position in it minus the position of the fold's cutoff.

    Returns
    -------
    pandas.DataFrame
        Columns ``fold``, ``cutoff``, ``horizon``, ``time``, ``metric`` and
        ``value``, the metric computed on that single forecast (for MASE the
        absolute error over the fold's scale, for RMSE the absolute error).
    """
    parts = []
    for _, fold in results.iterrows():
        y_test, y_train = fold["y_test"], fold["y_train"]
        steps, cutoff = steps_ahead(y_index, y_train, y_test)
        for name, metric in metrics.items():
            y_pred = fold[f"y_{prediction_type(metric)}"]
            parts.append(
                pd.DataFrame(
                    {
                        "fold": fold["fold"],
                        "cutoff": cutoff,
                        "horizon": steps,
                        "time": y_test.index,
                        "metric": name,
                        "value": _pointwise(metric, y_test, y_pred, y_train),
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


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


def summarise(by_fold, metrics, keys):
    """Average fold-level values over folds, per ``keys`` and metric.

    Root metrics (``square_root=True``) are averaged as root mean squares, so
    the per-horizon RMSE is the RMSE over folds of the forecasts at that step.
    """
    roots = [name for name, metric in metrics.items() if _is_root(metric)]
    is_root = by_fold["metric"].isin(roots)
    values = by_fold["value"].where(~is_root, by_fold["value"] ** 2)
    grouped = values.groupby([by_fold[key] for key in [*keys, "metric"]], sort=False)
    table = grouped.agg(["mean", "count"]).reset_index()
    is_root = table["metric"].isin(roots)
    table["value"] = np.where(is_root, np.sqrt(table["mean"]), table["mean"])
    table = table.rename(columns={"count": "n_folds"})
    return table[[*keys, "metric", "value", "n_folds"]]


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
