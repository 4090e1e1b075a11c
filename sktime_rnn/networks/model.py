"""The forecasting network: recurrent encoder plus a direct multi-output head."""

from __future__ import annotations

__all__ = ["WINDOW_NORMS", "DirectForecastNetwork"]

import torch
from torch import Tensor, nn

from sktime_rnn.networks.encoder import RecurrentEncoder

WINDOW_NORMS = ("standard", "mean", None)
_MIN_STD = 1e-5


def window_statistics(past: Tensor, n_targets: int, norm: str | None):
    """Location and scale of each window's targets: (N, 1, C) each.

    "standard": the window's mean and standard deviation; "mean": its mean and
    1; None: 0 and 1 (no normalisation).
    """
    targets = past[:, :, :n_targets]  # (N, L, C)
    if norm is None:
        zeros = targets.new_zeros(targets.shape[0], 1, n_targets)
        return zeros, zeros + 1
    loc = targets.mean(dim=1, keepdim=True)
    if norm == "mean" or targets.shape[1] < 2:
        return loc, torch.ones_like(loc)
    return loc, targets.std(dim=1, keepdim=True).clamp_min(_MIN_STD)


class DirectForecastNetwork(nn.Module):
    """Encode a window of the past, predict every horizon step at once.

    The head sees the encoder's summary of the window and, when there are
    exogenous variables, their values at the forecast steps (known future
    inputs), flattened.

    Parameters
    ----------
    encoder : RecurrentEncoder
        Reads the past window; its input size is C + K.
    n_targets : int
        C, target variables.
    n_steps : int
        S, horizon steps predicted.
    n_exogenous : int, default=0
        K, exogenous variables.
    window_norm : {"standard", "mean", None}, default=None
        Reversible normalisation of every window: the targets of the past
        window are standardised by their own mean (and standard deviation) and
        the forecast is transformed back, so the network learns shapes rather
        than levels and follows trends beyond the training range.

    Examples
    --------
    >>> import torch
    >>> encoder = RecurrentEncoder("lstm", input_size=3, hidden_size=8)
    >>> net = DirectForecastNetwork(encoder, n_targets=1, n_steps=4, n_exogenous=2)
    >>> past, future_exog = torch.zeros(5, 12, 3), torch.zeros(5, 4, 2)
    >>> tuple(net(past, future_exog).shape)
    (5, 4, 1)
    """

    def __init__(
        self,
        encoder: RecurrentEncoder,
        n_targets: int,
        n_steps: int,
        n_exogenous: int = 0,
        window_norm: str | None = None,
    ):
        super().__init__()
        self.encoder = encoder
        self.n_targets = n_targets
        self.n_steps = n_steps
        self.n_exogenous = n_exogenous
        self.window_norm = window_norm
        self.head = nn.Linear(
            encoder.output_size + n_steps * n_exogenous, n_steps * n_targets
        )

    def forward(
        self,
        past: Tensor,
        future_exog: Tensor | None = None,
        truncation_length: int | None = None,
    ) -> Tensor:
        """Forecast from ``past`` (N, L, C+K) and ``future_exog`` (N, S, K).

        Returns
        -------
        Tensor
            (N, S, C) forecasts in the scale the network was trained on.
        """
        inputs, loc, scale = self.normalize(past)
        forecast = self.forecast_normalized(inputs, future_exog, truncation_length)
        return forecast * scale + loc  # (N, S, C)

    def normalize(self, past: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Normalise each window's targets; return inputs (N, L, C+K), loc, scale."""
        loc, scale = window_statistics(past, self.n_targets, self.window_norm)
        if self.window_norm is None:
            return past, loc, scale
        normalized = (past[:, :, : self.n_targets] - loc) / scale
        return torch.cat([normalized, past[:, :, self.n_targets :]], dim=2), loc, scale

    def forecast_normalized(
        self,
        inputs: Tensor,
        future_exog: Tensor | None = None,
        truncation_length: int | None = None,
    ) -> Tensor:
        """Encode normalised ``inputs`` (N, L, C+K); forecast (N, S, C), normalised."""
        output, _ = self.encoder(inputs, truncation_length=truncation_length)
        return self.forecast_from(self.encoder.summary(output), future_exog)

    def forecast_from(self, features: Tensor, future_exog: Tensor | None) -> Tensor:
        """Apply the head to encoder summaries (N, D*H) and ``future_exog`` (N, S, K).

        Returns (N, S, C) forecasts, before any window de-normalisation.
        """
        if self.n_exogenous:
            features = torch.cat([features, future_exog.flatten(1)], dim=1)
            # (N, D*H + S*K)
        return self.head(features).view(-1, self.n_steps, self.n_targets)

    def stream(
        self,
        inputs: Tensor,
        future_exog: Tensor | None,
        state: list | None = None,
        truncation_length: int | None = None,
    ) -> tuple[Tensor, list]:
        """Forecast from every step of a stream, continuing from ``state``.

        The stateful counterpart of :meth:`forward`: the encoder runs over
        ``inputs`` from ``state`` (zeros if None) and the head forecasts the
        next S steps from the output at every step.

        Parameters
        ----------
        inputs : Tensor
            (N, T, C+K) consecutive observations of N streams.
        future_exog : Tensor or None
            (N, T, S, K) exogenous values at the horizon steps of every step.
        state : list or None
            Encoder state to start from, as returned by an earlier call.
        truncation_length : int or None
            See :meth:`RecurrentEncoder.forward`.

        Returns
        -------
        forecasts : Tensor
            (N, T, S, C).
        state : list
            Encoder state after the last step.
        """
        if self.window_norm is not None or self.encoder.bidirectional:
            raise ValueError("streaming needs window_norm=None and bidirectional=False")
        output, state = self.encoder(inputs, state, truncation_length)  # (N, T, H)
        n_streams, length = output.shape[:2]
        flat_exog = None if future_exog is None else future_exog.flatten(0, 1)
        forecast = self.forecast_from(output.flatten(0, 1), flat_exog)  # (N*T, S, C)
        return forecast.view(n_streams, length, self.n_steps, self.n_targets), state
