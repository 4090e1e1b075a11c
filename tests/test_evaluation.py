"""Per-horizon evaluation: the numbers are the hand-computed ones, on every backend."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold
from sktime.datasets import load_airline
from sktime.forecasting.compose import TransformedTargetForecaster, make_reduction
from sktime.forecasting.model_selection import ForecastingGridSearchCV
from sktime.forecasting.naive import NaiveForecaster
from sktime.performance_metrics.forecasting import (
    MeanAbsoluteError,
    MeanSquaredError,
    MedianAbsoluteError,
)
from sktime.performance_metrics.forecasting.probabilistic import (
    EmpiricalCoverage,
    PinballLoss,
)
from sktime.split import ExpandingWindowSplitter, SlidingWindowSplitter
from sktime.transformations.series.exponent import ExponentTransformer

from sktime_rnn import LSTMForecaster
from sktime_rnn.evaluation import (
    available_cores,
    check_scoring,
    default_scoring,
    evaluate_by_horizon,
    limit_threads,
)

TINY = {"window_length": 12, "hidden_size": 4, "max_epochs": 2, "random_state": 0}
# the thread count changes float rounding: fixed, so that every backend and
# machine (whatever cores // workers gives) computes the same numbers
ONE_THREAD = {**TINY, "num_threads": 1}
FH = list(range(1, 13))


@pytest.fixture(scope="module")
def y():
    return load_airline()


@pytest.fixture(scope="module")
def cv():
    return ExpandingWindowSplitter(fh=FH, initial_window=96, step_length=12)


def forecasters():
    return {"lstm": LSTMForecaster(**ONE_THREAD), "naive": NaiveForecaster(sp=12)}


@pytest.fixture(scope="module")
def result(y, cv):
    return evaluate_by_horizon(forecasters(), y, cv, sp=12)


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def by_horizon(result, metric, forecaster):
    rows = result.by_horizon.query("metric == @metric and forecaster == @forecaster")
    return rows.set_index("horizon")["value"]


# ------------------------------------------------------------ the numbers
def test_per_horizon_mae_of_the_lstm_is_the_mean_over_folds(result):
    folds = result.raw["lstm"]
    assert len(folds) == 4
    errors = np.stack(
        [np.abs(f.y_test.to_numpy() - f.y_pred.to_numpy()) for f in folds.itertuples()]
    )  # (folds, horizons)
    expected = errors.mean(axis=0)
    np.testing.assert_allclose(by_horizon(result, "MAE", "lstm"), expected, rtol=1e-12)
    np.testing.assert_allclose(
        by_horizon(result, "RMSE", "lstm"), np.sqrt((errors**2).mean(axis=0))
    )
    # horizons are never pooled: the curve is not flat
    assert np.ptp(expected) > 1


def test_seasonal_naive_per_horizon_errors_match_the_series(result, y):
    values = y.to_numpy()
    cutoffs = [95, 107, 119, 131]  # iloc of the last training value of each fold
    actual = np.array([[values[c + h] for h in FH] for c in cutoffs])
    forecast = np.array([[values[c + h - 12] for h in FH] for c in cutoffs])
    abs_errors = np.abs(actual - forecast)  # (folds, horizons)
    # MASE scale: in-sample seasonal naive error of each fold's training window
    scales = np.array(
        [np.abs(values[12 : c + 1] - values[: c + 1 - 12]).mean() for c in cutoffs]
    )
    np.testing.assert_allclose(by_horizon(result, "MAE", "naive"), abs_errors.mean(0))
    np.testing.assert_allclose(
        by_horizon(result, "MASE", "naive"), (abs_errors / scales[:, None]).mean(0)
    )
    np.testing.assert_allclose(
        by_horizon(result, "MAPE", "naive"), (abs_errors / actual).mean(0)
    )
    smape = 2 * abs_errors / (np.abs(actual) + np.abs(forecast))
    np.testing.assert_allclose(by_horizon(result, "sMAPE", "naive"), smape.mean(0))


def covered_share(folds):
    covered = np.stack(
        [
            (f.y_pred_interval.iloc[:, 0] <= f.y_test)
            & (f.y_test <= f.y_pred_interval.iloc[:, 1])
            for f in folds.itertuples()
        ]
    )  # (folds, horizons)
    return covered.mean(axis=0)


def test_coverage_per_horizon_counts_covered_values(result):
    np.testing.assert_allclose(
        by_horizon(result, "coverage_0.9", "naive"), covered_share(result.raw["naive"])
    )
    assert (by_horizon(result, "pinball", "naive") > 0).all()


def test_probabilistic_networks_get_coverage_and_pinball(y):
    cv = ExpandingWindowSplitter(fh=[1, 2, 3], initial_window=120, step_length=6)
    network = LSTMForecaster(**TINY, loss="normal")
    result = evaluate_by_horizon({"lstm": network}, y, cv)
    assert result.metrics[-2:] == ["coverage_0.9", "pinball"]
    np.testing.assert_allclose(
        by_horizon(result, "coverage_0.9", "lstm"), covered_share(result.raw["lstm"])
    )


def test_tables_are_tidy_and_complete(result):
    assert result.by_horizon.columns.tolist() == [
        "forecaster",
        "horizon",
        "metric",
        "value",
        "n_folds",
    ]
    assert set(result.by_horizon["n_folds"]) == {4}
    assert result.table("MAE").shape == (12, 2)
    assert result.table(["MAE", "MASE"]).columns.tolist() == [
        ("MAE", "lstm"),
        ("MAE", "naive"),
        ("MASE", "lstm"),
        ("MASE", "naive"),
    ]
    # one row per forecaster, fold, horizon and metric scored
    per_forecaster = result.by_fold.groupby("forecaster").size()
    assert per_forecaster["naive"] == 4 * 12 * 7
    assert len(result.forecasts) == 2 * 4 * 12
    assert result.overall.index.tolist() == ["lstm", "naive"]
    # overall: sktime's score per fold, averaged over folds
    sktime_mae = result.raw["naive"]["test_MAE"].mean()
    assert result.overall.loc["naive", "MAE"] == pytest.approx(sktime_mae)
    with pytest.raises(ValueError, match="metrics must be among"):
        result.table("R2")


# ------------------------------------------------------------ schemes
def test_leave_one_out_rolling_origin(y):
    cv = ExpandingWindowSplitter(fh=1, initial_window=130, step_length=1)
    result = evaluate_by_horizon(NaiveForecaster(), y, cv)
    assert result.by_horizon["horizon"].unique().tolist() == [1]
    expected = y.diff().abs().iloc[-14:].mean()
    assert by_horizon(result, "MAE", "NaiveForecaster").iloc[0] == pytest.approx(
        expected
    )


def test_sliding_window_keeps_the_training_length(y):
    cv = SlidingWindowSplitter(fh=[1, 2, 3], window_length=60, step_length=12)
    result = evaluate_by_horizon(NaiveForecaster(sp=12), y, cv, sp=12)
    assert set(result.folds["len_train_window"]) == {60}
    assert result.by_horizon["horizon"].unique().tolist() == [1, 2, 3]


def test_update_strategies_refit_only_on_the_first_fold(y, cv):
    runs = {
        strategy: evaluate_by_horizon(LSTMForecaster(**TINY), y, cv, strategy=strategy)
        for strategy in ("refit", "update", "no-update_params")
    }
    first = {s: run.forecasts.query("fold == 0")["y_pred"] for s, run in runs.items()}
    later = {s: run.forecasts.query("fold > 0")["y_pred"] for s, run in runs.items()}
    # all fit the first fold the same way ...
    np.testing.assert_array_equal(first["refit"], first["update"])
    np.testing.assert_array_equal(first["refit"], first["no-update_params"])
    # ... then refit, fine-tune, or only move the context window
    assert not np.allclose(later["refit"], later["update"])
    assert not np.allclose(later["update"], later["no-update_params"])


# ------------------------------------------------------------ metrics
def test_scoring_names_metrics_and_skips_intervals_where_none(y):
    cv = ExpandingWindowSplitter(fh=[1, 2], initial_window=130, step_length=6)
    regression = make_reduction(LinearRegression(), window_length=12)
    scoring = [
        MeanSquaredError(),
        MeanSquaredError(square_root=True),
        EmpiricalCoverage(coverage=0.8),
    ]
    with pytest.warns(UserWarning, match="skipping"):
        result = evaluate_by_horizon(
            {"reg": regression, "naive": NaiveForecaster()}, y, cv, scoring=scoring
        )
    scored = result.by_horizon.groupby("forecaster")["metric"].unique()
    assert scored["reg"].tolist() == ["MSE", "RMSE"]
    assert scored["naive"].tolist() == ["MSE", "RMSE", "coverage_0.8"]
    mse, rmse = (by_horizon(result, m, "reg") for m in ("MSE", "RMSE"))
    np.testing.assert_allclose(rmse, np.sqrt(mse))


def test_default_scoring_adds_intervals_only_when_asked():
    assert list(default_scoring(sp=12)) == ["MAE", "RMSE", "MAPE", "sMAPE", "MASE"]
    assert default_scoring(sp=12)["MASE"].sp == 12
    assert list(default_scoring(probabilistic=True))[-2:] == ["coverage_0.9", "pinball"]


@pytest.mark.parametrize(
    "scoring, match",
    [
        ([MedianAbsoluteError()], "not a mean"),
        ([EmpiricalCoverage(coverage=0.9), EmpiricalCoverage(coverage=0.5)], "same"),
        ([PinballLoss(alpha=[0.1]), PinballLoss()], "different alpha"),
        (["MAE"], "must be an sktime metric"),
        ([], "at least one"),
        ("MAE", "scoring must be"),
    ],
)
def test_bad_scoring_is_refused(scoring, match):
    with pytest.raises(ValueError, match=match):
        check_scoring(scoring)


def test_scoring_dict_names_win():
    assert list(check_scoring({"abs": MeanAbsoluteError()})) == ["abs"]
    assert list(check_scoring([MeanAbsoluteError(), MeanAbsoluteError()])) == [
        "MAE",
        "MAE_2",
    ]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"forecaster": "lstm"}, "forecaster 'str' must be an sktime forecaster"),
        ({"forecaster": {}}, "at least one"),
        ({"y": np.arange(50.0)}, "y must be a time series"),
        ({"cv": KFold(3)}, "cv must be an sktime splitter"),
        (
            {"cv": ExpandingWindowSplitter(fh=FH, initial_window=140)},
            "cv gives no fold on y of 144",
        ),
        ({"strategy": "refit-all"}, "strategy must be one of"),
        ({"sp": 0}, "sp must be a positive int, got 0"),
        ({"backend": "spark"}, "backend must be one of"),
        ({"backend": "loky", "backend_params": 2}, "backend_params must be a dict"),
    ],
)
def test_bad_input_names_the_argument(y, cv, kwargs, match):
    arguments = {"forecaster": NaiveForecaster(), "y": y, "cv": cv, **kwargs}
    with pytest.raises(ValueError, match=match):
        evaluate_by_horizon(**arguments)


# ------------------------------------------------------------ threads
def test_limit_threads_shares_the_cores_between_workers():
    share = max(1, available_cores() // 2)
    limited = limit_threads(LSTMForecaster(), "loky", {"n_jobs": 2})
    assert limited.num_threads == share
    pipe = TransformedTargetForecaster(
        [("log", ExponentTransformer()), ("rnn", LSTMForecaster())]
    )
    assert (
        limit_threads(pipe, "loky", {"n_jobs": 2}).get_params()["rnn__num_threads"]
        == share
    )
    explicit = LSTMForecaster(num_threads=3)
    assert limit_threads(explicit, "loky", {"n_jobs": 2}).num_threads == 3
    naive = NaiveForecaster()
    assert limit_threads(naive, "loky") is naive
    assert limit_threads(LSTMForecaster(), None).num_threads is None


@pytest.mark.slow
def test_dask_workers_are_counted_from_the_client(dask_client):
    from sktime_rnn.evaluation import n_workers

    assert n_workers("dask") == 2


# ------------------------------------------------------------ backends
def assert_same_numbers(first, second):
    pd.testing.assert_frame_equal(first.by_horizon, second.by_horizon, check_exact=True)
    pd.testing.assert_frame_equal(first.forecasts, second.forecasts, check_exact=True)


def test_loky_gives_the_same_numbers(result, y, cv):
    parallel = evaluate_by_horizon(
        forecasters(), y, cv, sp=12, backend="loky", backend_params={"n_jobs": 2}
    )
    assert_same_numbers(result, parallel)


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_numbers(result, y, cv, dask_client):
    from distributed import get_task_stream

    with get_task_stream(dask_client) as tasks:
        parallel = evaluate_by_horizon(forecasters(), y, cv, sp=12, backend="dask")
    assert len(tasks.data) >= 2 * 4  # every fold of both forecasters ran there
    assert_same_numbers(result, parallel)
    # the fold data came back as series, not as their string form
    assert isinstance(parallel.raw["lstm"]["y_pred"].iloc[0], pd.Series)


@pytest.mark.slow
def test_ray_gives_the_same_numbers(result, y, cv):
    ray = pytest.importorskip("ray")
    params = {"ray_remote_args": {"num_cpus": 2, "include_dashboard": False}}
    parallel = evaluate_by_horizon(
        forecasters(), y, cv, sp=12, backend="ray", backend_params=params
    )
    assert_same_numbers(result, parallel)
    assert not ray.is_initialized()  # started for the evaluation, then shut down


@pytest.mark.slow
def test_grid_search_over_training_controls_on_dask(y, dask_client):
    cv = ExpandingWindowSplitter(fh=[1, 2, 3], initial_window=120, step_length=12)
    grid = {
        "truncation_length": [None, 4],
        "clip_grad_norm": [None, 1.0],
        "hidden_size": [2, 4],
    }
    forecaster = limit_threads(LSTMForecaster(**TINY), "dask")
    searches = [
        ForecastingGridSearchCV(forecaster, cv=cv, param_grid=grid, backend=backend)
        for backend in ("dask", None)
    ]
    from distributed import get_task_stream

    with get_task_stream(dask_client) as tasks:
        searches[0].fit(y, fh=[1, 2, 3])
    assert len(tasks.data) >= 8  # every grid point ran on the cluster
    searches[1].fit(y, fh=[1, 2, 3])
    on_dask, in_order = (s.cv_results_.sort_index() for s in searches)
    assert len(on_dask) == 8
    assert set(searches[0].best_params_) == set(grid)
    np.testing.assert_array_equal(
        on_dask["mean_test_MeanAbsolutePercentageError"],
        in_order["mean_test_MeanAbsolutePercentageError"],
    )
