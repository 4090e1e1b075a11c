"""Rolling-origin evaluation with the errors of every step ahead kept apart."""

from __future__ import annotations

__all__ = ["evaluate_by_horizon"]

import warnings

import pandas as pd
from tqdm.auto import tqdm

from sktime_rnn.evaluation._backends import (
    backend_session,
    check_backend,
    limit_threads,
)
from sktime_rnn.evaluation._checks import (
    STRATEGIES,
    check_cv,
    check_error_score,
    check_sp,
    named_forecasters,
)
from sktime_rnn.evaluation._metrics import score_folds, summarise, summarise_panel
from sktime_rnn.evaluation._panel import check_y
from sktime_rnn.evaluation._result import HorizonEvaluation
from sktime_rnn.evaluation._runner import run_evaluate
from sktime_rnn.evaluation._scoring import (
    check_scoring,
    default_scoring,
    for_forecaster,
)
from sktime_rnn.evaluation._tables import fold_table, forecast_table, overall_table


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
        One time series (univariate or multivariate), or a panel or hierarchy:
        a DataFrame whose MultiIndex has the series levels first and the time
        last. The series of a panel must be equally long, so that each gets
        the same folds.
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
        What a failing fold gives: ``"raise"`` stops with its error; a number
        (``np.nan``, sktime's default, which hides errors) becomes that fold's
        score in ``folds``, and the fold's rows in ``by_fold`` and
        ``forecasts`` are NaN (it made no forecast). The per-horizon tables
        average the folds that were scored; ``n_folds`` counts them.
    progress : bool, default=False
        Show a progress bar over forecasters and folds.

    Returns
    -------
    HorizonEvaluation
        ``by_horizon`` (tidy: forecaster, horizon, metric, value, n_folds, and
        for panels n_series), ``by_fold`` and ``forecasts`` (every forecast),
        ``folds``, ``overall``, for panels ``by_series`` and ``by_level``, and
        ``table()`` for a wide view.

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

    A panel of three series, scored per series and pooled:

    >>> from sktime.utils._testing.hierarchical import _make_hierarchical
    >>> panel = _make_hierarchical((3,), min_timepoints=24, max_timepoints=24)
    >>> cv = ExpandingWindowSplitter(fh=[1, 2], initial_window=18, step_length=2)
    >>> result = evaluate_by_horizon(NaiveForecaster(), panel, cv)
    >>> result.levels, len(result.series), int(result.by_horizon["n_series"].max())
    (['h0'], 3, 3)
    """
    forecasters = named_forecasters(forecaster)
    levels = check_y(y)
    n_folds = check_cv(cv, y, levels)
    if strategy not in STRATEGIES:
        raise ValueError(
            f"strategy must be one of {list(STRATEGIES)}, got {strategy!r}"
        )
    check_sp(sp)
    check_error_score(error_score)
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
                "by_fold": score_folds(raw[name], used, y, levels),
                "forecasts": forecast_table(raw[name], y, levels),
                "folds": fold_table(raw[name], used),
            }
            for key, table in tables.items():
                parts[key].append(table.assign(forecaster=name))

    by_fold, forecasts, folds = (
        _forecaster_first(pd.concat(parts[key], ignore_index=True))
        for key in ("by_fold", "forecasts", "folds")
    )
    every_metric = _all_metrics(metrics, sp)
    if levels:
        by_horizon, by_series, by_level = summarise_panel(by_fold, every_metric, levels)
    else:
        by_horizon = summarise(by_fold, every_metric, ["forecaster", "horizon"])
        by_series = by_level = None
    return HorizonEvaluation(
        by_horizon=by_horizon,
        by_fold=by_fold,
        forecasts=forecasts,
        folds=folds,
        overall=overall_table(folds, list(forecasters)),
        y=y,
        raw=raw,
        by_series=by_series,
        by_level=by_level,
    )


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
