"""What sktime's ``predict_*`` methods return, from a fitted state.

Each function takes the state, the steps ahead of the cutoff (checked by
:func:`~sktime_rnn.forecasting._horizon.checked_steps`) and ``X``, and returns
one frame (or distribution) for every series, in sktime's format of the data.
"""

from __future__ import annotations

__all__ = ["distribution", "point_forecast", "quantile_forecast", "variance_forecast"]

import numpy as np
import pandas as pd
import torch

from sktime_rnn.exceptions import InvalidDataError
from sktime_rnn.forecasting._engine._data import with_series_numbers
from sktime_rnn.forecasting._engine._state import FittedState
from sktime_rnn.forecasting._horizon import (
    absolute_indices,
    forecastable,
    in_sample_lead,
)
from sktime_rnn.forecasting._outputs import (
    CLOSED_FORMS,
    empirical_distribution,
    quantile_frame,
)
from sktime_rnn.forecasting._preparation import exog_rows


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


def forecast_params(state: FittedState, steps: np.ndarray, X) -> torch.Tensor:
    """Likelihood parameters (B, S, C, P) at ``steps``, in the scaled units."""
    future_exog = _future_exog(state, state.network_horizon(steps), X)
    return state.forecast(steps, future_exog.to(state.device))


def sample_paths(state: FittedState, steps: np.ndarray, X) -> np.ndarray:
    """``n_samples`` Monte-Carlo paths (n, B, S, C) of the recursive strategy."""
    future_exog = _future_exog(state, state.network_horizon(steps), X)
    return state.kind.sample_paths(state, steps, future_exog.to(state.device))


def _frames(state: FittedState, values: np.ndarray, steps, columns=None):
    """(B, S, C) values as one frame per series, joined in sktime's format."""
    columns = state.layout.y_columns if columns is None else columns
    frames = [
        pd.DataFrame(v, index=index, columns=columns)
        for v, index in zip(values, absolute_indices(state, steps), strict=True)
    ]
    return state.layout.join(frames)


def _samples_paths(state: FittedState) -> bool:
    """Whether predictive distributions come from Monte-Carlo sample paths."""
    return state.config.strategy == "recursive"


def point_forecast(state: FittedState, steps, X) -> pd.DataFrame:
    """The point forecast: the mean, the median (quantile loss) or the point.

    An in-sample step (at or before the cutoff, see
    :func:`~sktime_rnn.forecasting._horizon.in_sample_steps`) is forecast from
    the kept data up to :func:`~sktime_rnn.forecasting._horizon.in_sample_lead`
    steps before it, as ``predict`` would have forecast it then; one the kept
    data cannot forecast is NaN.
    """
    past = steps[steps < 1]
    possible = forecastable(state, past)
    frames = [
        _in_sample_point(state, step) if ok else _missing(state, step)
        for step, ok in zip(past, possible, strict=True)
    ]
    future = steps[steps >= 1]
    if len(future):
        point = state.network.likelihood.point(forecast_params(state, future, X))
        frames.append(_frames(state, state.scaling.y.inverse(point.numpy()), future))
    if len(frames) == 1:
        return frames[0]
    # in the order predict gives: series as fitted, then steps
    order = state.layout.join(
        [pd.DataFrame(index=i) for i in absolute_indices(state, steps)]
    )
    return pd.concat(frames).reindex(order.index)


def _missing(state: FittedState, step: int) -> pd.DataFrame:
    """NaN at in-sample ``step``: no forecast of it can be made from the kept data."""
    shape = (len(state.context), 1, state.layout.n_targets)
    return _frames(state, np.full(shape, np.nan), np.array([step]))


def _in_sample_point(state: FittedState, step: int) -> pd.DataFrame:
    lead = np.array([in_sample_lead(state)])
    cut = int(lead[0]) - step  # kept rows after the origin
    origin = state.replace(
        context=[rows[:-cut] for rows in state.context],
        context_index=[index[:-cut] for index in state.context_index],
    )
    point = state.network.likelihood.point(forecast_params(origin, lead, None))
    return _frames(origin, state.scaling.y.inverse(point.numpy()), lead)


def quantile_forecast(state: FittedState, steps, X, alpha) -> pd.DataFrame:
    """Quantiles at ``alpha``, in sktime's (variable, alpha) columns.

    Calibrated (``interval_calibration``), the quantile at ``alpha`` is the
    lower bound of the central interval of coverage ``1 - 2 alpha`` (or the
    upper one of ``2 alpha - 1``), the point forecast at 0.5.
    """
    if state.calibration is not None:
        values = _calibrated_quantiles(state, steps, X, alpha)
    elif _samples_paths(state):
        samples = sample_paths(state, steps, X)  # (n, B, S, C)
        values = np.moveaxis(np.quantile(samples, alpha, axis=0), 0, -1)
    else:
        params = forecast_params(state, steps, X)
        quantiles = state.network.likelihood.quantiles(params, alpha)  # (B,S,C,A)
        values = state.scaling.y.inverse(quantiles.movedim(-1, 2).numpy())
        values = np.moveaxis(values, 2, -1)  # (B, S, C, A)
    columns = state.layout.y_columns
    frames = [
        quantile_frame(v, index, columns, alpha)
        for v, index in zip(values, absolute_indices(state, steps), strict=True)
    ]
    return state.layout.join(frames)


def _calibrated_quantiles(state: FittedState, steps, X, alpha) -> np.ndarray:
    """(B, S, C, A) calibrated quantiles, see :func:`quantile_forecast`."""
    params = forecast_params(state, steps, X)
    likelihood = state.network.likelihood
    positions = np.searchsorted(state.network_horizon(steps), steps)
    columns = []
    for level in alpha:
        if level == 0.5:
            columns.append(likelihood.point(params))
            continue
        low, high = state.calibration.bounds(
            likelihood, params, abs(1 - 2 * level), positions
        )
        columns.append(low if level < 0.5 else high)
    values = torch.stack(columns, dim=2).numpy()  # (B, S, A, C)
    return np.moveaxis(state.scaling.y.inverse(values), 2, -1)  # (B, S, C, A)


def _residual_draws(state: FittedState, steps, X) -> np.ndarray:
    """(n, B, S, C) draws of a point forecast calibrated on validation windows.

    The point forecast plus and minus the quantiles of its absolute
    validation errors at every step (``n_samples`` evenly spaced levels, half
    each side): the distribution whose central intervals are the conformal
    ones, whose mean is the point forecast and whose variance is that of the
    errors, so that every ``predict_*`` method tells the same story. A
    hybrid's errors past the end of a series (NaN) do not count.
    """
    params = forecast_params(state, steps, X)
    point = state.network.likelihood.point(params).numpy()  # (B, S, C)
    positions = np.searchsorted(state.network_horizon(steps), steps)
    calibration = state.calibration
    errors = calibration.targets - calibration.params[..., 0]  # (n, S_all, C)
    scores = np.abs(errors[:, positions])  # (n, S, C)
    half = max(1, state.config.n_samples // 2)
    levels = (np.arange(half) + 0.5) / half
    spread = np.nanquantile(scores, levels, axis=0)  # (half, S, C)
    draws = point[None] + np.concatenate([spread, -spread])[:, None]  # (n, B, S, C)
    return state.scaling.y.inverse(draws.swapaxes(0, 1)).swapaxes(0, 1)


def _point_calibrated(state: FittedState) -> bool:
    """Whether intervals come from a point forecast and its validation errors."""
    return state.calibration is not None and not state.network.likelihood.probabilistic


def variance_forecast(state: FittedState, steps, X) -> pd.DataFrame:
    """Marginal variances of the forecast."""
    if _point_calibrated(state):
        variance = _residual_draws(state, steps, X).var(axis=0)
    elif _samples_paths(state):
        variance = sample_paths(state, steps, X).var(axis=0)
    else:
        params = forecast_params(state, steps, X)
        variance = state.network.likelihood.variance(params).numpy()
        variance = variance * state.scaling.y.std[:, None, :] ** 2
    return _frames(state, variance, steps)


def distribution(state: FittedState, steps, X):
    """The likelihood's skpro distribution where it has one, else an ``Empirical``.

    A likelihood with a closed form (``loss="normal"``: a ``Normal``) gives
    its parameters, in the data's units. A calibrated point forecast's
    distribution is that of the forecast plus its validation errors. The
    recursive strategy's distribution is that of its sample paths; the
    quantile loss's is its piecewise-linear quantile function at
    ``n_samples`` evenly spaced probabilities.
    """
    columns = state.layout.y_columns
    n_series = len(state.context)
    index = _frames(state, np.zeros((n_series, len(steps), 1)), steps, [0]).index
    if _point_calibrated(state):
        samples = _residual_draws(state, steps, X)
    elif _samples_paths(state):
        samples = sample_paths(state, steps, X)
    else:
        params = forecast_params(state, steps, X)
        y_scaling = state.scaling.y
        likelihood = state.network.likelihood
        if likelihood.closed_form is not None:  # its parameters in the data's units
            shape = (-1, 1, y_scaling.mean.shape[1])
            data_params = likelihood.rescale(
                params.double(),
                torch.as_tensor(y_scaling.mean).reshape(shape),
                torch.as_tensor(y_scaling.std).reshape(shape),
            ).numpy()  # (B, S, C, P)
            flat = data_params.reshape(-1, *data_params.shape[2:])
            return CLOSED_FORMS[likelihood.closed_form](flat, index, columns)
        n_samples = state.config.n_samples
        grid = (np.arange(n_samples) + 0.5) / n_samples
        draws = state.network.likelihood.quantiles(params, grid)  # (B, S, C, n)
        samples = y_scaling.inverse(draws.movedim(-1, 2).numpy())
        samples = np.moveaxis(samples, 2, 0)  # (n, B, S, C)
    flat = samples.reshape(samples.shape[0], -1, samples.shape[-1])
    return empirical_distribution(flat, index, columns)
