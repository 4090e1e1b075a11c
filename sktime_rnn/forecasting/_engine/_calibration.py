"""Split-conformal calibration of forecast intervals, per horizon step.

After training, the network forecasts its validation windows (whose targets
it never trained on); their errors, step by step, set how wide an interval
must be to cover a share ``c`` of them. That share carries over to new data
as long as it behaves like the validation period (exchangeability): the
guarantee of split-conformal prediction, which needs no assumption about the
network or its likelihood.

The score of a validation forecast is its likelihood's
(``conformity``, in ``sktime_rnn.networks.likelihoods``): for a point loss
the absolute error ``|y - y_hat|`` and the interval ``y_hat +- q``; for
``"normal"`` the standardised error ``|y - mu| / sigma`` and the interval
``mu +- q sigma``, wider where the network is less sure; for ``"quantile"``
(and any other distribution) the conformalised quantile regression score
``max(lo - y, y - hi)`` of the network's own interval ``[lo, hi]`` and the
interval ``[lo - q, hi + q]``.

``q`` is the ``ceil((n + 1) c) / n`` empirical quantile of the ``n`` scores
of that step. All values are in the series' scaled units (a hybrid's: the
data's).
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
        scores = likelihood.conformity(calibration, targets, coverage)
        q = _conformal_quantile(scores, coverage)  # (S', C)
        return likelihood.calibrated_bounds(params, q, coverage)


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
def calibrate(network, validation, forecasts) -> Calibration:
    """Forecast every validation window with the trained network.

    ``forecasts(batch)`` returns the forecasts (N, S, C, P) of a batch of
    ``validation`` and its targets (N, S, C), NaN where a target is past the
    end of its series: the model kind's own way to forecast its windows.
    """
    network.eval()
    params, targets = [], []
    for start in range(0, len(validation), 4096):
        index = torch.arange(
            start, min(start + 4096, len(validation)), device=validation.series.device
        )
        forecast, target = forecasts(validation.batch(index))
        params.append(forecast.cpu())
        targets.append(target.cpu())
    params, targets = torch.cat(params), torch.cat(targets)
    return Calibration(params.double().numpy(), targets.double().numpy())
