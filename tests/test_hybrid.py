"""The hybrid default: a statistical forecast with a learned recurrent correction.

What a user of the defaults relies on: on short positive series the forecast
starts from a sound statistical forecast (and stays there when the network
has nothing to learn), the season length comes from the time index, the
hybrid steps aside (or refuses, if asked for explicitly) where it cannot
apply, and a panel-trained hybrid transfers to one short series.
"""

import numpy as np
import pandas as pd
import pytest
from sktime.forecasting.base import ForecastingHorizon

from sktime_rnn import GRUForecaster, LSTMForecaster
from sktime_rnn.exceptions import InvalidDataError, InvalidParameterError
from sktime_rnn.forecasting._engine._statistical import statistical_forecasts

SMALL = {"hidden_size": 8, "max_epochs": 5, "random_state": 0}


def _monthly(n=60, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = (100 + t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12)) + rng.normal(0, 2, n)
    return pd.Series(values, index=pd.period_range("2000-01", periods=n, freq="M"))


def _panel(make=_monthly, **kwargs):
    series = {key: make(seed=key, **kwargs) for key in range(3)}
    return pd.concat(series, names=["series", "time"]).to_frame("y")


def _yearly(n, seed=0):
    rng = np.random.default_rng(seed)
    values = 50 * np.exp(np.cumsum(rng.normal(0.05, 0.05, n)))
    return pd.Series(values, index=pd.period_range("1990", periods=n, freq="Y"))


def test_the_defaults_fit_a_hybrid_on_positive_series():
    forecaster = LSTMForecaster(**SMALL).fit(_monthly(), fh=range(1, 7))
    state = forecaster.fitted_state_
    assert (state.base, state.sp) == ("theta+damped", 12)
    assert forecaster.predict().notna().all()


def test_an_untrained_correction_forecasts_the_statistical_part():
    # the correction's head starts at zero: without training (max_epochs=0
    # is refused, so a learning rate that changes nothing) the forecast is
    # the statistical forecast itself
    y = _monthly()
    forecaster = LSTMForecaster(**{**SMALL, "lr": 1e-12}).fit(y, fh=range(1, 7))
    expected = statistical_forecasts(y.to_numpy(), 6, 12, "theta+damped")
    np.testing.assert_allclose(
        forecaster.predict().to_numpy(), expected.forecasts[-1], rtol=1e-5
    )


def test_shrinkage_scales_the_correction_in_log_space():
    y = _monthly()
    base = statistical_forecasts(y.to_numpy(), 6, 12, "theta+damped").forecasts[-1]
    full = LSTMForecaster(**SMALL, shrinkage=1.0).fit(y, fh=range(1, 7)).predict()
    half = LSTMForecaster(**SMALL, shrinkage=0.5).fit(y, fh=range(1, 7)).predict()
    assert not np.allclose(full.to_numpy(), base)
    np.testing.assert_allclose(
        np.log(half.to_numpy() / base), 0.5 * np.log(full.to_numpy() / base), atol=1e-6
    )


def test_auto_shrinkage_halves_a_correction_learned_from_one_series():
    y = _monthly()
    auto = LSTMForecaster(**SMALL).fit(y, fh=[1, 2, 3])
    assert auto.fitted_state_.shrinkage == 0.5
    assert LSTMForecaster(**SMALL).fit(_panel(), fh=[1]).fitted_state_.shrinkage == 1.0


def test_auto_optimisation_stops_a_one_series_fit_early_and_trains_a_panel_fully():
    # one series: lr 0.01 and stop after 10 epochs without improvement; a
    # panel: lr 0.003 and the whole budget (the best epoch kept)
    params = {"hidden_size": 8, "max_epochs": 200, "max_steps": None}
    one = LSTMForecaster(**params, random_state=0).fit(_monthly(), fh=range(1, 7))
    history = one.history_
    assert set(history.lrs) == {0.01}
    assert history.stop_reason == "early_stopping"
    assert len(history.epoch_losses) == history.best_epoch + 10
    panel = LSTMForecaster(**{**params, "max_epochs": 30}, random_state=0)
    history = panel.fit(_panel(), fh=range(1, 7)).history_
    assert set(history.lrs) == {0.003}
    assert (history.stop_reason, len(history.epoch_losses)) == ("max_epochs", 30)
    explicit = LSTMForecaster(**{**params, "max_epochs": 30}, patience=None, lr=0.02)
    history = explicit.fit(_monthly(), fh=range(1, 7)).history_
    assert set(history.lrs) == {0.02}
    assert (history.stop_reason, len(history.epoch_losses)) == ("max_epochs", 30)


def test_a_nine_point_series_gets_a_finite_positive_forecast():
    # shorter than the window: the origins are padded and masked
    y = _yearly(9)
    prediction = LSTMForecaster(**SMALL).fit(y, fh=range(1, 7)).predict()
    assert len(prediction) == 6
    assert np.isfinite(prediction).all() and (prediction > 0).all()


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (pd.period_range("2000", periods=40, freq="Y"), 1),
        (pd.period_range("2000Q1", periods=40, freq="Q"), 4),
        (pd.period_range("2000-01", periods=40, freq="M"), 12),
        (pd.date_range("2000-01-01", periods=40, freq="D"), 7),
        (pd.date_range("2000-01-01", periods=40, freq="h"), 24),
        (pd.RangeIndex(40), 1),
    ],
    ids=["yearly", "quarterly", "monthly", "daily", "hourly", "integers"],
)
def test_sp_auto_reads_the_season_length_from_the_index(index, expected):
    y = pd.Series(np.linspace(10.0, 20.0, 40), index=index)
    forecaster = LSTMForecaster(hidden_size=4, max_epochs=1).fit(y, fh=[1])
    assert forecaster.fitted_state_.sp == expected


def test_an_explicit_sp_wins_over_the_index():
    forecaster = LSTMForecaster(hidden_size=4, max_epochs=1, sp=4)
    assert forecaster.fit(_monthly(), fh=[1]).fitted_state_.sp == 4


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda y: (y - 200, {}), "values at or below 0"),
        (lambda y: (y, {"strategy": "recursive"}), "strategy='recursive'"),
        (lambda y: (y, {"loss": "normal"}), "loss='normal'"),
    ],
    ids=["non-positive y", "recursive", "probabilistic loss"],
)
def test_base_auto_steps_aside_and_an_explicit_base_refuses(change, reason):
    y, params = change(_monthly())
    auto = LSTMForecaster(hidden_size=4, max_epochs=1, **params).fit(y, fh=[1, 2])
    assert auto.fitted_state_.base is None
    assert auto.predict().notna().all()
    explicit = LSTMForecaster(hidden_size=4, max_epochs=1, base="theta", **params)
    with pytest.raises(InvalidParameterError, match=f"base='theta'.*{reason}"):
        explicit.fit(y, fh=[1, 2])
    assert not explicit.is_fitted


def test_each_statistical_part_can_be_chosen():
    y = _monthly()
    forecasts = {
        base: LSTMForecaster(**SMALL, base=base).fit(y, fh=[1, 2, 3]).predict()
        for base in ("theta", "damped", "theta+damped")
    }
    assert not np.allclose(forecasts["theta"], forecasts["damped"])
    assert all(f.gt(0).all() for f in forecasts.values())


def test_a_panel_pretrained_hybrid_fits_one_short_series():
    forecaster = GRUForecaster(**SMALL).pretrain(_panel(_yearly, n=30), fh=range(1, 7))
    assert forecaster.pretrained_state_.base == "theta+damped"
    short = _yearly(12, seed=99)
    forecaster.fit(short, fh=range(1, 7))
    prediction = forecaster.predict()
    # a series the network never saw gets half its correction, as one series
    assert forecaster.fitted_state_.base == "theta+damped"
    assert forecaster.fitted_state_.shrinkage == 0.5
    assert prediction.index.equals(
        ForecastingHorizon(range(1, 7)).to_absolute_index(short.index[-1])
    )
    assert np.isfinite(prediction).all() and (prediction > 0).all()


def test_update_moves_the_statistical_part_to_the_new_end():
    y = _monthly(72)
    forecaster = LSTMForecaster(**SMALL, shrinkage=1.0).fit(y.iloc[:60], fh=[1, 2])
    forecaster.update(y.iloc[60:], update_params=False)
    expected = statistical_forecasts(y.to_numpy(), 2, 12, "theta+damped").forecasts[-1]
    prediction = forecaster.predict()
    assert prediction.index[0] == y.index[-1] + 1
    # the correction is the same network's: the forecast follows the new base
    # by at most the correction, never the old base's level
    assert np.all(np.abs(np.log(prediction.to_numpy() / expected)) < 0.5)


def test_conformal_intervals_of_a_hybrid_bracket_its_forecast():
    y = _monthly(72)
    forecaster = LSTMForecaster(
        **SMALL, interval_calibration="conformal", validation_size=12
    ).fit(y, fh=range(1, 4))
    point = forecaster.predict()
    interval = forecaster.predict_interval(coverage=0.8)
    lower, upper = interval.iloc[:, 0], interval.iloc[:, 1]
    assert (lower.to_numpy() <= point.to_numpy()).all()
    assert (point.to_numpy() <= upper.to_numpy()).all()
    assert (upper.to_numpy() > lower.to_numpy()).all()


def test_values_at_or_below_zero_are_refused_where_a_hybrid_was_fitted():
    forecaster = LSTMForecaster(**SMALL).fit(_monthly(), fh=[1, 2])
    before = forecaster.predict()
    new = pd.Series([5.0, -1.0], index=pd.period_range("2005-01", periods=2, freq="M"))
    with pytest.raises(InvalidDataError, match="1 value.*at or below 0.*base=None"):
        forecaster.update(new)
    pd.testing.assert_series_equal(forecaster.predict(), before)
    with pytest.raises(InvalidDataError, match="pretrained network is a hybrid"):
        LSTMForecaster(**SMALL).pretrain(_panel(), fh=[1, 2]).fit(
            -_monthly(), fh=[1, 2]
        )
