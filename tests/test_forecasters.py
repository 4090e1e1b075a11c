"""Behaviour users rely on: sklearn API, pipelines, tuning, seeds, X, update."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sktime.datasets import load_airline
from sktime.forecasting.base import ForecastingHorizon
from sktime.forecasting.compose import (
    ForecastingPipeline,
    TransformedTargetForecaster,
)
from sktime.forecasting.model_selection import ForecastingGridSearchCV
from sktime.split import ExpandingWindowSplitter
from sktime.transformations.series.boxcox import LogTransformer
from sktime.transformations.series.detrend import Deseasonalizer
from sktime.transformations.series.func_transform import FunctionTransformer

from sktime_rnn import GRUForecaster, LSTMForecaster, RecurrentForecaster, RNNForecaster
from sktime_rnn.training.diagnostics import GradientWarning

FORECASTERS = [LSTMForecaster, GRUForecaster, RNNForecaster, RecurrentForecaster]
TINY = {
    "window_length": 12,
    "hidden_size": 8,
    "max_epochs": 3,
    "random_state": 0,
    "base": None,  # the plain network: these tests are about it
}


@pytest.fixture(scope="module")
def y():
    return load_airline()


@pytest.mark.parametrize("cls", FORECASTERS)
def test_clone_and_params_round_trip(cls):
    forecaster = cls(**TINY, truncation_length=4, clip_grad_norm=0.5)
    twin = clone(forecaster)
    assert twin is not forecaster
    assert twin.get_params() == forecaster.get_params()
    twin.set_params(hidden_size=5, clip_grad_value=0.1)
    assert twin.get_params()["hidden_size"] == 5
    assert twin.get_params()["clip_grad_value"] == 0.1
    assert forecaster.get_params()["hidden_size"] == 8


@pytest.mark.parametrize("cls", FORECASTERS)
def test_inside_transformed_target_forecaster(cls, y):
    pipe = TransformedTargetForecaster(
        [("deseasonalize", Deseasonalizer(sp=12)), ("rnn", cls(**TINY))]
    )
    pipe.fit(y[:-12], fh=np.arange(1, 13))
    forecast = pipe.predict()
    pd.testing.assert_index_equal(forecast.index, y.index[-12:])
    # the network forecasts the deseasonalised series, and the forecast is
    # reseasonalised: the same as doing both steps by hand
    deseasonalizer = Deseasonalizer(sp=12).fit(y[:-12])
    inner = cls(**TINY).fit(deseasonalizer.transform(y[:-12]), fh=np.arange(1, 13))
    expected = deseasonalizer.inverse_transform(inner.predict())
    pd.testing.assert_series_equal(forecast, expected, rtol=1e-6)


@pytest.mark.parametrize("cls", FORECASTERS)
def test_grid_search_with_expanding_window(cls, y):
    cv = ExpandingWindowSplitter(fh=[1, 2, 3], initial_window=100, step_length=12)
    search = ForecastingGridSearchCV(
        cls(**TINY),
        cv=cv,
        param_grid={"hidden_size": [4, 8], "truncation_length": [None, 6]},
    )
    search.fit(y, fh=[1, 2, 3])
    assert set(search.best_params_) == {"hidden_size", "truncation_length"}
    assert len(search.cv_results_) == 4
    # the best parameters are refitted on all of y and forecast with
    best = cls(**{**TINY, **search.best_params_}).fit(y, fh=[1, 2, 3])
    pd.testing.assert_series_equal(search.predict(), best.predict())


@pytest.mark.parametrize("cls", FORECASTERS)
def test_same_seed_same_forecast_other_seed_other_forecast(cls, y):
    fh = [1, 2, 3]
    first = cls(**TINY).fit(y, fh=fh).predict()
    second = cls(**TINY).fit(y, fh=fh).predict()
    pd.testing.assert_series_equal(first, second, check_exact=True)
    other = cls(**{**TINY, "random_state": 1}).fit(y, fh=fh).predict()
    assert not np.allclose(first, other)


def test_seeding_leaves_the_callers_torch_rng_alone(y):
    import torch

    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    LSTMForecaster(**TINY).fit(y, fh=[1])
    assert torch.equal(torch.rand(3), expected)


def test_forecast_index_for_absolute_and_non_contiguous_fh(y):
    y_train = y[:-12]
    fh = ForecastingHorizon(y.index[[-12, -10, -1]], is_relative=False)
    forecast = LSTMForecaster(**TINY).fit(y_train, fh=fh).predict()
    pd.testing.assert_index_equal(forecast.index, y.index[[-12, -10, -1]])
    assert forecast.name == y.name


def test_multivariate_y_forecasts_every_column():
    rng = np.random.default_rng(0)
    index = pd.period_range("2000-01", periods=80, freq="M")
    y = pd.DataFrame(
        rng.normal(size=(80, 2)).cumsum(0), index=index, columns=["a", "b"]
    )
    forecast = GRUForecaster(**TINY).fit(y, fh=[1, 2]).predict()
    assert list(forecast.columns) == ["a", "b"]
    pd.testing.assert_index_equal(
        forecast.index, index[-1:].shift(1).append(index[-1:].shift(2))
    )


def _exogenous_problem(n=300):
    """y at t is X at t: only the future X tells the next value."""
    rng = np.random.default_rng(1)
    index = pd.RangeIndex(n)
    X = pd.DataFrame({"driver": rng.normal(size=n)}, index=index)
    y = pd.Series(3.0 * X["driver"].to_numpy(), index=index, name="y")
    return y, X


def test_future_exogenous_values_are_used():
    y, X = _exogenous_problem()
    # y does not depend on its own past, so per-window normalisation of y is off
    forecaster = LSTMForecaster(
        window_length=5,
        window_norm=None,
        hidden_size=8,
        max_epochs=60,
        lr=0.01,
        loss="mse",
        batch_size=32,
        early_stopping=False,
        random_state=0,
    )
    forecaster.fit(y[:-2], X=X[:-2], fh=[1, 2])
    forecast = forecaster.predict(X=X[-2:])
    # y is a function of the future X alone: the forecast must follow it
    np.testing.assert_allclose(forecast.to_numpy(), y[-2:].to_numpy(), atol=0.5)
    flipped = forecaster.predict(X=-X[-2:])
    np.testing.assert_allclose(flipped.to_numpy(), -y[-2:].to_numpy(), atol=0.5)


def test_predict_without_the_needed_X_says_what_is_missing():
    y, X = _exogenous_problem(60)
    forecaster = LSTMForecaster(**TINY).fit(y[:-3], X=X[:-3], fh=[1, 2, 3])
    with pytest.raises(ValueError, match="X was passed to fit, so predict needs X"):
        forecaster.predict()
    with pytest.raises(ValueError, match="X has no rows for 1 of the time points"):
        forecaster.predict(X=X[-3:-1])


def test_update_moves_the_context_window(y):
    forecaster = LSTMForecaster(**{**TINY, "update_epochs": 0}).fit(y[:-12], fh=[1, 2])
    before = forecaster.predict()
    params = [p.detach().clone() for p in forecaster.network_.parameters()]
    forecaster.update(y[-12:-6])
    after = forecaster.predict()
    pd.testing.assert_index_equal(after.index, y.index[-6:-4])
    assert not np.allclose(before.to_numpy(), after.to_numpy())
    # update_epochs=0: the network itself is untouched
    for old, new in zip(params, forecaster.network_.parameters(), strict=True):
        assert np.array_equal(old.numpy(), new.detach().numpy())
    # the forecast equals one made from scratch with the new context
    refit_context = LSTMForecaster(**{**TINY, "update_epochs": 0}).fit(
        y[:-12], fh=[1, 2]
    )
    refit_context.update(y[-12:-6], update_params=False)
    pd.testing.assert_series_equal(refit_context.predict(), after)


def test_update_with_update_params_fine_tunes(y):
    forecaster = LSTMForecaster(**{**TINY, "update_epochs": 2}).fit(y[:-12], fh=[1])
    params = [p.detach().clone() for p in forecaster.network_.parameters()]
    steps_before = len(forecaster.history_.grad_norms)
    forecaster.update(y[-12:-6], update_params=True)
    assert len(forecaster.history_.grad_norms) > steps_before
    changed = [
        not np.array_equal(old.numpy(), new.detach().numpy())
        for old, new in zip(params, forecaster.network_.parameters(), strict=True)
    ]
    assert any(changed)


def test_training_windows_are_views_of_the_series():
    import torch

    from sktime_rnn.training import SlidingWindows

    series = torch.randn(1000, 2)
    windows = SlidingWindows(series, window_length=48, steps=[1, 12], n_targets=1)
    assert (
        windows._windows.untyped_storage().data_ptr()
        == series.untyped_storage().data_ptr()
    )
    assert len(windows) == 1000 - 48 - 12 + 1


def _affine(X):
    return 2.0 * X + 1.0


def test_pipeline_transforms_X_and_inverts_the_target_transform():
    y, X = _exogenous_problem(120)
    y = y + 20.0  # positive, for the log
    pipe = ForecastingPipeline(
        [
            ("affine", FunctionTransformer(func=_affine)),
            (
                "forecaster",
                TransformedTargetForecaster(
                    [("log", LogTransformer()), ("rnn", GRUForecaster(**TINY))]
                ),
            ),
        ]
    )
    pipe.fit(y[:-3], X=X[:-3], fh=[1, 2, 3])
    forecast = pipe.predict(X=X[-3:])
    # the network sees log(y) and the transformed X; its forecast is exp'ed back
    inner = GRUForecaster(**TINY).fit(np.log(y[:-3]), X=_affine(X[:-3]), fh=[1, 2, 3])
    expected = np.exp(inner.predict(X=_affine(X[-3:])))
    pd.testing.assert_series_equal(forecast, expected, rtol=1e-6)
    assert not np.allclose(forecast, inner.predict(X=_affine(X[-3:])))


def test_constant_series_forecasts_the_constant():
    y = pd.Series(5.0, index=pd.RangeIndex(60))
    with warnings.catch_warnings():  # a loss of ~1e-6 is no divergence
        warnings.simplefilter("error", GradientWarning)
        forecast = LSTMForecaster(**TINY).fit(y, fh=[1, 2]).predict()
    np.testing.assert_allclose(forecast.to_numpy(), 5.0, atol=1e-3)


def test_seed_ensemble_averages_its_members(y):
    import torch

    ensemble = LSTMForecaster(**TINY, n_models=3).fit(y, fh=[1, 2])
    members = ensemble.network_.members
    assert len(members) == 3 and len(ensemble.fitted_state_.histories) == 3
    # members start from different seeds and end at different weights
    first = [p.detach().clone() for p in members[0].parameters()]
    assert not all(
        torch.equal(a, b) for a, b in zip(first, members[1].parameters(), strict=True)
    )
    past = torch.as_tensor(ensemble.fitted_state_.context[0][-12:]).unsqueeze(0)
    with torch.no_grad():
        mean = torch.stack([m(past)[..., 0] for m in members]).mean(dim=0)
    expected = ensemble.fitted_state_.scaling.y.inverse(mean.numpy())[0, :, 0]
    np.testing.assert_allclose(ensemble.predict().to_numpy(), expected, rtol=1e-5)


def test_normal_ensemble_variance_includes_the_members_disagreement(y):
    import torch

    ensemble = LSTMForecaster(**TINY, n_models=3, loss="normal").fit(y, fh=[1])
    past = torch.as_tensor(ensemble.fitted_state_.context[0][-12:]).unsqueeze(0)
    with torch.no_grad():
        params = torch.stack([m(past) for m in ensemble.network_.members])
    means, scales = params[..., 0], params[..., 1]
    mixture_var = (scales**2).mean(0) + means.var(0, unbiased=False)
    expected = (
        mixture_var.numpy() * ensemble.fitted_state_.scaling.y.std[:, None, :] ** 2
    )
    variance = ensemble.predict_var().to_numpy()
    np.testing.assert_allclose(variance.ravel(), expected.ravel(), rtol=1e-4)
