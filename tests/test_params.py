"""Hyper-parameters: NumPy scalars work, bounds and devices are refused up front."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sktime.forecasting.model_selection import ForecastingGridSearchCV
from sktime.split import ExpandingWindowSplitter

from sktime_rnn import GRUForecaster, LSTMForecaster
from sktime_rnn.exceptions import InvalidDataError, InvalidParameterError
from sktime_rnn.training.runtime import available_devices

pytestmark = pytest.mark.usefixtures("quiet")

TINY = {"window_length": 4, "hidden_size": 3, "max_epochs": 1, "random_state": 0}


def _y(n=40):
    return pd.Series(np.sin(np.arange(n) / 3) + 5, name="y")


@pytest.mark.parametrize(
    "params",
    [
        {"hidden_size": np.int64(3), "window_length": np.uint8(4)},
        {"lr": np.float32(0.01), "dropout": np.float64(0.0), "num_layers": np.int16(1)},
        {"strategy": np.str_("recursive"), "loss": np.str_("normal")},
        {"bidirectional": np.bool_(True), "stateful": np.bool_(False)},
        {"random_state": np.int64(0), "num_threads": np.int32(1)},
    ],
)
def test_numpy_scalars_act_as_the_python_values_they_hold(params):
    plain = {k: v.item() for k, v in params.items()}
    with_numpy = LSTMForecaster(**{**TINY, **params}).fit(_y(), fh=[1, 2])
    with_python = LSTMForecaster(**{**TINY, **plain}).fit(_y(), fh=[1, 2])
    pd.testing.assert_series_equal(with_numpy.predict(), with_python.predict())


def test_a_grid_of_numpy_values_tunes_without_errors():
    grid = ForecastingGridSearchCV(
        GRUForecaster(**TINY),
        cv=ExpandingWindowSplitter(fh=[1], initial_window=30, step_length=5),
        param_grid={"hidden_size": np.arange(2, 4), "lr": np.linspace(0.01, 0.02, 2)},
        error_score="raise",
    )
    grid.fit(_y(), fh=[1])
    assert grid.best_params_["hidden_size"] in (2, 3)


@pytest.mark.parametrize(
    "name, value",
    [
        ("num_threads", 10**6),
        ("num_layers", 10**7),
        ("n_models", 10**7),
        ("hidden_size", 10**5),
        ("forget_bias", 1e39),
        ("max_epochs", 10**9),
        ("lr", 1e6),
        ("n_samples", 10**9),
        ("random_state", True),
        ("random_state", -1),
        ("verbose", 3),
        ("validation_size", 1.5),
        ("patience", 0),
        ("lr_schedule", "linear"),
        ("weight_decay", -0.1),
        ("callbacks", ["not callable"]),
    ],
)
def test_out_of_range_values_are_refused_before_training(name, value):
    with pytest.raises(InvalidParameterError, match=f"{name} must be"):
        LSTMForecaster(**{**TINY, name: value}).fit(_y(), fh=[1])


def test_a_network_too_large_for_memory_is_refused_naming_its_size():
    big = {"hidden_size": 4096, "num_layers": 32, "n_models": 10}
    with pytest.raises(InvalidParameterError, match="parameters .* hidden_size"):
        LSTMForecaster(**{**TINY, **big}).fit(_y(), fh=[1])


@pytest.mark.parametrize("device", ["tpu9", "CPU", "", "mps", "xla", "meta", "cpu:1"])
def test_a_device_this_machine_lacks_is_refused_naming_the_available_ones(device):
    if device in available_devices():
        pytest.skip(f"this machine has {device}")
    with pytest.raises(InvalidParameterError) as caught:
        LSTMForecaster(**TINY, device=device).fit(_y(), fh=[1])
    message = str(caught.value)
    assert "device must be 'auto' or one of" in message and "'cpu'" in message
    assert repr(device) in message


def test_every_broken_rule_is_listed_at_once():
    with pytest.raises(InvalidParameterError) as caught:
        LSTMForecaster(hidden_size=0, dropout=2.0, device="tpu9").fit(_y(), fh=[1])
    message = str(caught.value)
    assert "hidden_size" in message and "dropout" in message and "device" in message


def test_parameters_are_left_as_given_and_clone_keeps_them():
    forecaster = LSTMForecaster(**{**TINY, "hidden_size": np.int64(3)})
    forecaster.fit(_y(), fh=[1])
    assert type(forecaster.hidden_size) is np.int64
    assert type(clone(forecaster).hidden_size) is np.int64


# ------------------------------------------------------------------ data
def test_boolean_y_is_refused():
    with pytest.raises(InvalidDataError, match="dtype bool .* must hold numbers"):
        LSTMForecaster(**TINY).fit(pd.Series([True, False] * 20), fh=[1])


def test_a_text_column_in_X_is_refused_naming_it():
    X = pd.DataFrame({"price": np.arange(40.0), "shop": ["a", "b"] * 20})
    with pytest.raises(
        InvalidDataError, match=f"X column 'shop' has dtype {X['shop'].dtype} "
    ):
        LSTMForecaster(**TINY).fit(_y(), X=X, fh=[1])


def test_boolean_columns_in_X_are_indicators():
    X = pd.DataFrame({"holiday": np.arange(42) % 7 == 0})
    forecaster = LSTMForecaster(**TINY).fit(_y(), X=X[:40], fh=[1, 2])
    assert np.isfinite(forecaster.predict(X=X[40:]).to_numpy()).all()


def test_nan_in_rows_of_X_that_predict_does_not_read_is_accepted():
    X = pd.DataFrame({"a": np.cos(np.arange(50.0))})
    forecaster = LSTMForecaster(**TINY).fit(_y(), X=X[:40], fh=[1, 2])
    future = X.copy()
    future.iloc[:40] = np.nan  # the past, and
    future.iloc[45:] = np.nan  # steps beyond the horizon
    expected = forecaster.predict(X=X[40:42])
    pd.testing.assert_series_equal(forecaster.predict(X=future), expected)
    future.iloc[41] = np.nan  # a row it reads
    with pytest.raises(ValueError, match="missing"):
        forecaster.predict(X=future)


def test_huge_values_give_finite_forecasts():
    y = _y() * 1e200  # the sum of squares would overflow
    forecast = LSTMForecaster(**TINY).fit(y, fh=[1, 2]).predict()
    assert np.isfinite(forecast.to_numpy()).all()
    assert np.abs(forecast.to_numpy()).max() > 1e199


def test_a_diverging_optimiser_is_reported():
    y = pd.Series(50 + 10 * np.sin(np.arange(200) / 3))  # data in [40, 60]
    with pytest.warns(match="the optimiser diverged"):
        LSTMForecaster(**{**TINY, "max_epochs": 8, "lr": 1000.0}).fit(y, fh=[1])
    with warnings.catch_warnings():  # a sound fit says nothing of the kind
        warnings.simplefilter("error", category=UserWarning)
        LSTMForecaster(**{**TINY, "max_epochs": 8}).fit(y, fh=[1])


def test_torch_threads_do_not_leak_from_a_fit():
    before = torch.get_num_threads()
    LSTMForecaster(**TINY, num_threads=2).fit(_y(), fh=[1])
    assert torch.get_num_threads() == before
