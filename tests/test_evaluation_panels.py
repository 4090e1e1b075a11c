"""Per-horizon evaluation of panels and hierarchies, and of folds that fail.

A panel's per-series tables are those of a loop over its series, MASE is
scaled by each series' own training window, the pooled table averages the
series, and a failed fold (``error_score=np.nan``) gives NaN rows while the
other folds are scored.
"""

import matplotlib

matplotlib.use("Agg")

import json  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sktime.datasets import load_airline  # noqa: E402
from sktime.forecasting.naive import NaiveForecaster  # noqa: E402
from sktime.performance_metrics.forecasting import (  # noqa: E402
    MeanAbsoluteError,
    MeanAbsoluteScaledError,
    MeanSquaredError,
)
from sktime.split import ExpandingWindowSplitter  # noqa: E402
from sktime.utils._testing.hierarchical import _make_hierarchical  # noqa: E402

from sktime_rnn import LSTMForecaster  # noqa: E402
from sktime_rnn.evaluation import (  # noqa: E402
    HorizonEvaluation,
    evaluate_by_horizon,
    plot_forecasts_by_fold,
    write_report,
)

SP = 4
FH = [1, 2, 3]
TINY = {"hidden_size": 4, "max_epochs": 2, "random_state": 0, "num_threads": 1}
# no interval metrics: the naive forecaster's intervals are slow to vectorise
SCORING = {
    "MAE": MeanAbsoluteError(),
    "RMSE": MeanSquaredError(square_root=True),
    "MASE": MeanAbsoluteScaledError(sp=SP),
}
KEYS = ["forecaster", "horizon", "metric"]


def make_panel(levels, length=30):
    panel = _make_hierarchical(
        hierarchy_levels=levels,
        min_timepoints=length,
        max_timepoints=length,
        random_state=0,
    )
    # series of different scales, so that a pooled MASE needs per-series scales
    keys = panel.index.droplevel(-1)
    scale = pd.Series(1 + np.arange(keys.nunique()), index=keys.unique())
    return panel * scale.reindex(keys).to_numpy()[:, None]


@pytest.fixture(scope="module")
def cv():
    return ExpandingWindowSplitter(fh=FH, initial_window=20, step_length=3)


@pytest.fixture(scope="module")
def panel():
    return make_panel((20,))


def forecasters():
    return {"seasonal": NaiveForecaster(sp=SP), "drift": NaiveForecaster("drift")}


@pytest.fixture(scope="module")
def result(panel, cv):
    return evaluate_by_horizon(forecasters(), panel, cv, scoring=SCORING, sp=SP)


@pytest.fixture(scope="module")
def loop(panel, cv):
    """The same evaluation, series by series."""
    results = {}
    for key, series in panel.groupby(level=0):
        results[key] = evaluate_by_horizon(
            forecasters(), series.droplevel(0), cv, scoring=SCORING, sp=SP
        )
    return results


def test_per_series_tables_equal_a_loop_over_the_series(result, loop):
    assert result.levels == ["h0"] and len(result.series) == 20
    for key, single in loop.items():
        mine = result.by_series[result.by_series["h0"] == key].drop(columns="h0")
        pd.testing.assert_frame_equal(
            mine.reset_index(drop=True), single.by_horizon, check_exact=False
        )
        pd.testing.assert_frame_equal(
            result.table(series=key), single.table(), check_exact=False
        )


def test_pooled_table_averages_every_series_and_fold(result, loop):
    forecasts = pd.concat([single.by_fold for single in loop.values()])
    absolute = forecasts[forecasts["metric"] != "RMSE"]
    expected = absolute.groupby(KEYS, sort=False)["value"].mean()
    pooled = result.by_horizon.set_index(KEYS)["value"]
    np.testing.assert_allclose(pooled.loc[expected.index], expected, rtol=1e-12)
    # RMSE pools squared errors: the root of their mean over series and folds
    squared = forecasts[forecasts["metric"] == "RMSE"]
    mean_square = (squared["value"] ** 2).groupby([squared[key] for key in KEYS]).mean()
    np.testing.assert_allclose(
        pooled.loc[mean_square.index], np.sqrt(mean_square), rtol=1e-12
    )
    assert set(result.by_horizon["n_series"]) == {20}
    assert set(result.by_horizon["n_folds"]) == {3}


def test_mase_is_scaled_by_each_series_own_training_window(result, panel):
    key = result.series[7][0]
    series = panel.loc[key].iloc[:, 0].to_numpy()
    cutoff = 19  # iloc of the first fold's last training value
    scale = np.abs(series[SP : cutoff + 1] - series[: cutoff + 1 - SP]).mean()
    forecast = series[cutoff + 1 - SP : cutoff + 1 - SP + 3]  # seasonal naive
    errors = np.abs(series[cutoff + 1 : cutoff + 4] - forecast) / scale
    rows = result.by_fold.query(
        "forecaster == 'seasonal' and metric == 'MASE' and fold == 0 and h0 == @key"
    )
    np.testing.assert_allclose(rows["value"], errors, rtol=1e-12)


def test_hierarchy_gives_a_table_per_level(cv):
    hierarchy = make_panel((2, 3))
    result = evaluate_by_horizon(
        NaiveForecaster(sp=SP), hierarchy, cv, scoring=SCORING, sp=SP
    )
    assert result.levels == ["h0", "h1"] and len(result.series) == 6
    node = result.by_level.query("level == 'h0' and h0 == 'h0_1'")
    assert set(node["h1"]) == {"__total"} and set(node["n_series"]) == {3}
    branch = hierarchy.loc["h0_1"]  # the three series under the node h0_1
    alone = evaluate_by_horizon(
        NaiveForecaster(sp=SP), branch, cv, scoring=SCORING, sp=SP
    )
    np.testing.assert_allclose(node["value"], alone.by_horizon["value"], rtol=1e-12)


def test_global_network_is_scored_per_series(panel, cv):
    small = panel.loc[list(panel.index.levels[0][:3])]
    network = LSTMForecaster(window_length=8, **TINY)
    result = evaluate_by_horizon({"lstm": network}, small, cv, scoring=SCORING)
    assert len(result.raw["lstm"]) == 3  # one global fit per fold
    assert result.by_series.groupby("h0").size().tolist() == [9, 9, 9]
    assert np.isfinite(result.by_horizon["value"]).all()


def test_panel_report_and_plot(result, tmp_path):
    written = {path.name for path in write_report(result, tmp_path)}
    assert {"by_series.csv", "forecasts_by_fold.png"} <= written
    assert "by_level.csv" not in written  # a flat panel has no upper levels
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["levels"] == ["h0"] and summary["n_series"] == 20
    key = result.series[3][0]
    axes = plot_forecasts_by_fold(result, series=key, forecasters=["seasonal"])
    actual, forecast = axes[0].get_lines()[:2]
    rows = result.forecasts.query(
        "forecaster == 'seasonal' and fold == 0 and h0 == @key"
    )
    np.testing.assert_allclose(forecast.get_ydata(), rows["y_pred"])
    assert axes[0].get_title().startswith(f"{key}: fold 0")
    with pytest.raises(ValueError, match="series must be one of"):
        plot_forecasts_by_fold(result, series="no such series")


def test_panels_of_unequal_series_are_refused(panel, cv):
    ragged = panel.drop(panel.index[:2])
    with pytest.raises(ValueError, match="must be equally long"):
        evaluate_by_horizon(NaiveForecaster(), ragged, cv)


# ------------------------------------------------------------ failed folds
@pytest.fixture(scope="module")
def failing():
    """An LSTM whose window does not fit the first two training windows."""
    y = load_airline()
    cv = ExpandingWindowSplitter(fh=FH, initial_window=30, step_length=12)
    network = LSTMForecaster(window_length=40, base=None, **TINY)  # plain: no padding
    with pytest.warns(RuntimeWarning, match="LSTMForecaster failed"):  # per fold
        result = evaluate_by_horizon(
            {"lstm": network, "naive": NaiveForecaster()},
            y,
            cv,
            scoring=SCORING,
            error_score=np.nan,
        )
    return result, y, cv


def test_failed_folds_give_nan_rows_and_the_rest_is_scored(failing):
    result, y, cv = failing
    lstm = result.by_fold.query("forecaster == 'lstm'")
    failed = lstm.groupby("fold")["value"].apply(lambda v: v.isna().all())
    assert failed.tolist()[:2] == [True, True] and not failed.iloc[2:].any()
    assert len(lstm) == cv.get_n_splits(y) * len(FH) * len(SCORING)
    # the fold's times are kept: cutoff and horizon of a failed fold are known
    first = lstm.query("fold == 0")
    assert str(first["cutoff"].iloc[0]) == "1951-06"
    assert first["horizon"].unique().tolist() == FH
    assert (
        result.forecasts.query("forecaster == 'lstm' and fold < 2")["y_pred"]
        .isna()
        .all()
    )
    # per horizon: the mean over the folds that were scored
    scored = lstm[lstm["fold"] >= 2]
    mae = scored.query("metric == 'MAE'").groupby("horizon")["value"].mean()
    np.testing.assert_allclose(result.table("MAE")[("MAE", "lstm")], mae)
    assert set(result.by_horizon.query("forecaster == 'lstm'")["n_folds"]) == {
        cv.get_n_splits(y) - 2
    }
    assert result.overall.loc["lstm", "n_folds"] == cv.get_n_splits(y) - 2
    assert result.overall.loc["naive", "n_folds"] == cv.get_n_splits(y)
    folds = result.folds.query("forecaster == 'lstm'")
    assert folds["MAE"].isna().tolist()[:3] == [True, True, False]


def test_error_score_must_be_raise_or_a_number(panel, cv):
    with pytest.raises(ValueError, match="error_score must be"):
        evaluate_by_horizon(NaiveForecaster(), panel, cv, error_score="ignore")


def test_concat_keeps_results_and_names_failures(result):
    joined = HorizonEvaluation.concat([result], {"ets": "ValueError: short"})
    assert joined.forecasters == ["seasonal", "drift", "ets"]
    assert joined.failures == {"ets": "ValueError: short"}
    assert joined.overall.loc["ets"].drop("error").isna().all()
    pd.testing.assert_frame_equal(joined.by_series, result.by_series)


def test_scoring_a_fold_at_once_equals_sktimes_metrics_series_by_series():
    # the fast path lays every series of a fold end to end (pointwise metrics,
    # MASE with each series' own scale): it must agree with sktime's metrics
    # called series by series, as the slow path does
    from sktime.performance_metrics.forecasting import (
        MeanAbsoluteError,
        MeanAbsolutePercentageError,
        MeanAbsoluteScaledError,
        MeanSquaredError,
    )

    from sktime_rnn.evaluation._metrics import _fold_values, _pointwise

    rng = np.random.default_rng(1)
    fold = []
    for n_train in (12, 15, 20):
        train = pd.DataFrame({"y": rng.uniform(1, 10, n_train)})
        test = pd.DataFrame({"y": rng.uniform(1, 10, 3)})
        pred = test + rng.normal(0, 1, test.shape)
        fold.append(({}, train, test, {"pred": pred}))
    metrics = [
        MeanAbsoluteError(),
        MeanSquaredError(),
        MeanAbsolutePercentageError(symmetric=True),
        MeanAbsolutePercentageError(symmetric=False),
        MeanAbsoluteScaledError(sp=4),
    ]
    for metric in metrics:
        expected = np.concatenate(
            [_pointwise(metric, test, p["pred"], train) for _, train, test, p in fold]
        )
        np.testing.assert_allclose(_fold_values(metric, fold), expected, rtol=1e-12)
