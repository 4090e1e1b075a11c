"""Multi-step strategies and probabilistic forecasts."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from sktime.datasets import load_airline
from sktime.forecasting.base import ForecastingHorizon

from sktime_rnn import GRUForecaster, LSTMForecaster

STRATEGIES = ["direct", "recursive", "seq2seq"]
TINY = {
    "window_length": 12,
    "hidden_size": 8,
    "max_epochs": 3,
    "random_state": 0,
    "base": None,  # strategies and likelihoods of the plain network
}


@pytest.fixture(scope="module")
def airline():
    return load_airline()


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize(
    "fh",
    [[1, 2, 3], [1, 3, 12], [12, 3, 1], "absolute"],
    ids=["contiguous", "non-contiguous", "out-of-order", "absolute"],
)
def test_forecast_index_for_every_strategy_and_fh(strategy, fh, airline):
    y_train = airline[:-12]
    if fh == "absolute":
        fh = ForecastingHorizon(airline.index[[-12, -7, -1]], is_relative=False)
        expected = airline.index[[-12, -7, -1]]
    else:
        expected = y_train.index[-1:].shift(0)[0] + np.sort(fh)
        expected = pd.PeriodIndex(list(expected))
    forecaster = LSTMForecaster(strategy=strategy, **TINY).fit(y_train, fh=fh)
    forecast = forecaster.predict()
    assert list(forecast.index) == list(expected)
    assert np.isfinite(forecast).all()


def test_recursive_needs_no_fh_in_fit_and_forecasts_beyond_any_seen(airline):
    forecaster = LSTMForecaster(strategy="recursive", **TINY)
    assert not forecaster.get_tag("requires-fh-in-fit")
    assert LSTMForecaster(strategy="direct").get_tag("requires-fh-in-fit")
    forecaster.fit(airline[:-24])
    forecast = forecaster.predict(fh=np.arange(1, 25))
    pd.testing.assert_index_equal(forecast.index, airline.index[-24:])
    # a longer horizon continues the same path
    longer = forecaster.predict(fh=np.arange(1, 37))
    np.testing.assert_allclose(longer.iloc[:24].to_numpy(), forecast.to_numpy())


def test_seq2seq_decoder_uses_future_exogenous_values():
    rng = np.random.default_rng(0)
    index = pd.RangeIndex(400)
    X = pd.DataFrame({"driver": rng.normal(size=400)}, index=index)
    y = pd.Series(2.0 * X["driver"].to_numpy(), index=index)
    forecaster = LSTMForecaster(
        strategy="seq2seq",
        window_length=6,
        window_norm=None,
        hidden_size=16,
        max_epochs=40,
        lr=0.01,
        random_state=0,
    ).fit(y[:-3], X=X[:-3], fh=[1, 2, 3])
    forecast = forecaster.predict(X=X[-3:])
    np.testing.assert_allclose(forecast.to_numpy(), y[-3:].to_numpy(), atol=0.6)


def test_scheduled_sampling_needs_fh_and_changes_training(airline):
    with pytest.raises(ValueError, match="scheduled_sampling > 0 needs fh in fit"):
        LSTMForecaster(strategy="recursive", scheduled_sampling=0.5, **TINY).fit(
            airline
        )
    with pytest.raises(ValueError, match="scheduled_sampling applies to strategy"):
        LSTMForecaster(scheduled_sampling=0.5, **TINY).fit(airline, fh=[1])
    forecasts = {}
    for prob in [0.0, 1.0]:
        forecaster = LSTMForecaster(
            strategy="recursive", scheduled_sampling=prob, **TINY
        ).fit(airline, fh=[1, 2, 3])
        forecasts[prob] = forecaster.predict()
    # teacher forcing trains one step per window, sampling rolls out all three
    assert not np.allclose(forecasts[0.0], forecasts[1.0])


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_quantiles_never_cross_and_intervals_nest(strategy, airline):
    forecaster = GRUForecaster(strategy=strategy, loss="quantile", **TINY)
    forecaster.fit(airline, fh=[1, 2, 6])
    alphas = [0.01, 0.05, 0.2, 0.5, 0.8, 0.95, 0.99]
    quantiles = forecaster.predict_quantiles(alpha=alphas).to_numpy()
    assert np.all(np.diff(quantiles, axis=1) >= 0)
    intervals = forecaster.predict_interval(coverage=[0.5, 0.9]).to_numpy()
    lower50, upper50, lower90, upper90 = intervals.T
    assert np.all(lower90 <= lower50) and np.all(upper50 <= upper90)


def test_normal_likelihood_quantiles_variance_and_distribution_agree(airline):
    forecaster = LSTMForecaster(loss="normal", **TINY).fit(airline, fh=[1, 2])
    mean = forecaster.predict().to_numpy()
    std = np.sqrt(forecaster.predict_var().to_numpy()[:, 0])
    quantiles = forecaster.predict_quantiles(alpha=[0.1, 0.9]).to_numpy()
    np.testing.assert_allclose(quantiles[:, 0], mean + norm.ppf(0.1) * std, rtol=1e-5)
    np.testing.assert_allclose(quantiles[:, 1], mean + norm.ppf(0.9) * std, rtol=1e-5)
    distribution = forecaster.predict_proba()
    assert type(distribution).__name__ == "Normal"
    np.testing.assert_allclose(distribution.mean().to_numpy()[:, 0], mean, rtol=1e-6)


def test_recursive_sample_paths_are_seeded(airline):
    params = {**TINY, "strategy": "recursive", "loss": "normal", "n_samples": 50}
    forecaster = LSTMForecaster(**params).fit(airline)
    first = forecaster.predict_interval(fh=[1, 2, 3])
    pd.testing.assert_frame_equal(first, forecaster.predict_interval(fh=[1, 2, 3]))
    other = LSTMForecaster(**{**params, "random_state": 1}).fit(airline)
    assert not np.allclose(first, other.predict_interval(fh=[1, 2, 3]))
    distribution = forecaster.predict_proba(fh=[1, 2, 3])
    assert type(distribution).__name__ == "Empirical"
    # uncertainty grows along the sample paths
    variance = forecaster.predict_var(fh=[1, 2, 3]).to_numpy()[:, 0]
    assert variance[2] > variance[0]


def _ar1(n=2000, phi=0.7, seed=0):
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=n)
    values = np.zeros(n)
    for t in range(1, n):
        values[t] = phi * values[t - 1] + noise[t]
    return pd.Series(values), phi


def _rolling_one_step(forecaster, y, start):
    """Forecast y[t] from y[:t] for every t >= start, without refitting."""
    points, intervals = [], []
    for t in range(start, len(y)):
        if t > start:
            forecaster.update(y[t - 1 : t], update_params=False)
        points.append(forecaster.predict(fh=[1]).iloc[0])
        if forecaster.get_tag("capability:pred_int"):
            row = forecaster.predict_interval(fh=[1], coverage=[0.8, 0.95])
            intervals.append(row.iloc[0].to_numpy())
    return np.array(points), np.array(intervals)


AR_PARAMS = {
    "base": None,
    "early_stopping": False,  # the intervals of a fixed 20-epoch fit
    "validation_size": None,
    "window_length": 10,
    "window_norm": None,  # a stationary series: no per-window rescaling
    "hidden_size": 16,
    "max_epochs": 20,
    "batch_size": 64,
    "lr": 0.005,
    "random_state": 0,
}


@pytest.mark.parametrize("loss", ["normal", "quantile"])
def test_ar1_interval_coverage_matches_the_true_models(loss):
    # 500 rolling steps; the reference is what the true AR(1) intervals cover
    # on the same steps (sampling noise alone moves 80% coverage by +-2 points)
    y, phi = _ar1(n=2300)
    forecaster = LSTMForecaster(loss=loss, **AR_PARAMS).fit(y[:1800], fh=[1])
    _, intervals = _rolling_one_step(forecaster, y, 1800)
    truth = y[1800:].to_numpy()
    errors = np.abs(truth - phi * y[1799:-1].to_numpy())
    for level, (low, high), z in ((0.8, (0, 1), 1.2816), (0.95, (2, 3), 1.96)):
        coverage = np.mean((truth >= intervals[:, low]) & (truth <= intervals[:, high]))
        oracle = np.mean(errors <= z)
        assert abs(oracle - level) <= 0.03  # the window itself is typical
        assert abs(coverage - oracle) <= 0.03, (level, coverage, oracle)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_ar1_one_step_mse_within_10_percent_of_the_oracle(strategy):
    y, phi = _ar1()
    forecaster = LSTMForecaster(strategy=strategy, **AR_PARAMS).fit(y[:1800], fh=[1])
    points, _ = _rolling_one_step(forecaster, y, 1800)
    truth = y[1800:].to_numpy()
    oracle = np.mean((truth - phi * y[1799:-1].to_numpy()) ** 2)
    assert np.mean((truth - points) ** 2) <= 1.10 * oracle
