"""The fitted state is replaced whole: failed calls change nothing, updates merge."""

import copy

import numpy as np
import pandas as pd
import pytest
import torch

import sktime_rnn.training.trainer as trainer_module
from sktime_rnn import GRUForecaster, LSTMForecaster
from sktime_rnn.exceptions import TrainingDivergedError
from sktime_rnn.networks.hybrid import HybridForecastNetwork

pytestmark = pytest.mark.usefixtures("quiet")

TINY = {"window_length": 6, "hidden_size": 4, "max_epochs": 2, "random_state": 0}
STRATEGY_PARAMS = {
    "direct": {"base": None},
    "recursive": {"base": None},
    "seq2seq": {"base": None},
    "stateful": {"base": None, "stateful": True, "window_norm": None, "batch_size": 4},
    "hybrid": {"base": "theta+damped"},
}


def _monthly(n=120):
    index = pd.period_range("2000-01", periods=n, freq="M")
    return pd.Series(np.sin(np.arange(n) / 3) + 5, index=index)


def _fitted(name, **params):
    strategy = "direct" if name in ("stateful", "hybrid") else name
    forecaster = LSTMForecaster(
        **{**TINY, **STRATEGY_PARAMS[name], "strategy": strategy, **params}
    )
    return forecaster.fit(_monthly()[:100], fh=[1, 2])


def _snapshot(forecaster):
    state = forecaster.fitted_state_
    weights = {k: v.clone() for k, v in state.network.state_dict().items()}
    return forecaster.cutoff, forecaster.predict(), state, weights


def _assert_unchanged(forecaster, snapshot):
    cutoff, forecast, state, weights = snapshot
    assert forecaster.cutoff.equals(cutoff)
    assert forecaster.fitted_state_ is state
    for name, value in state.network.state_dict().items():
        assert torch.equal(value, weights[name]), name
    pd.testing.assert_series_equal(forecaster.predict(), forecast)


@pytest.mark.parametrize("name", list(STRATEGY_PARAMS))
def test_an_update_that_diverges_leaves_the_forecaster_as_it_was(name, monkeypatch):
    forecaster = _fitted(name, on_nonfinite="raise")
    before = _snapshot(forecaster)
    new = _monthly()[100:110].copy()
    if name == "hybrid":
        # the hybrid trains on logarithms, where 1e300 is 690: make it diverge
        batch_loss = HybridForecastNetwork.batch_loss
        monkeypatch.setattr(
            HybridForecastNetwork,
            "batch_loss",
            lambda self, *args: batch_loss(self, *args) * float("nan"),
        )
    else:
        new.iloc[5] = 1e300  # finite, but training on it overflows
    with pytest.raises(TrainingDivergedError):
        forecaster.update(new)
    _assert_unchanged(forecaster, before)


@pytest.mark.parametrize("name", list(STRATEGY_PARAMS))
def test_an_update_interrupted_by_ctrl_c_leaves_the_forecaster_as_it_was(
    name, monkeypatch
):
    forecaster = _fitted(name)
    before = _snapshot(forecaster)
    epoch = (
        "run_stateful_epoch" if name == "stateful" else "run_epoch"
    )  # the epoch loop of this strategy

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(trainer_module.Trainer, epoch, interrupted)
    with pytest.raises(KeyboardInterrupt):
        forecaster.update(_monthly()[100:110])
    _assert_unchanged(forecaster, before)


@pytest.mark.parametrize("name", list(STRATEGY_PARAMS))
def test_an_update_with_bad_data_leaves_the_forecaster_as_it_was(name):
    forecaster = _fitted(name)
    before = _snapshot(forecaster)
    gap = _monthly(130)[115:125]  # starts 15 months after the end: a gap
    with pytest.raises(ValueError, match="must continue right after its last time"):
        forecaster.update(gap)
    _assert_unchanged(forecaster, before)


@pytest.mark.parametrize("name", list(STRATEGY_PARAMS))
def test_resending_the_last_observations_changes_nothing(name):
    forecaster = _fitted(name, update_epochs=0)
    new = _monthly()[100:103]
    plain = copy.deepcopy(forecaster).update(new)
    overlapping = copy.deepcopy(forecaster).update(_monthly()[97:103])
    pd.testing.assert_series_equal(overlapping.predict(), plain.predict())
    assert len(overlapping.fitted_state_.context[0]) == len(
        plain.fitted_state_.context[0]
    )


def test_an_update_overwrites_observations_it_has_already_seen():
    forecaster = _fitted("direct", update_epochs=0)
    revised = _monthly()[95:100] + 1.0  # the last five months, revised up
    moved = copy.deepcopy(forecaster).update(revised)
    state = moved.fitted_state_
    assert moved.cutoff.equals(forecaster.cutoff)
    scaled = (revised.to_numpy() - state.scaling.y.mean[0, 0]) / state.scaling.y.std[
        0, 0
    ]
    np.testing.assert_allclose(state.context[0][-5:, 0], scaled, rtol=1e-6)
    assert not moved.predict().equals(forecaster.predict())


def test_sktime_update_predict_with_expanding_windows_does_not_duplicate_rows():
    from sktime.split import ExpandingWindowSplitter

    y = _monthly()
    forecaster = _fitted("direct", update_epochs=0)
    cv = ExpandingWindowSplitter(fh=[1, 2], initial_window=100, step_length=5)
    forecaster.update_predict(y, cv=cv, update_params=False)  # re-sends all of y
    context, index = (
        forecaster.fitted_state_.context[0],
        (forecaster.fitted_state_.context_index[0]),
    )
    assert index.is_unique and index.is_monotonic_increasing
    assert len(context) == len(index) == 6 + 2 - 1


def test_update_after_pretrain_never_changes_the_pretrained_weights():
    panel = pd.concat(
        {key: _monthly(60) * (i + 1) for i, key in enumerate("abc")}, names=["id"]
    ).to_frame("y")
    forecaster = GRUForecaster(**TINY).pretrain(panel, fh=[1, 2])
    pretrained = {
        k: v.clone() for k, v in forecaster.pretrained_network_.state_dict().items()
    }
    forecaster.fit(_monthly()[:50], fh=[1, 2])  # fine_tune_epochs=0
    forecaster.update(_monthly()[50:60])  # update_epochs=1 trains
    assert forecaster.network_ is not forecaster.pretrained_network_
    for name, value in forecaster.pretrained_network_.state_dict().items():
        assert torch.equal(value, pretrained[name]), name
    assert not all(
        torch.equal(value, pretrained[name])
        for name, value in forecaster.network_.state_dict().items()
    )


def test_pretraining_again_with_another_horizon_is_refused():
    panel = pd.concat({key: _monthly(60) for key in "ab"}, names=["id"]).to_frame("y")
    forecaster = GRUForecaster(**TINY).pretrain(panel, fh=[1, 2])
    with pytest.raises(ValueError, match=r"differs from the horizon .* \[1, 2\]"):
        forecaster.pretrain(panel, fh=[1, 2, 3])
    assert forecaster.pretrained_state_.train_steps.tolist() == [1, 2]


def test_the_fitted_state_is_one_object_replaced_by_fit():
    forecaster = _fitted("direct")
    first = forecaster.fitted_state_
    forecaster.fit(_monthly()[:90], fh=[1, 2])
    assert forecaster.fitted_state_ is not first
    assert forecaster.network_ is forecaster.fitted_state_.network
    assert forecaster.history_ is forecaster.fitted_state_.histories[0]
    # beyond sktime's own bookkeeping (what a fit of sktime's NaiveForecaster
    # sets too), fitting adds exactly one attribute
    from sktime.forecasting.naive import NaiveForecaster

    def added_by_fit(estimator):
        before = set(vars(estimator))
        estimator.fit(_monthly()[:90], fh=[1, 2])
        return set(vars(estimator)) - before

    naive = added_by_fit(NaiveForecaster())
    assert added_by_fit(LSTMForecaster(**TINY)) - naive == {"fitted_state_"}
