"""One network across many series: panels, hierarchies, pretraining."""

import numpy as np
import pandas as pd
import pytest
from sktime.utils._testing.hierarchical import _make_hierarchical

from sktime_rnn import GRUForecaster, LSTMForecaster

TINY = {
    "window_length": 6,
    "hidden_size": 8,
    "max_epochs": 3,
    "random_state": 0,
    "base": None,  # the plain network (tests/test_hybrid.py: the hybrid)
}


def _panel(lengths, end="2001-12", seed=0, scale=None):
    """Monthly series of the given lengths, all ending at ``end``."""
    rng = np.random.default_rng(seed)
    frames = []
    for number, length in enumerate(lengths):
        index = pd.period_range(end=end, periods=length, freq="M")
        season = np.sin(2 * np.pi * np.arange(length) / 12)
        values = 10 + season + 0.1 * rng.normal(size=length)
        if scale is not None:
            values = values * scale[number]
        keys = pd.MultiIndex.from_product([[f"s{number}"], index], names=["id", "t"])
        frames.append(pd.DataFrame({"y": values}, index=keys))
    return pd.concat(frames)


def test_panel_forecasts_every_series_with_its_index():
    y = _panel([30, 40, 25])
    forecast = LSTMForecaster(**TINY).fit(y, fh=[1, 2, 3]).predict()
    expected_times = pd.period_range("2002-01", periods=3, freq="M")
    expected = pd.MultiIndex.from_product([["s0", "s1", "s2"], expected_times])
    assert list(forecast.index) == list(expected)
    assert forecast.index.names == ["id", "t"]
    assert np.isfinite(forecast.to_numpy()).all()


def test_hierarchical_data_and_update():
    y = _make_hierarchical(
        hierarchy_levels=(2, 2), min_timepoints=30, max_timepoints=30
    )
    forecaster = GRUForecaster(**TINY, loss="normal").fit(y, fh=[1, 2])
    forecast = forecaster.predict()
    assert forecast.index.nlevels == 3 and len(forecast) == 4 * 2
    assert forecaster.predict_interval().shape == (8, 2)
    longer = _make_hierarchical(
        hierarchy_levels=(2, 2), min_timepoints=33, max_timepoints=33
    )
    forecaster.update(longer.groupby(level=[0, 1]).tail(3), update_params=False)
    assert str(forecaster.cutoff[0].date()) == "2000-02-02"
    assert forecaster.predict().index.get_level_values(-1)[0] == pd.Timestamp(
        "2000-02-03"
    )


def test_each_series_is_scaled_by_its_own_statistics():
    # series 1 is series 0 times 1000: the forecasts must be too
    base = _panel([36])
    scaled = base.rename(index={"s0": "s1"}) * 1000
    y = pd.concat([base, scaled])
    forecast = LSTMForecaster(**TINY).fit(y, fh=[1, 2]).predict()
    np.testing.assert_allclose(
        forecast.loc["s1"].to_numpy(), 1000 * forecast.loc["s0"].to_numpy(), rtol=1e-5
    )


def test_a_short_series_is_refused_by_name():
    y = _panel([30, 5, 30])
    with pytest.raises(
        ValueError, match="series s1 is too short: training needs at least 8"
    ):
        LSTMForecaster(**TINY).fit(y, fh=[1, 2])


def test_series_ending_at_different_times_are_forecast_from_their_own_end():
    late = _panel([30])
    early = _panel([30], end="2001-10", seed=1).rename(index={"s0": "s1"})
    forecaster = LSTMForecaster(**TINY).fit(pd.concat([late, early]), fh=[1, 2])
    forecast = forecaster.predict()
    assert list(forecast.loc["s0"].index.astype(str)) == ["2002-01", "2002-02"]
    assert list(forecast.loc["s1"].index.astype(str)) == ["2001-11", "2001-12"]
    # updating only the early series moves only its forecast
    new = pd.DataFrame(
        {"y": [10.0, 10.5]},
        index=pd.MultiIndex.from_product(
            [["s1"], pd.period_range("2001-11", periods=2, freq="M")], names=["id", "t"]
        ),
    )
    before = forecast.loc["s0"]
    forecaster.update(new, update_params=False)
    after = forecaster.predict()
    pd.testing.assert_frame_equal(after.loc["s0"], before)
    assert list(after.loc["s1"].index.astype(str)) == ["2002-01", "2002-02"]


def test_panel_with_exogenous_data():
    y = _panel([30, 40])
    X = pd.DataFrame({"x": np.arange(len(y), dtype=float)}, index=y.index)
    forecaster = LSTMForecaster(**TINY).fit(y, X=X, fh=[1, 2])
    future = pd.MultiIndex.from_product(
        [["s0", "s1"], pd.period_range("2002-01", periods=2, freq="M")],
        names=["id", "t"],
    )
    X_future = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]}, index=future)
    assert forecaster.predict(X=X_future).shape == (4, 1)
    with pytest.raises(ValueError, match="X has no rows for series s1"):
        forecaster.predict(X=X_future.loc[["s0"]])


def test_pretrained_network_forecasts_new_series_without_training():
    panel = _panel([40, 50, 60, 45], seed=1)
    params = {**TINY, "max_epochs": 5}
    pretrained = LSTMForecaster(**params).pretrain(panel, fh=[1, 2, 3])
    assert pretrained.state == "pretrained"
    steps = len(pretrained.pretrain_history_.grad_norms)
    weights = {
        k: v.clone() for k, v in pretrained.pretrained_network_.state_dict().items()
    }

    # 50 series never seen in pretraining, one of them ("copy") with the
    # history of series s2
    new = _panel([30 + i for i in range(49)], seed=7).rename(
        index=lambda key: f"new{key}" if isinstance(key, str) else key
    )
    copy = panel.loc[["s2"]].rename(index={"s2": "copy"})
    pretrained.fit(pd.concat([new, copy]), fh=[1, 2, 3])
    assert len(pretrained.history_.grad_norms) == steps  # no training step
    for name, value in pretrained.network_.state_dict().items():
        assert np.array_equal(value.numpy(), weights[name].numpy())
    forecast = pretrained.predict()
    assert forecast.index.get_level_values("id").nunique() == 50

    # equal to the panel-fitted model's forecast for that series
    panel_fitted = LSTMForecaster(**params).fit(panel, fh=[1, 2, 3])
    np.testing.assert_allclose(
        forecast.loc["copy"].to_numpy(),
        panel_fitted.predict().loc["s2"].to_numpy(),
        rtol=1e-6,
    )


def test_pretrain_then_fit_many_new_series_and_fine_tune():
    panel = _panel([40, 50, 60], seed=1)
    forecaster = GRUForecaster(**TINY, fine_tune_epochs=2).pretrain(panel, fh=[1, 2])
    pretrained_weights = [
        p.detach().clone() for p in forecaster.pretrained_network_.parameters()
    ]
    new = _panel([30] * 5, seed=2)
    forecaster.fit(new, fh=[1, 2])
    assert len(forecaster.predict()) == 10
    # fine-tuning trained a copy; the pretrained weights are untouched
    assert forecaster.network_ is not forecaster.pretrained_network_
    for before, after in zip(
        pretrained_weights, forecaster.pretrained_network_.parameters(), strict=True
    ):
        assert np.array_equal(before.numpy(), after.detach().numpy())
    with pytest.raises(ValueError, match="differs from the horizon the network"):
        forecaster.fit(new, fh=[1, 2, 3])


def test_pretraining_again_continues_training():
    forecaster = LSTMForecaster(**TINY).pretrain(_panel([40, 50]), fh=[1])
    epochs = len(forecaster.pretrain_history_.epoch_losses)
    forecaster.pretrain(_panel([45, 55], seed=3), fh=[1])
    assert len(forecaster.pretrain_history_.epoch_losses) == 2 * epochs


def test_pretrain_refuses_a_single_series():
    with pytest.raises(TypeError, match="requires Panel or Hierarchical data"):
        LSTMForecaster(**TINY).pretrain(_panel([40]).loc["s0"]["y"], fh=[1])


def test_series_embedding_is_learned_and_unseen_series_get_the_mean():
    y = _panel([30, 40, 35])
    forecaster = LSTMForecaster(**TINY, series_embedding_dim=3).fit(y, fh=[1, 2])
    embedding = forecaster.network_.embedding
    assert embedding.weight.shape == (4, 3)  # 3 series + "not seen"
    # two series with the same recent values but different identities differ
    twin = pd.concat([y.loc[["s0"]], y.loc[["s0"]].rename(index={"s0": "s1"})])
    twins = LSTMForecaster(**TINY, series_embedding_dim=3).fit(twin, fh=[1])
    forecast = twins.predict()
    assert not np.allclose(forecast.loc["s0"], forecast.loc["s1"])
    # after pretraining, an unseen series is numbered "not seen"
    pretrained = LSTMForecaster(**TINY, series_embedding_dim=3).pretrain(y, fh=[1, 2])
    pretrained.fit(_panel([30], seed=5).rename(index={"s0": "new"}), fh=[1, 2])
    assert pretrained.fitted_state_.series_numbers == [3]
    assert np.isfinite(pretrained.predict().to_numpy()).all()
