"""Rolling-origin evaluation with the errors of every step ahead kept apart."""

from __future__ import annotations

__all__ = ["evaluate_by_horizon"]

import numbers
import warnings

import pandas as pd
from sktime.forecasting.base import BaseForecaster
from sktime.split.base import BaseSplitter
from tqdm.auto import tqdm

from sktime_rnn.evaluation._backends import (
    backend_session,
    check_backend,
    limit_threads,
)
from sktime_rnn.evaluation._metrics import score_folds, summarise
from sktime_rnn.evaluation._result import HorizonEvaluation
from sktime_rnn.evaluation._runner import run_evaluate
from sktime_rnn.evaluation._scoring import (
    check_scoring,
    default_scoring,
    for_forecaster,
)
from sktime_rnn.evaluation._tables import fold_table, forecast_table, overall_table

STRATEGIES = ("refit", "update", "no-update_params")


def evaluate_by_horizon(
    forecaster,
    y,
    cv,
    X=None,
    *,
    scoring=None,
    strategy="refit",
    sp=1,
    backend=None,
    backend_params=None,
    error_score="raise",
    progress=False,
):
    """Evaluate forecasters by rolling origin and report every step ahead apart.

    Runs sktime's ``evaluate(..., return_data=True)`` for each forecaster and
    scores every forecast of every fold: a model can be good one step ahead
    and bad twelve steps ahead, so the errors are averaged over folds for each
    horizon h separately, never over horizons. Works for any sktime
    forecaster, so recurrent networks and baselines can be compared side by
    side on the same folds.

    Parameters
    ----------
    forecaster : sktime forecaster, list of them, or dict of str to forecaster
        What to evaluate; a dict names them, otherwise the class names do.
    y : pandas.Series or pandas.DataFrame
        One time series (univariate or multivariate).
    cv : sktime splitter
        The rolling origins, e.g. ``ExpandingWindowSplitter(fh=range(1, 13),
        initial_window=96, step_length=12)``; leave-one-out rolling origin is
        ``ExpandingWindowSplitter(fh=1, initial_window=n, step_length=1)``.
    X : pandas.DataFrame, optional
        Exogenous series, split along with ``y``.
    scoring : sktime metric, list of them, or dict of str to metric, optional
        Default: MAE, RMSE, MAPE, sMAPE and MASE (scaled by the seasonal naive
        error of each fold's training window, period ``sp``), plus 90% interval
        coverage and pinball loss for forecasters that predict intervals.
        Interval and quantile metrics are skipped, with a warning, for
        forecasters that do not.
    strategy : {"refit", "update", "no-update_params"}, default="refit"
        As in sktime: refit on every training window; fit on the first and
        update (with or without new parameters) on the later ones.
    sp : int, default=1
        Seasonal period of the default MASE scale.
    backend : {None, "loky", "multiprocessing", "threading", "joblib", "dask", \
"ray"}, default=None
        sktime's parallel backend for the folds (``strategy="refit"`` only;
        the other strategies carry the forecaster from fold to fold and run in
        order). ``"dask"`` runs on the active ``dask.distributed`` client if
        there is one. Forecasters with a ``num_threads`` hyper-parameter left
        at None get ``cores // workers`` torch threads each (see
        :func:`limit_threads`). Every fold starts from a clone with the same
        ``random_state``, so the numbers do not depend on the backend as long
        as each fit gets the same torch threads: fix ``num_threads`` to
        compare runs with different numbers of workers.
    backend_params : dict, optional
        Passed on to the backend, e.g. ``{"n_jobs": 2}`` for loky.
    error_score : "raise" or float, default="raise"
        What a failing fold gives; sktime's default, NaN, hides errors.
    progress : bool, default=False
        Show a progress bar over forecasters and folds.

    Returns
    -------
    HorizonEvaluation
        ``by_horizon`` (tidy: forecaster, horizon, metric, value, n_folds),
        ``by_fold`` and ``forecasts`` (every forecast), ``folds``, ``overall``
        and ``table()`` for a wide view.

    See Also
    --------
    sktime.forecasting.model_evaluation.evaluate, plot_error_by_horizon

    Examples
    --------
    >>> from sktime.datasets import load_airline
    >>> from sktime.forecasting.naive import NaiveForecaster
    >>> from sktime.split import ExpandingWindowSplitter
    >>> from sktime_rnn import LSTMForecaster
    >>> y = load_airline()
    >>> cv = ExpandingWindowSplitter(fh=[1, 2, 3], initial_window=120, step_length=6)
    >>> result = evaluate_by_horizon(
    ...     {
    ...         "lstm": LSTMForecaster(window_length=12, max_epochs=2, random_state=0),
    ...         "naive": NaiveForecaster(sp=12),
    ...     },
    ...     y,
    ...     cv,
    ...     sp=12,
    ... )
    >>> result.table("MAE").shape
    (3, 2)
    >>> result.by_horizon.columns.tolist()
    ['forecaster', 'horizon', 'metric', 'value', 'n_folds']
    """
    forecasters = _named_forecasters(forecaster)
    _check_y(y)
    n_folds = _check_cv(cv, y)
    if strategy not in STRATEGIES:
        raise ValueError(
            f"strategy must be one of {list(STRATEGIES)}, got {strategy!r}"
        )
    if isinstance(sp, bool) or not isinstance(sp, numbers.Integral) or sp < 1:
        raise ValueError(f"sp must be a positive int, got {sp!r}")
    params = check_backend(backend, backend_params)
    if backend is not None and strategy != "refit":
        warnings.warn(
            f"strategy={strategy!r} carries the forecaster from fold to fold, so "
            f"the folds run in order; backend={backend!r} is not used",
            UserWarning,
            stacklevel=2,
        )
        backend, params = None, {}
    metrics = None if scoring is None else check_scoring(scoring)

    parts = {key: [] for key in ("by_fold", "forecasts", "folds")}
    raw = {}
    # sktime's evaluate leaves a "default" warnings filter behind; keep it inside
    with (
        warnings.catch_warnings(),
        backend_session(backend, params) as params,
        tqdm(
            total=len(forecasters) * n_folds, unit="fold", disable=not progress
        ) as bar,
    ):
        for name, model in forecasters.items():
            bar.set_description(name)
            used = _metrics_for(model, metrics, sp)
            options = {
                "strategy": strategy,
                "backend": backend,
                "backend_params": params,
                "error_score": error_score,
            }
            model = limit_threads(model, backend, params)
            raw[name] = run_evaluate(model, y, X, cv, used, options, bar)
            tables = {
                "by_fold": score_folds(raw[name], used, y.index),
                "forecasts": forecast_table(raw[name], y.index),
                "folds": fold_table(raw[name], used),
            }
            for key, table in tables.items():
                parts[key].append(table.assign(forecaster=name))

    by_fold, forecasts, folds = (
        _forecaster_first(pd.concat(parts[key], ignore_index=True))
        for key in ("by_fold", "forecasts", "folds")
    )
    keys = ["forecaster", "horizon"]
    return HorizonEvaluation(
        by_horizon=summarise(by_fold, _all_metrics(metrics, sp), keys),
        by_fold=by_fold,
        forecasts=forecasts,
        folds=folds,
        overall=overall_table(folds, list(forecasters)),
        y=y,
        raw=raw,
    )


# ------------------------------------------------------------------ checks
def _named_forecasters(forecaster) -> dict:
    if isinstance(forecaster, dict):
        named = dict(forecaster)
    else:
        items = forecaster if isinstance(forecaster, list | tuple) else [forecaster]
        named = {}
        for item in items:
            base, suffix = type(item).__name__, 2
            name = base
            while name in named:
                name, suffix = f"{base}_{suffix}", suffix + 1
            named[name] = item
    if not named:
        raise ValueError("forecaster must name at least one forecaster, got none")
    for name, item in named.items():
        if not isinstance(item, BaseForecaster):
            raise ValueError(
                f"forecaster {name!r} must be an sktime forecaster, got {item!r}"
            )
    return {str(name): item for name, item in named.items()}


def _check_y(y) -> None:
    if not isinstance(y, pd.Series | pd.DataFrame) or isinstance(
        y.index, pd.MultiIndex
    ):
        raise ValueError(
            "y must be one time series, a pandas Series or DataFrame with a time "
            f"index (not a MultiIndex), got {type(y).__name__}"
        )


def _check_cv(cv, y) -> int:
    if not isinstance(cv, BaseSplitter):
        raise ValueError(
            "cv must be an sktime splitter such as ExpandingWindowSplitter or "
            f"SlidingWindowSplitter, got {cv!r}"
        )
    n_folds = cv.get_n_splits(y)
    if n_folds == 0:
        raise ValueError(
            f"cv gives no fold on y of {len(y)} observations: the first training "
            f"window plus the longest horizon must fit in y, got {cv!r}"
        )
    return n_folds


# ------------------------------------------------------------------ tables
def _metrics_for(model, metrics, sp) -> dict:
    if metrics is None:
        probabilistic = model.get_tag("capability:pred_int", False, raise_error=False)
        return default_scoring(sp, probabilistic=bool(probabilistic))
    return for_forecaster(metrics, model)


def _all_metrics(metrics, sp) -> dict:
    """Every metric that may have been scored, to know the root ones."""
    return default_scoring(sp, probabilistic=True) if metrics is None else metrics


def _forecaster_first(table) -> pd.DataFrame:
    if table.empty:
        return table
    return table[["forecaster", *table.columns.drop("forecaster")]]
