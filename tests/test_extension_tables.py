"""A new loss or a new statistical part is one table entry plus its own code."""

import numpy as np
import pandas as pd
import pytest
import torch
from torch.nn import functional as F

from sktime_rnn import LSTMForecaster, load, save
from sktime_rnn.forecasting._engine._statistical import BASES
from sktime_rnn.networks.likelihoods import LIKELIHOODS, DistributionLikelihood

pytestmark = pytest.mark.usefixtures("quiet")

TINY = {"hidden_size": 3, "max_epochs": 2, "random_state": 0, "num_threads": 1}


class LaplaceLikelihood(DistributionLikelihood):
    """A toy: the Laplace distribution, location and scale."""

    n_params = 2
    loss_is_non_negative = False

    def constrain(self, raw):
        return torch.stack([raw[..., 0], F.softplus(raw[..., 1]) + 1e-4], dim=-1)

    def loss(self, params, target):
        location, scale = params[..., 0], params[..., 1]
        return ((target - location).abs() / scale + scale.log()).mean()

    def rescale(self, params, loc, scale):
        return torch.stack([params[..., 0] * scale + loc, params[..., 1] * scale], -1)

    def quantiles(self, params, alphas):
        alphas = torch.as_tensor(alphas, dtype=params.dtype)
        centred = alphas - 0.5
        z = -torch.sign(centred) * torch.log1p(-2 * centred.abs())
        return params[..., :1] + params[..., 1:] * z


def naive_all(y, h):
    """A toy statistical part: the last value, from every origin, (n+1, h)."""
    out = np.empty((len(y) + 1, h))
    out[0] = y[0]
    out[1:] = y[:, None]
    return out


@pytest.fixture
def laplace(monkeypatch):
    monkeypatch.setitem(LIKELIHOODS, "laplace", LaplaceLikelihood)


@pytest.fixture
def naive(monkeypatch):
    monkeypatch.setitem(BASES, "naive", (naive_all,))


def _series(n=60):
    t = np.arange(n)
    index = pd.period_range("2000", periods=n, freq="Y")
    return pd.Series(50 + 5 * np.sin(t / 3) + 0.2 * t, index=index)


def test_a_new_likelihood_fits_predicts_and_gives_intervals(laplace):
    y = _series()
    forecaster = LSTMForecaster(loss="laplace", window_length=8, **TINY)
    assert forecaster.get_tag("capability:pred_int")
    forecaster.fit(y, fh=[1, 2, 3])
    assert forecaster.fitted_state_.base is None  # a distribution: plain network
    point = forecaster.predict()
    intervals = forecaster.predict_interval(coverage=[0.5, 0.9])
    name = intervals.columns[0][0]
    lower, upper = (
        intervals[(name, 0.9, side)].to_numpy() for side in ("lower", "upper")
    )
    assert (
        np.all(np.isfinite(point)) and np.all(lower < point) and np.all(point < upper)
    )
    narrow = intervals[(name, 0.5, "upper")] - intervals[(name, 0.5, "lower")]
    assert np.all(narrow.to_numpy() < upper - lower)  # 50% inside 90%
    quantiles = forecaster.predict_quantiles(alpha=[0.5]).to_numpy().ravel()
    np.testing.assert_allclose(quantiles, point.to_numpy(), rtol=1e-6)


def test_a_new_likelihood_is_calibrated_by_its_quantiles(laplace):
    y = _series(80)
    forecaster = LSTMForecaster(
        loss="laplace",
        window_length=8,
        interval_calibration="conformal",
        validation_size=10,
        **TINY,
    ).fit(y, fh=[1, 2])
    intervals = forecaster.predict_interval(coverage=0.8).to_numpy()
    assert np.all(intervals[:, 0] < intervals[:, 1])


def test_an_unknown_loss_is_still_refused_naming_the_new_one(laplace):
    with pytest.raises(ValueError, match="'laplace'.*got 'poisson'"):
        LSTMForecaster(loss="poisson").fit(_series(), fh=[1])


def test_a_new_statistical_part_is_what_an_untrained_hybrid_forecasts(naive, tmp_path):
    y = _series()
    forecaster = LSTMForecaster(base="naive", lr=1e-30, **TINY).fit(y, fh=[1, 2, 3])
    assert forecaster.fitted_state_.base == "naive"
    # a correction that cannot move from zero: the forecast is the base's
    np.testing.assert_allclose(forecaster.predict(), np.full(3, y.iloc[-1]), rtol=1e-12)
    loaded = load(save(forecaster, tmp_path / "naive.safetensors"))
    pd.testing.assert_series_equal(loaded.predict(), forecaster.predict())


def test_a_new_statistical_part_gives_calibrated_intervals(naive):
    forecaster = LSTMForecaster(
        base="naive", interval_calibration="conformal", **TINY
    ).fit(_series(), fh=[1, 2])
    intervals = forecaster.predict_interval(coverage=0.9).to_numpy()
    assert np.all(np.isfinite(intervals)) and np.all(intervals[:, 0] < intervals[:, 1])
