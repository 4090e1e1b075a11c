"""A recurrent correction to a statistical forecast: forecast = base * exp(c).

The hybrid of Smyl's ES-RNN (M4's winner) in its simplest form: a statistical
forecast (computed outside the network, see
``sktime_rnn.forecasting._engine._statistical``) gives the level, trend and season;
the network reads the recent past relative to that level and outputs one log
correction per horizon step. Its head starts at zero, so an untrained network
forecasts exactly the statistical part, and training moves away from it only
as far as the data support.
"""

from __future__ import annotations

__all__ = ["HybridForecastNetwork", "HybridLikelihood"]

import torch
from torch import Tensor, nn

from sktime_rnn.networks.batches import OriginBatch
from sktime_rnn.networks.encoder import RecurrentEncoder
from sktime_rnn.networks.likelihoods import PointLikelihood, make_likelihood


class HybridLikelihood(PointLikelihood):
    """The point forecast of a hybrid; an ensemble takes its members' median.

    The median of the members' log corrections is the median of their
    forecasts (the exponential is monotone), robust to one member that wandered.
    """

    def combine(self, stacked: Tensor) -> Tensor:
        """The median over the members' axis (the first)."""
        return stacked.median(dim=0).values


class HybridForecastNetwork(nn.Module):
    """Encoder over the recent past, zero-initialised head: log corrections.

    Parameters
    ----------
    encoder : RecurrentEncoder
        Reads (N, L, 2) inputs: the values before the origin minus its level,
        and a mask of which are real (short series are left-padded).
    n_steps : int
        S, horizon steps corrected.
    loss : str, default="mase"
        A point loss of ``sktime_rnn.networks.likelihoods.LIKELIHOODS``
        ("mase", "mae", "mse", "huber"), of the errors of the forecasts in the
        units of the data divided by the series' MASE scale (its in-sample
        seasonal-naive mean absolute error), so that every series weighs
        alike: "mase" and "mae" their absolute value, "mse" their square,
        "huber" the Huber loss.

    Examples
    --------
    >>> encoder = RecurrentEncoder("lstm", input_size=2, hidden_size=4)
    >>> net = HybridForecastNetwork(encoder, n_steps=3)
    >>> net(torch.randn(5, 8, 2), torch.zeros(5, 3)).abs().max().item()  # starts at 0
    0.0
    """

    # an untrained network forecasts the statistical part: a forecast worth
    # comparing with, so early stopping counts it as a candidate
    untrained_is_a_forecast = True

    def __init__(self, encoder: RecurrentEncoder, n_steps: int, loss: str = "mase"):
        super().__init__()
        self.encoder = encoder
        self.n_steps = n_steps
        self.likelihood = HybridLikelihood(make_likelihood(loss, None).loss_fn)
        self.head = nn.Linear(encoder.output_size + n_steps, n_steps)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(
        self, past: Tensor, path: Tensor, truncation_length: int | None = None
    ) -> Tensor:
        """Log corrections (N, S) from ``past`` (N, L, 2) and the base path (N, S).

        ``path`` is the statistical forecast's path relative to its level
        (the head sees where the statistical part is heading).
        """
        output, _ = self.encoder(past, truncation_length=truncation_length)
        features = torch.cat([self.encoder.summary(output), path], dim=1)  # (N, H+S)
        return self.head(features)

    def errors(self, correction: Tensor, batch: OriginBatch) -> Tensor:
        """Errors (N, S) of the forecasts, in MASE units; 0 where masked.

        ``base * exp(c) / s - y / s``, computed as ``(base / s) * expm1(c) +
        (base - y) / s`` with both fractions exact in float64: the error of a
        series at 1e12 that varies by 1 stays exact in float32, and values
        beyond the float32 range (1e300, say) do not overflow.
        """
        return (
            batch.base_over_scale * torch.expm1(correction) + batch.gap
        ) * batch.mask

    def batch_loss(
        self,
        batch: OriginBatch,
        truncation_length: int | None = None,
        training: bool = True,
    ) -> Tensor:
        """The loss of one batch of origins (see :class:`OriginWindows`)."""
        correction = self(batch.past, batch.path, truncation_length)
        return self._loss(self.errors(correction, batch), batch)

    def reference_loss(self, batch: OriginBatch) -> Tensor:
        """The loss of the statistical part alone (a zero correction)."""
        return self._loss(self.errors(torch.zeros_like(batch.gap), batch), batch)

    def _loss(self, errors: Tensor, batch: OriginBatch) -> Tensor:
        values = self.likelihood.loss_fn(
            errors, torch.zeros_like(errors), reduction="none"
        )
        per_origin = values.sum(dim=1) / batch.mask.sum(dim=1).clamp_min(1)
        return per_origin.mean()

    def gradient_flow(self, batch: OriginBatch) -> Tensor:
        """Norm of the loss gradient with respect to every step of the window (L,).

        The hybrid's counterpart of
        :meth:`~sktime_rnn.networks.model.ForecastNetwork.gradient_flow`.
        """
        past = batch.past.detach().requires_grad_(True)
        was_training = self.training
        self.eval()
        try:
            with torch.enable_grad():
                loss = self.batch_loss(batch._replace(past=past))
                (grad,) = torch.autograd.grad(loss, past)
        finally:
            self.train(was_training)
        return grad.norm(dim=2).mean(dim=0)
