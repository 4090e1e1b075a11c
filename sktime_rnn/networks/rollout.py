"""Recursive forecasting: a one-step network rolled forward on its own output."""

from __future__ import annotations

__all__ = ["roll_out"]

from collections.abc import Callable

import torch
from torch import Tensor


def roll_out(
    network,
    past: Tensor,
    future_exog: Tensor,
    n_steps: int,
    feed_back: Callable[[Tensor], Tensor] | None = None,
    teacher: Tensor | None = None,
    sampling_prob: float = 0.0,
    truncation_length: int | None = None,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    """Forecast ``n_steps`` one step at a time, feeding each forecast back.

    Parameters
    ----------
    network : ForecastNetwork
        A one-step network (S = 1).
    past : Tensor
        (N, L, C+K) windows to start from.
    future_exog : Tensor
        (N, n_steps, K) exogenous values at the steps ahead; the row appended to
        the window after step s holds the value fed back and these values.
    n_steps : int
        Steps to roll forward.
    feed_back : callable, optional
        Maps the step's parameters (N, 1, C, P) to the values (N, 1, C) appended
        to the window: the point forecast (default) or a draw from the
        predictive distribution, for sample paths.
    teacher : Tensor, optional
        (N, n_steps, C) true values. With it, training-time rollouts feed the
        truth back (teacher forcing), except that each value is replaced by the
        network's own forecast with probability ``sampling_prob`` (scheduled
        sampling). Fed-back forecasts are detached.
    sampling_prob : float, default=0.0
        Probability of feeding back the forecast instead of the truth.
    truncation_length : int, optional
        Passed to the network's encoder.
    generator : torch.Generator, optional
        Where the scheduled-sampling coin flips come from (torch's global
        generator if None).

    Returns
    -------
    params : Tensor
        (N, n_steps, C, P) parameters of every step.
    values : Tensor
        (N, n_steps, C) the values fed back (for the last step, what would be):
        with a sampling ``feed_back``, the sample paths.

    Examples
    --------
    >>> import torch
    >>> from sktime_rnn.networks import DirectForecastNetwork, RecurrentEncoder
    >>> net = DirectForecastNetwork(RecurrentEncoder("gru", 1, 4), 1, 1)
    >>> params, values = roll_out(net, torch.zeros(2, 6, 1), torch.zeros(2, 5, 0), 5)
    >>> tuple(params.shape), tuple(values.shape)
    ((2, 5, 1, 1), (2, 5, 1))
    """
    feed_back = feed_back or network.likelihood.point
    window = past
    outputs, values = [], []
    for step in range(n_steps):
        exog = future_exog[:, step : step + 1]  # (N, 1, K)
        params = network(window, exog, truncation_length)  # (N, 1, C, P)
        value = feed_back(params)  # (N, 1, C)
        if teacher is not None:
            value = value.detach()
            if sampling_prob < 1:  # else the forecast is always fed back
                use_truth = torch.rand(
                    value.shape[0], 1, 1, device=value.device, generator=generator
                )
                value = torch.where(
                    use_truth >= sampling_prob, teacher[:, step : step + 1], value
                )
        outputs.append(params)
        values.append(value)
        row = torch.cat([value, exog], dim=2)  # (N, 1, C+K)
        window = torch.cat([window[:, 1:], row], dim=1)
    return torch.cat(outputs, dim=1), torch.cat(values, dim=1)
