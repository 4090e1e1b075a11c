"""What a fitted forecaster can be asked: horizons, intervals, parameters that act."""

import copy

import numpy as np
import pandas as pd
import pytest
from sktime.forecasting.compose import TransformedTargetForecaster
from sktime.transformations.series.exponent import ExponentTransformer

import sktime_rnn
from sktime_rnn import GRUForecaster, LSTMForecaster, RecurrentForecaster
from sktime_rnn.exceptions import InvalidParameterError, PersistenceError

pytestmark = pytest.mark.usefixtures("quiet")

TINY = {
    "window_length": 4,
    "hidden_size": 3,
    "max_epochs": 2,
    "random_state": 0,
    "base": None,  # the plain network (tests/test_hybrid.py: the hybrid)
}


def _y(n=40):
    index = pd.period_range("2000-01", periods=n, freq="M")
    return pd.Series(np.sin(np.arange(n) / 3) + 5, index=index)


@pytest.mark.parametrize("strategy", ["direct", "seq2seq"])
def test_any_subset_of_the_fitted_steps_can_be_forecast(strategy):
    forecaster = LSTMForecaster(**TINY, strategy=strategy).fit(_y(), fh=[1, 2, 3])
    full = forecaster.predict()
    for subset in ([2], [1, 3], [3, 2]):
        part = forecaster.predict(fh=subset)
        expected = full.iloc[sorted(step - 1 for step in subset)]
        pd.testing.assert_series_equal(part, expected)
    assert list(forecaster.fh) == [1, 2, 3]  # fit's horizon is kept


def test_steps_outside_the_fitted_horizon_are_refused_saying_what_is_possible():
    forecaster = LSTMForecaster(**TINY).fit(_y(), fh=[1, 2, 3])
    with pytest.raises(ValueError, match=r"steps \[5\] .* steps \[1, 2, 3\]"):
        forecaster.predict(fh=[1, 5])


@pytest.mark.parametrize(
    "changes", [{}, {"strategy": "seq2seq"}, {"n_models": 2}, {"base": "auto"}]
)
def test_an_in_sample_forecast_is_the_forecast_made_from_its_origin(changes):
    # the forecast of the last kept point equals what predict said one step
    # earlier, with the same network (update without training moves the data)
    y = _y(40)
    params = {**TINY, **changes}
    before = LSTMForecaster(**params).fit(y.iloc[:-1], fh=[1, 2, 3])
    after = copy.deepcopy(before).update(y.iloc[-1:], update_params=False)
    in_sample = after.predict(fh=[0, 1])
    assert np.isclose(in_sample.iloc[0], before.predict(fh=[1]).iloc[0])
    assert np.isclose(in_sample.iloc[1], after.predict(fh=[1]).iloc[0])


@pytest.mark.parametrize("base", [None, "auto"])
def test_predict_residuals_without_y_scores_the_kept_data(base):
    y = _y(40)
    forecaster = LSTMForecaster(**{**TINY, "base": base}).fit(y, fh=[1, 2, 3])
    residuals = forecaster.predict_residuals()
    # the plain network keeps its window plus the largest step less one: its
    # last 2 points are forecastable; the hybrid keeps the whole series and
    # forecasts every point after its first 3 (the shortest history)
    expected_length = 2 if base is None else len(y) - 3
    assert residuals.index.equals(y.index[-expected_length:])
    steps = list(range(1 - expected_length, 1))
    expected = y.iloc[-expected_length:] - forecaster.predict(fh=steps)
    pd.testing.assert_series_equal(residuals, expected)


def test_predict_residuals_of_a_panel_are_per_series():
    index = pd.MultiIndex.from_product(
        [["b", "a"], pd.period_range("2000-01", periods=30, freq="M")]
    )
    y = pd.DataFrame({"v": np.tile(np.sin(np.arange(30) / 3) + 5, 2)}, index=index)
    y.loc["b", "v"] = y.loc["b", "v"].to_numpy() * 2
    forecaster = LSTMForecaster(**{**TINY, "base": "auto"}).fit(y, fh=[1, 2])
    residuals = forecaster.predict_residuals()
    assert residuals.notna().all().all()
    for key in ("a", "b"):
        assert residuals.loc[key].index.equals(y.loc[key].index[3:])
    assert not np.allclose(residuals.loc["a"], residuals.loc["b"])
    in_sample = forecaster.predict(fh=list(range(-26, 1)))  # 30 points less 3
    pd.testing.assert_frame_equal(residuals, y.loc[residuals.index] - in_sample)
    # in-sample and future steps together: the series in their fitted order
    both = forecaster.predict(fh=[0, 1])
    assert both.index.get_level_values(0).tolist() == ["b", "b", "a", "a"]


def test_in_sample_steps_beyond_the_kept_data_are_nan_as_in_sktime():
    forecaster = LSTMForecaster(**TINY).fit(_y(), fh=[1, 2])
    assert forecaster.get_tag("capability:insample")
    forecast = forecaster.predict(fh=[-3, 0, 1])  # the data allow step 0 only
    assert np.isnan(forecast.iloc[0]) and np.isfinite(forecast.iloc[1:]).all()
    assert forecast.iloc[2] == forecaster.predict(fh=[1]).iloc[0]
    normal = LSTMForecaster(**TINY, loss="normal").fit(_y(), fh=[1, 2])
    with pytest.raises(NotImplementedError, match="in-sample prediction of interv"):
        normal.predict_quantiles(fh=[0])


@pytest.mark.parametrize("changes", [{}, {"strategy": "recursive"}])
def test_predict_residuals_without_y_says_when_nothing_kept_can_be_scored(changes):
    # the plain network keeps its window plus the largest step less one: with
    # fh=[1] (or recursive, trained one step ahead) no in-sample point
    forecaster = LSTMForecaster(**TINY, **changes).fit(_y(), fh=[1])
    with pytest.raises(ValueError, match="keeps too little data.*pass y"):
        forecaster.predict_residuals()
    assert forecaster.predict(fh=[0]).isna().all()


@pytest.mark.parametrize(
    "cls, params",
    [
        (GRUForecaster, {"forget_bias": 3.0}),
        (LSTMForecaster, {"cell": "lstm_no_forget", "forget_bias": 0.0}),
        (RecurrentForecaster, {"cell": "rnn_tanh", "forget_bias": 2.0}),
    ],
)
def test_forget_bias_on_a_cell_without_forget_gate_is_refused(cls, params):
    with pytest.raises(InvalidParameterError, match="forget_bias applies to cells"):
        cls(**{**TINY, **params}).fit(_y(), fh=[1])


def test_forget_bias_changes_the_lstm():
    forecasts = {
        bias: LSTMForecaster(**TINY, forget_bias=bias).fit(_y(), fh=[1]).predict()
        for bias in (0.0, 3.0)
    }
    assert not forecasts[0.0].equals(forecasts[3.0])


def test_every_forecaster_is_found_by_the_interval_capability_tag():
    found = sktime_rnn.all_estimators(
        filter_tags={"capability:pred_int": True}, return_names=True
    )
    names = {name for name, _ in found}
    assert {"LSTMForecaster", "GRUForecaster", "RNNForecaster"} <= names
    assert LSTMForecaster(loss="normal").get_tag("capability:pred_int")
    assert not LSTMForecaster(loss="mse").get_tag("capability:pred_int")
    calibrated = LSTMForecaster(validation_size=4, interval_calibration="conformal")
    assert calibrated.get_tag("capability:pred_int")


def test_saving_a_pipeline_is_refused_with_what_to_do(tmp_path):
    pipeline = TransformedTargetForecaster(
        [("log", ExponentTransformer(power=0.5)), ("lstm", LSTMForecaster(**TINY))]
    ).fit(_y(), fh=[1])
    with pytest.raises(PersistenceError, match="TransformedTargetForecaster.*save()"):
        sktime_rnn.save(pipeline, tmp_path / "pipeline.safetensors")
