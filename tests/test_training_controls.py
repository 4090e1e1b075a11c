"""Each training control of the RNN literature does what it claims."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sktime.datasets import load_airline
from sktime.forecasting.model_evaluation import evaluate
from sktime.performance_metrics.forecasting import MeanSquaredError
from sktime.split import ExpandingWindowSplitter

from sktime_rnn import LSTMForecaster, RNNForecaster
from sktime_rnn.datasets import make_long_memory
from sktime_rnn.networks import DirectForecastNetwork, RecurrentEncoder, get_cell
from sktime_rnn.networks.likelihoods import PointLikelihood
from sktime_rnn.training import (
    GradientWarning,
    SlidingWindows,
    Trainer,
    TrainingDivergedError,
)
from sktime_rnn.training.streams import SeriesStreams

CELLS = ["rnn_tanh", "rnn_relu", "lstm", "lstm_no_forget", "gru"]

# the plain network, with the settings these tests were designed with (the
# defaults before the hybrid): its training controls are what they test
PLAIN = {
    "base": None,
    "loss": "mse",
    "lr": 0.01,
    "batch_size": 128,
    "max_steps": None,
    "validation_size": None,
    "early_stopping": False,
}


def _plain(cls, **params):
    return cls(**{**PLAIN, **params})


def _input_gradient(network, past, truncation_length):
    past = past.clone().requires_grad_(True)
    network(past, None, truncation_length).sum().backward()
    return past.grad.abs().sum(dim=(0, 2))  # (L,)


@pytest.mark.parametrize("cell", CELLS)
def test_truncated_bptt_cuts_gradients_beyond_k_steps(cell):
    torch.manual_seed(0)
    window, k = 12, 5
    encoder = RecurrentEncoder(cell, input_size=2, hidden_size=6, num_layers=2)
    network = DirectForecastNetwork(encoder, n_targets=2, n_steps=1)
    past = torch.randn(4, window, 2)

    truncated = _input_gradient(network, past, truncation_length=k)
    assert torch.all(truncated[: window - k] == 0)  # exactly zero
    assert torch.all(truncated[window - k :] > 0)

    full = _input_gradient(network, past, truncation_length=None)
    assert torch.all(full > 0)


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn_tanh", "lstm_no_forget"])
def test_streaming_in_chunks_equals_one_pass(cell):
    torch.manual_seed(0)
    encoder = RecurrentEncoder(cell, input_size=1, hidden_size=5, num_layers=2)
    network = DirectForecastNetwork(encoder, n_targets=1, n_steps=2)
    series = torch.randn(101, 1)
    streams = SeriesStreams(series, [1, 2], 1, n_streams=1, chunk_length=7)
    state = None
    with torch.no_grad():
        for inputs, future_exog, _ in streams:
            _, state = network.stream(inputs, future_exog, state)
        _, one_pass = encoder(series[:-2].unsqueeze(0))
    for chunked_layer, whole_layer in zip(state, one_pass, strict=True):
        for a, b in zip(torch.atleast_1d(chunked_layer), whole_layer, strict=False):
            torch.testing.assert_close(a, b)


def test_stateful_forecaster_uses_state_beyond_the_window():
    y = load_airline()
    forecaster = _plain(
        LSTMForecaster,
        window_length=6,
        window_norm=None,
        stateful=True,
        hidden_size=8,
        max_epochs=20,
        random_state=0,
    ).fit(y, fh=[1, 2, 3])
    # the stored state is the one of one pass over all of y (scaled)
    scaled = forecaster.fitted_state_.context[0]  # stateful: the whole scaled history
    expected = (y.to_numpy() - y.mean()) / y.std(ddof=0)
    np.testing.assert_allclose(scaled[:, 0], expected, rtol=1e-5)
    with torch.no_grad():
        output, _ = forecaster.network_.encoder(torch.as_tensor(scaled).unsqueeze(0))
    torch.testing.assert_close(forecaster.fitted_state_.stream.features, output[:, -1])
    # a reset state over the last window alone forecasts something else
    with torch.no_grad():
        reset = forecaster.network_(torch.as_tensor(scaled[-6:]).unsqueeze(0))
        stateful = forecaster.network_.forecast_from(
            forecaster.fitted_state_.stream.features, None
        )
    assert not torch.allclose(reset, stateful, atol=1e-3)


def test_clip_grad_norm_bounds_the_applied_gradient_and_records_pre_clip_norm():
    torch.manual_seed(0)
    network = DirectForecastNetwork(RecurrentEncoder("lstm", 1, 8), 1, 3)
    windows = SlidingWindows(torch.randn(60, 1) * 50, 10, [1, 2, 3], 1)
    batch = windows.batch(torch.arange(16))
    reference = DirectForecastNetwork(RecurrentEncoder("lstm", 1, 8), 1, 3)
    reference.load_state_dict(network.state_dict())
    params = reference(batch[0], batch[1])  # (N, S, C, P=1)
    loss = torch.nn.functional.mse_loss(params[..., 0], batch[2])
    loss.backward()
    manual_norm = math.sqrt(
        sum(float(p.grad.pow(2).sum()) for p in reference.parameters())
    )

    trainer = Trainer(
        max_epochs=1, batch_size=16, lr=0.0, optimizer="sgd", clip_grad_norm=0.1
    )
    optimizer = trainer.make_optimizer(network)
    _, recorded, clipped = trainer.train_step(network, optimizer, batch)
    applied = math.sqrt(sum(float(p.grad.pow(2).sum()) for p in network.parameters()))
    assert manual_norm > 0.1 and clipped
    assert applied <= 0.1 * (1 + 1e-5)
    assert float(recorded) == pytest.approx(manual_norm, rel=1e-5)


def test_clip_grad_value_bounds_every_component():
    torch.manual_seed(0)
    network = DirectForecastNetwork(RecurrentEncoder("gru", 1, 8), 1, 1)
    windows = SlidingWindows(torch.randn(60, 1) * 50, 10, [1], 1)
    trainer = Trainer(1, 16, lr=0.0, optimizer="sgd", clip_grad_value=0.01)
    _, _, clipped = trainer.train_step(
        network, trainer.make_optimizer(network), windows.batch(torch.arange(16))
    )
    assert clipped
    assert max(float(p.grad.abs().max()) for p in network.parameters()) <= 0.01


@pytest.mark.parametrize("forget_bias", [1.0, 2.5, -0.5])
@pytest.mark.parametrize("cell", ["lstm", "lstm_no_forget", "gru", "rnn_tanh"])
def test_initialisation_forget_bias_and_orthogonal_recurrent_blocks(cell, forget_bias):
    hidden = 6
    encoder = RecurrentEncoder(
        cell, 3, hidden, num_layers=2, bidirectional=True, forget_bias=forget_bias
    )
    spec = get_cell(cell)
    eye = torch.eye(hidden)
    for layer in encoder.layers:
        for name, param in layer.named_parameters():
            if name.startswith("weight_hh"):
                for block in param.detach().chunk(len(spec.gates)):
                    torch.testing.assert_close(block.T @ block, eye, atol=1e-5, rtol=0)
        if spec.forget_gate is None:
            continue
        for suffix in ["", "_reverse"]:
            f = slice(spec.forget_gate * hidden, (spec.forget_gate + 1) * hidden)
            effective = (
                getattr(layer, f"bias_ih_l0{suffix}")[f]
                + getattr(layer, f"bias_hh_l0{suffix}")[f]
            )
            torch.testing.assert_close(effective, torch.full((hidden,), forget_bias))


def test_lstm_without_forget_gate_has_no_forget_parameters_and_its_equation():
    spec = get_cell("lstm_no_forget")
    assert spec.forget_gate is None and spec.gates == ("i", "g", "o")
    layer = spec.factory(1, 1, False)
    assert {tuple(p.shape) for p in layer.parameters()} == {(3, 1), (3,)}
    with torch.no_grad():  # gates i, g, o: one unit each
        layer.weight_ih_l0.copy_(torch.tensor([[1.0], [2.0], [-1.0]]))
        layer.weight_hh_l0.copy_(torch.tensor([[0.5], [-0.5], [0.25]]))
        layer.bias_ih_l0.copy_(torch.tensor([0.1, 0.0, 0.2]))
        layer.bias_hh_l0.zero_()
    x, h0, c0 = 0.3, 0.4, 0.8
    state = (torch.tensor([[[h0]]]), torch.tensor([[[c0]]]))
    with torch.no_grad():
        _, (h1, c1) = layer(torch.tensor([[[x]]]), state)

    def sigmoid(v):
        return 1 / (1 + math.exp(-v))

    i = sigmoid(1.0 * x + 0.5 * h0 + 0.1)
    g = math.tanh(2.0 * x - 0.5 * h0)
    o = sigmoid(-1.0 * x + 0.25 * h0 + 0.2)
    c_expected = c0 + i * g  # c_t = c_{t-1} + i_t * g_t
    assert float(c1) == pytest.approx(c_expected, rel=1e-6)
    assert float(h1) == pytest.approx(o * math.tanh(c_expected), rel=1e-6)


def test_long_memory_lstm_learns_elman_and_truncated_lstm_do_not():
    y, X = make_long_memory(5000, lag=30, noise=0.1, random_state=0)
    cv = ExpandingWindowSplitter(initial_window=4500, step_length=5, fh=[1])
    common = dict(
        window_length=40,
        window_norm=None,
        hidden_size=32,
        max_epochs=40,
        lr=0.005,
        # the budget the experiment was designed with (3,600 steps): with
        # batch_size=128 (900 larger steps) the Elman network learns lag 30 too
        batch_size=32,
        forget_bias=1.0,
        random_state=0,
    )
    variance = y[4500:].var()

    def test_mse(forecaster):
        result = evaluate(
            forecaster,
            cv,
            y,
            X=X,
            strategy="no-update_params",
            scoring=MeanSquaredError(),
        )
        return result.iloc[:, 0].mean()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GradientWarning)
        lstm = test_mse(_plain(LSTMForecaster, **common))
        elman = test_mse(_plain(RNNForecaster, **common))
        truncated = test_mse(_plain(LSTMForecaster, **common, truncation_length=10))
    assert lstm < 0.1 * variance
    assert elman > 0.5 * variance
    assert truncated > 0.5 * variance


def test_huge_learning_rate_warns_of_exploding_gradients_and_forecasts_stay_finite():
    y = load_airline()
    forecaster = _plain(
        LSTMForecaster,
        window_length=12,
        optimizer="sgd",
        lr=50.0,
        clip_grad_norm=None,
        max_epochs=15,
        random_state=0,
    )
    with pytest.warns(GradientWarning, match="exploded|NaN or infinite"):
        forecaster.fit(y, fh=[1, 2])
    assert np.isfinite(forecaster.predict()).all()


def _nan_loss_after(n_calls):
    original = PointLikelihood.loss
    calls = {"n": 0}

    def loss(self, params, target):
        calls["n"] += 1
        value = original(self, params, target)
        return value * float("nan") if calls["n"] > n_calls else value

    return loss


def test_nan_loss_rolls_back_to_the_last_good_weights(monkeypatch):
    y = load_airline()
    params = dict(window_length=12, batch_size=200, max_epochs=10, random_state=0)
    # batch_size > windows: one step per epoch, so the NaN strikes in epoch 4
    clean = _plain(LSTMForecaster, **{**params, "max_epochs": 3}).fit(y, fh=[1])
    monkeypatch.setattr(PointLikelihood, "loss", _nan_loss_after(3))
    with pytest.warns(GradientWarning, match="NaN or infinite in epoch 4"):
        rolled_back = _plain(LSTMForecaster, **params).fit(y, fh=[1])
    assert rolled_back.history_.stopped_early == "non-finite loss"
    assert len(rolled_back.history_.epoch_losses) == 3
    for a, b in zip(
        clean.network_.parameters(), rolled_back.network_.parameters(), strict=True
    ):
        torch.testing.assert_close(a, b)
    forecast = rolled_back.predict()
    assert np.isfinite(forecast).all()
    pd.testing.assert_series_equal(forecast, clean.predict())


def test_weights_made_infinite_by_a_step_with_a_finite_loss_are_rolled_back(
    monkeypatch,
):
    y = load_airline()
    params = dict(window_length=12, batch_size=200, max_epochs=10, random_state=0)
    clean = _plain(LSTMForecaster, **{**params, "max_epochs": 3}).fit(y, fh=[1])
    original, calls = torch.optim.Adam.step, {"n": 0}

    def step(self, *args, **kwargs):  # one step per epoch: epoch 4's ends in inf
        result = original(self, *args, **kwargs)
        calls["n"] += 1
        if calls["n"] == 4:
            with torch.no_grad():
                self.param_groups[0]["params"][0].fill_(float("inf"))
        return result

    monkeypatch.setattr(torch.optim.Adam, "step", step)
    with pytest.warns(GradientWarning, match="NaN or infinite in epoch 4"):
        rolled_back = _plain(LSTMForecaster, **params).fit(y, fh=[1])
    assert len(rolled_back.history_.epoch_losses) == 3
    for a, b in zip(
        clean.network_.parameters(), rolled_back.network_.parameters(), strict=True
    ):
        torch.testing.assert_close(a, b)
    pd.testing.assert_series_equal(rolled_back.predict(), clean.predict())


def test_nan_loss_raises_when_asked(monkeypatch):
    monkeypatch.setattr(PointLikelihood, "loss", _nan_loss_after(0))
    forecaster = _plain(
        LSTMForecaster, window_length=12, max_epochs=2, on_nonfinite="raise"
    )
    with pytest.raises(TrainingDivergedError, match="lr .* clip_grad_norm"):
        forecaster.fit(load_airline(), fh=[1])


def test_fitted_params_expose_the_gradient_diagnostics():
    forecaster = _plain(
        LSTMForecaster,
        window_length=12,
        max_epochs=4,
        batch_size=32,
        clip_grad_norm=1e-3,
        random_state=0,
    ).fit(load_airline(), fh=[1])
    fitted = forecaster.get_fitted_params()
    n_steps = 4 * math.ceil((144 - 12) / 32)
    assert len(fitted["grad_norms"]) == n_steps
    assert fitted["clipped_share"] == 1.0  # every norm exceeds 1e-3
    assert len(fitted["loss_history"]) == 4
    assert fitted["gradient_flow"].shape == (12,)


def test_vanishing_gradients_warn():
    y = load_airline()
    forecaster = _plain(
        RNNForecaster,
        window_length=120,
        cell="rnn_relu",
        init="default",
        max_epochs=2,
        random_state=0,
    )
    with pytest.warns(GradientWarning, match="vanish"):
        forecaster.fit(y, fh=[1])
