"""Which sktime metrics are scored, and under which names."""

from __future__ import annotations

__all__ = ["check_scoring", "default_scoring", "for_forecaster", "prediction_type"]

import warnings

from sktime.performance_metrics.base import BaseMetric
from sktime.performance_metrics.forecasting import (
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanAbsoluteScaledError,
    MeanSquaredError,
)
from sktime.performance_metrics.forecasting.probabilistic import (
    EmpiricalCoverage,
    PinballLoss,
)

# prediction types sktime's evaluate asks for, by the metric's scitype:y_pred tag,
# and the argument it passes on to predict_interval / predict_quantiles
_PRED_ARGS = {"pred": None, "pred_interval": "coverage", "pred_quantiles": "alpha"}

_SHORT_NAMES = {
    "MeanAbsoluteError": "MAE",
    "MeanAbsoluteScaledError": "MASE",
    "PinballLoss": "pinball",
    "IntervalWidth": "interval_width",
}


def default_scoring(sp=1, probabilistic=False):
    """Return the metrics scored by default, by name.

    Parameters
    ----------
    sp : int, default=1
        Seasonal period of the MASE scale: the mean absolute error of the
        seasonal naive forecast (value ``sp`` steps earlier) on each fold's
        training window.
    probabilistic : bool, default=False
        Add 90% interval coverage and the pinball loss at the 5%, 50% and 95%
        quantiles, for forecasters that predict intervals.

    Returns
    -------
    dict of str to sktime metric

    Examples
    --------
    >>> list(default_scoring(sp=12))
    ['MAE', 'RMSE', 'MAPE', 'sMAPE', 'MASE']
    >>> list(default_scoring(probabilistic=True))[-2:]
    ['coverage_0.9', 'pinball']
    """
    metrics = [
        MeanAbsoluteError(),
        MeanSquaredError(square_root=True),
        MeanAbsolutePercentageError(symmetric=False),
        MeanAbsolutePercentageError(symmetric=True),
        MeanAbsoluteScaledError(sp=sp),
    ]
    if probabilistic:
        metrics += [
            EmpiricalCoverage(coverage=0.9),
            PinballLoss(alpha=[0.05, 0.5, 0.95]),
        ]
    return check_scoring(metrics)


def check_scoring(scoring):
    """Check ``scoring`` and name its metrics.

    Parameters
    ----------
    scoring : sktime metric, list of them, or dict of str to metric
        Point metrics whose per-point values average to the metric (MAE, MSE,
        RMSE, MAPE, sMAPE, MASE, RMSSE, ...) and interval or quantile metrics
        (``EmpiricalCoverage``, ``PinballLoss``, ``IntervalWidth``, ...).

    Returns
    -------
    dict of str to sktime metric
        Copies of the metrics, named by the dict keys or by a short name
        (``"MAE"``, ``"RMSE"``, ``"sMAPE"``, ``"coverage_0.9"``, ...), so that
        sktime's ``evaluate`` reports each under its own column.

    Raises
    ------
    ValueError
        If a metric is no sktime metric, cannot be averaged over folds (medians,
        geometric means, metrics relative to a benchmark, distribution
        metrics), or two metrics of one kind ask for different intervals or
        quantiles.

    Examples
    --------
    >>> from sktime.performance_metrics.forecasting import MeanSquaredError
    >>> list(check_scoring([MeanSquaredError(), MeanSquaredError(square_root=True)]))
    ['MSE', 'RMSE']
    """
    if isinstance(scoring, BaseMetric):
        scoring = [scoring]
    if isinstance(scoring, dict):
        named = list(scoring.items())
    elif isinstance(scoring, list | tuple):
        named = [(_short_name(metric), metric) for metric in scoring]
    else:
        raise ValueError(
            "scoring must be an sktime metric, a list of them or a dict of name to "
            f"metric, got {type(scoring).__name__}"
        )
    if not named:
        raise ValueError("scoring must name at least one metric, got none")
    metrics = {}
    for name, metric in named:
        _check_metric(name, metric)
        label, suffix = str(name), 2
        while label in metrics:
            label, suffix = f"{name}_{suffix}", suffix + 1
        metric = metric.clone()
        # evaluate reports test_<name>; unique names keep the columns apart
        metric.name = label
        metrics[label] = metric
    _check_one_prediction_per_kind(metrics)
    return metrics


def for_forecaster(metrics, forecaster):
    """Return the metrics ``forecaster`` can be scored on, warning about the rest."""
    if forecaster.get_tag("capability:pred_int", False, raise_error=False):
        return metrics
    kept = {name: m for name, m in metrics.items() if prediction_type(m) == "pred"}
    dropped = [name for name in metrics if name not in kept]
    if dropped:
        warnings.warn(
            f"{type(forecaster).__name__} does not predict intervals; "
            f"skipping {dropped} for it",
            UserWarning,
            stacklevel=3,
        )
    if not kept:
        raise ValueError(
            f"scoring has no point metric, and {type(forecaster).__name__} "
            "cannot be scored on interval or quantile metrics"
        )
    return kept


def prediction_type(metric) -> str:
    """Return the prediction type a metric scores: pred, pred_interval, ..."""
    return metric.get_tag("scitype:y_pred", "pred", raise_error=False)


# ------------------------------------------------------------------ helpers
def _short_name(metric) -> str:
    cls = type(metric).__name__
    params = metric.get_params(deep=False) if isinstance(metric, BaseMetric) else {}
    root = "R" if params.get("square_root") else ""
    if cls == "MeanSquaredError":
        return f"{root}MSE"
    if cls == "MeanSquaredScaledError":
        return f"{root}MSSE"
    if cls == "MeanAbsolutePercentageError":
        return "sMAPE" if params.get("symmetric") else "MAPE"
    if cls == "EmpiricalCoverage" and isinstance(params.get("coverage"), float):
        return f"coverage_{params['coverage']:g}"
    if cls == "EmpiricalCoverage":
        return "coverage"
    return _SHORT_NAMES.get(cls, getattr(metric, "name", None) or cls)


def _check_metric(name, metric) -> None:
    if not isinstance(metric, BaseMetric):
        raise ValueError(
            f"scoring[{name!r}] must be an sktime metric such as "
            f"MeanAbsoluteError(), got {metric!r}"
        )
    cls = type(metric).__name__
    if cls.startswith(("Median", "Geometric")):
        raise ValueError(
            f"scoring[{name!r}]: {cls} is not a mean over forecasts, so it cannot "
            "be averaged over folds per horizon; use its Mean... counterpart"
        )
    if metric.get_tag("requires-y-pred-benchmark", False, raise_error=False):
        raise ValueError(
            f"scoring[{name!r}]: {cls} needs a benchmark forecast; compare "
            "forecasters by passing several to evaluate_by_horizon instead"
        )
    if prediction_type(metric) not in _PRED_ARGS:
        raise ValueError(
            f"scoring[{name!r}]: {cls} scores {prediction_type(metric)!r} "
            f"predictions; supported are {list(_PRED_ARGS)}"
        )


def _check_one_prediction_per_kind(metrics) -> None:
    """Check for one prediction per kind, as evaluate keeps one of each."""
    asked = {}
    for name, metric in metrics.items():
        kind = prediction_type(metric)
        argument = _PRED_ARGS[kind]
        if argument is None:
            continue
        value = metric.get_params(deep=False).get(argument)
        first = asked.setdefault(kind, (name, value))
        if repr(first[1]) != repr(value):
            raise ValueError(
                f"scoring: {first[0]!r} and {name!r} ask for different {argument} "
                f"({first[1]!r} and {value!r}); give both metrics the same "
                f"{argument}, a list if several are wanted"
            )
