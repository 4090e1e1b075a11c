"""The network's outputs for a fitted state: likelihood parameters, sample paths.

Every function forecasts all series at once: the last window of each series
is one row of a batch (B series, S horizon steps, C targets).
"""

from __future__ import annotations

__all__ = ["forecast_params", "sample_paths"]

import numpy as np
import torch

from sktime_rnn.exceptions import InvalidDataError
from sktime_rnn.forecasting._horizon import absolute_indices, network_horizon
from sktime_rnn.forecasting._preparation import exog_rows, with_series_numbers
from sktime_rnn.forecasting._state import FittedState
from sktime_rnn.networks.rollout import roll_out
from sktime_rnn.training.runtime import draw_seed, make_generator, thread_count


def _inputs(state: FittedState, steps: np.ndarray, X):
    """The network's horizon, every series' last window and the future X."""
    horizon = network_horizon(state, steps)
    future_exog = _future_exog(state, horizon, X).to(state.device)
    past = np.stack([rows[-state.window :] for rows in state.context])
    return horizon, torch.as_tensor(past, device=state.device), future_exog


def forecast_params(state: FittedState, steps: np.ndarray, X) -> torch.Tensor:
    """Likelihood parameters (B, S, C, P) at ``steps``, in the scaled units.

    The recursive strategy rolls its point forecast forward; a stateful
    network forecasts from its state after the last observation.
    """
    if state.base is not None:
        return _hybrid_params(state, steps)
    horizon, past, future_exog = _inputs(state, steps, X)
    network = state.network
    with thread_count(state.config.num_threads), torch.inference_mode():
        if state.stream is not None:
            params = network.forecast_from(state.stream.features, future_exog)
        elif state.config.strategy == "recursive":
            params, _ = roll_out(network, past, future_exog, len(horizon))
        else:
            params = network(past, future_exog)
    return params[:, np.searchsorted(horizon, steps)].cpu()


def _hybrid_params(state: FittedState, steps: np.ndarray) -> torch.Tensor:
    """A hybrid's forecasts (B, S, 1, 1) at ``steps``, in the units of the data.

    The statistical forecast from every series' end times the exponential of
    the network's correction (the median of an ensemble's), scaled by the
    state's ``shrinkage``.
    """
    origins = state.forecast_origins
    past, path, log_base, *_ = origins.batch(torch.arange(len(origins)))
    with thread_count(state.config.num_threads), torch.inference_mode():
        log_forecast = log_base + state.shrinkage * state.network(past, path)
    # in float64: the values of the data may lie beyond float32's range
    forecast = log_forecast.cpu().double().exp()[:, :, None, None]  # (B, S, 1, 1)
    return forecast[:, np.asarray(steps) - 1]


def sample_paths(state: FittedState, steps: np.ndarray, X) -> np.ndarray:
    """``n_samples`` Monte-Carlo paths (n, B, S, C) of the recursive strategy.

    Each path feeds back draws from the one-step predictive distribution;
    draws come from a generator seeded by ``random_state``.
    """
    config = state.config
    horizon, past, future_exog = _inputs(state, steps, X)
    likelihood = state.network.likelihood
    generator = make_generator(draw_seed(config.random_state), state.device)

    def draw(params):
        if not likelihood.probabilistic:
            return likelihood.point(params)
        return likelihood.sample(params, generator)

    n_series = past.shape[0]
    with thread_count(config.num_threads), torch.inference_mode():
        _, paths = roll_out(
            state.network,
            past.repeat(config.n_samples, 1, 1),  # (n*B, L, C+K), sample-major
            future_exog.repeat(config.n_samples, 1, 1),
            len(horizon),
            feed_back=draw,
        )  # (n*B, M, C)
    paths = paths[:, np.searchsorted(horizon, steps)].cpu().double().numpy()
    paths = paths.reshape(config.n_samples, n_series, len(steps), -1)
    return state.scaling.y.inverse(paths.swapaxes(0, 1)).swapaxes(0, 1)


def _future_exog(state: FittedState, horizon: np.ndarray, X) -> torch.Tensor:
    """Scaled ``X`` (B, S, K) at the horizon steps the network produces.

    With a series embedding, the series' numbers follow as a last column.
    """
    layout = state.layout
    n_series = len(layout.keys)
    scaled = np.zeros((n_series, len(horizon), 0))
    if layout.x_columns is not None:
        if X is None:
            raise InvalidDataError(
                "X was passed to fit, so predict needs X at the forecast times, "
                f"with columns {list(layout.x_columns)}"
            )
        times = absolute_indices(state, horizon)
        frames = exog_rows(X, layout.panel([None] * n_series), times, layout.x_columns)
        scaled = np.stack(
            [
                state.scaling.x.transform(frame.to_numpy(dtype=float), position)
                for position, frame in enumerate(frames)
            ]
        )
    scaled = with_series_numbers(scaled, state.series_numbers)
    return torch.as_tensor(scaled, dtype=torch.float32)  # (B, S, K)
