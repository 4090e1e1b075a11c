"""Split-conformal calibration of forecast intervals, per horizon step.

After training, the network forecasts its validation windows (whose targets
it never trained on); their errors, step by step, set how wide an interval
must be to cover a share ``c`` of them. That share carries over to new data
as long as it behaves like the validation period (exchangeability): the
guarantee of split-conformal prediction, which needs no assumption about the
network or its likelihood.

The score of a validation forecast depends on the loss:

- point losses: the absolute error ``|y - y_hat|``; the interval is
  ``y_hat +- q``;
- ``"normal"``: the standardised error ``|y - mu| / sigma``; the interval is
  ``mu +- q sigma``, so it stays wider where the network is less sure;
- ``"quantile"``: the conformalised quantile regression score
  ``max(lo - y, y - hi)`` of the network's own interval ``[lo, hi]``; the
  interval is ``[lo - q, hi + q]``.

``q`` is the ``ceil((n + 1) c) / n`` empirical quantile of the ``n`` scores
of that step. All values are in the series' scaled units.
"""

from __future__ import annotations

__all__ = ["Calibration", "calibrate"]

import math
from dataclasses import dataclass

import numpy as np
import torch


@dataclass
class Calibration:
    """Validation forecasts and truths, from which intervals are calibrated.

    Attributes
    ----------
    params : numpy.ndarray of shape (n, S, C, P)
        Likelihood parameters forecast for the ``n`` validation windows, at
        the network's ``S`` horizon steps, in scaled units.
    targets : numpy.ndarray of shape (n, S, C)
        What those windows' horizon steps turned out to be (NaN past the end
        of a series).
    """

    params: np.ndarray
    targets: np.ndarray

    def bounds(self, likelihood, params: torch.Tensor, coverage: float, steps):
        """Calibrated lower and upper bounds (B, S', C) for new ``params``.

        ``params`` (B, S', C, P) are forecasts at the network's horizon steps
        ``steps`` (positions into the calibration's steps).
        """
        calibration = torch.as_tensor(self.params, dtype=params.dtype)[:, steps]
        targets = torch.as_tensor(self.targets, dtype=params.dtype)[:, steps]
        low_level, high_level = (1 - coverage) / 2, (1 + coverage) / 2
        if likelihood.n_params == 2 and likelihood.probabilistic:  # normal
            scores = (targets - calibration[..., 0]).abs() / calibration[..., 1]
            q = _conformal_quantile(scores, coverage)  # (S', C)
            return params[..., 0] - q * params[..., 1], params[..., 0] + q * params[
                ..., 1
            ]
        if likelihood.probabilistic:  # quantiles: conformalised quantile regression
            levels = [low_level, high_level]
            low, high = likelihood.quantiles(calibration, levels).unbind(-1)
            scores = torch.maximum(low - targets, targets - high)
            q = _conformal_quantile(scores, coverage)
            new_low, new_high = likelihood.quantiles(params, levels).unbind(-1)
            return new_low - q, new_high + q
        scores = (targets - calibration[..., 0]).abs()
        q = _conformal_quantile(scores, coverage)
        return params[..., 0] - q, params[..., 0] + q


def _conformal_quantile(scores: torch.Tensor, coverage: float) -> torch.Tensor:
    """The ``ceil((n + 1) c)``-th smallest of ``n`` scores, per step and column.

    Missing scores (NaN: a target past the end of its series) do not count;
    with too few scores for the level (``(n + 1) c > n``) the largest one.
    """
    known = ~scores.isnan()
    n = known.sum(dim=0).clamp_min(1)  # (S, C)
    rank = torch.ceil((n + 1) * coverage).long().clamp(1, None).minimum(n)
    ordered = torch.where(known, scores, math.inf).sort(dim=0).values
    return ordered.gather(0, (rank - 1).unsqueeze(0)).squeeze(0)


@torch.inference_mode()
def calibrate(
    network, validation, hybrid: bool = False, shrinkage: float = 1.0
) -> Calibration:
    """Forecast every validation window with the trained network.

    The network outputs one forecast per step of the windows' targets (the
    direct and seq2seq strategies, and a ``hybrid``: windows of
    :class:`~sktime_rnn.training.origins.OriginWindows`, whose forecasts and
    targets are in the units of the data, NaN where a target is past the end;
    its forecasts apply ``shrinkage`` of the correction, as its predictions do).
    """
    network.eval()
    params, targets = [], []
    for start in range(0, len(validation), 4096):
        index = torch.arange(
            start, min(start + 4096, len(validation)), device=validation.series.device
        )
        batch = validation.batch(index)
        if hybrid:
            past, path, log_base, log_target, mask, _ = batch
            log_forecast = log_base + shrinkage * network(past, path)  # (N, S)
            forecast = log_forecast.double().exp()
            target = torch.where(mask > 0, log_target.double().exp(), math.nan)
            params.append(forecast[..., None, None].cpu())  # (N, S, 1, 1)
            targets.append(target[..., None].cpu())  # (N, S, 1)
            continue
        past, future_exog, target = batch
        params.append(network(past, future_exog).cpu())
        targets.append(target.cpu())
    params, targets = torch.cat(params), torch.cat(targets)
    return Calibration(params.double().numpy(), targets.double().numpy())
