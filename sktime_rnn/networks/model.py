"""Forecasting networks: a recurrent encoder over the window, then a head.

``DirectForecastNetwork`` predicts every horizon step at once from the
encoder's summary; ``Seq2SeqForecastNetwork`` unrolls a recurrent decoder over
the horizon. Both output likelihood parameters of shape (N, S, C, P) and share
the reversible per-window normalisation of :class:`ForecastNetwork`.
"""

from __future__ import annotations

__all__ = [
    "WINDOW_NORMS",
    "DirectForecastNetwork",
    "EnsembleNetwork",
    "ForecastNetwork",
    "Seq2SeqForecastNetwork",
]

import torch
from torch import Tensor, nn

from sktime_rnn.networks.batches import WindowBatch
from sktime_rnn.networks.encoder import RandomDraws, RecurrentEncoder
from sktime_rnn.networks.likelihoods import PointLikelihood
from sktime_rnn.networks.rollout import roll_out

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


class ForecastNetwork(RandomDraws, nn.Module):
    """Shared frame: normalise the window, forecast, undo the normalisation.

    Subclasses implement :meth:`forecast_normalized`. Every network the
    trainer drives scores its own batches (:meth:`batch_loss`), says what a
    network that learned nothing would score (:meth:`reference_loss`) and
    profiles its gradient over the window (:meth:`gradient_flow`).

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
    likelihood : PointLikelihood, optional
        What the head's outputs mean; a point forecast if None.
    n_series : int, default=0
        Series seen in training, for ``embedding_dim``.
    embedding_dim : int, default=0
        If above 0, a learned embedding of every series' identity is added to
        the inputs of every step. Inputs (and ``future_exog``) then carry the
        series' number as their last column; number ``n_series`` is a series
        not seen in training, which gets the mean of the learned embeddings.
    scheduled_sampling : float or None, default=None
        If not None, the network is a one-step network trained recursively:
        :meth:`batch_loss` rolls each batch out over all its horizon steps,
        feeding back the truth or, with this probability, the network's own
        forecast (see :func:`~sktime_rnn.networks.rollout.roll_out`), whose
        coin flips come from the network's ``generator``.
    """

    # an untrained network forecasts noise: no candidate for early stopping
    untrained_is_a_forecast = False

    def __init__(
        self,
        encoder: RecurrentEncoder,
        n_targets: int,
        n_steps: int,
        n_exogenous: int = 0,
        window_norm: str | None = None,
        likelihood: PointLikelihood | None = None,
        n_series: int = 0,
        embedding_dim: int = 0,
        scheduled_sampling: float | None = None,
    ):
        super().__init__()
        self.scheduled_sampling = scheduled_sampling
        self.encoder = encoder
        self.n_targets = n_targets
        self.n_steps = n_steps
        self.n_exogenous = n_exogenous
        self.window_norm = window_norm
        self.likelihood = likelihood if likelihood is not None else PointLikelihood()
        self.embedding = None
        if embedding_dim:
            self.embedding = nn.Embedding(n_series + 1, embedding_dim)

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
            (N, S, C, P) likelihood parameters, in the scale of ``past``.
        """
        inputs, loc, scale = self.normalize(past)
        params = self.forecast_normalized(inputs, future_exog, truncation_length)
        return self.likelihood.rescale(params, loc, scale)

    def normalize(self, past: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Normalise each window's targets; return inputs (N, L, C+K), loc, scale."""
        loc, scale = window_statistics(past, self.n_targets, self.window_norm)
        if self.window_norm is not None and past.shape[2] == self.n_targets:
            past = (past - loc) / scale
        elif self.window_norm is not None:
            normalized = (past[:, :, : self.n_targets] - loc) / scale
            past = torch.cat([normalized, past[:, :, self.n_targets :]], dim=2)
        return self.embed(past), loc, scale

    def embed(self, inputs: Tensor) -> Tensor:
        """Replace the series-number column by the series' embedding, if any."""
        if self.embedding is None:
            return inputs
        known = self.embedding.weight[:-1]
        table = torch.cat([known, known.mean(dim=0, keepdim=True)])  # unseen: mean
        numbers = inputs[:, 0, -1].round().long().clamp(0, known.shape[0])  # (N,)
        vectors = table[numbers].unsqueeze(1).expand(-1, inputs.shape[1], -1)
        return torch.cat([inputs[:, :, :-1], vectors], dim=2)  # (N, L, C+K+E)

    def known_exog(self, future_exog: Tensor | None) -> Tensor | None:
        """``future_exog`` without the series-number column, if any."""
        if self.embedding is None or future_exog is None:
            return future_exog
        return future_exog[..., :-1]

    def forecast_normalized(self, inputs, future_exog, truncation_length) -> Tensor:
        """Forecast (N, S, C, P) from normalised ``inputs`` (N, L, C+K)."""
        raise NotImplementedError

    # ------------------------------------------------------ what the trainer calls
    def batch_loss(
        self,
        batch: WindowBatch,
        truncation_length: int | None = None,
        training: bool = True,
    ) -> Tensor:
        """The likelihood's loss on one batch of windows.

        With ``scheduled_sampling`` the one-step network is rolled out over
        the horizon, feeding back its own forecast with the sampling
        probability in training and always when validating
        (``training=False``).
        """
        if self.scheduled_sampling is None:
            params = self(batch.past, batch.future_exog, truncation_length)
        else:
            params, _ = roll_out(
                self,
                batch.past,
                batch.future_exog,
                n_steps=batch.target.shape[1],
                teacher=batch.target,
                sampling_prob=self.scheduled_sampling if training else 1.0,
                truncation_length=truncation_length,
                generator=self.generator,
            )
        return self.likelihood.loss(params, batch.target)

    def reference_loss(self, batch: WindowBatch) -> Tensor:
        """The loss of a head that outputs zeros, on ``batch``.

        With window normalisation that forecasts each window's mean (or its
        location), without it the series' mean: what any trained network
        should beat.
        """
        _, loc, scale = self.normalize(batch.past)
        likelihood = self.likelihood
        raw = batch.target.new_zeros(*batch.target.shape, likelihood.n_params)
        params = likelihood.rescale(likelihood.constrain(raw), loc, scale)
        return likelihood.loss(params, batch.target)

    def gradient_flow(self, batch: WindowBatch) -> Tensor:
        """Norm of the loss gradient with respect to the input at every window step.

        The fused recurrent kernels do not expose the hidden states h_t as
        nodes of the autograd graph, so the profile is taken at the encoder's
        inputs: dLoss/dx_t is W_ih^T times the gradient reaching the gates at
        step t, so it carries the decay of dLoss/dh_t back through time, and
        it is defined for every cell, skip connections and bidirectional
        encoders alike. The window normalisation's statistics are held
        constant, so that only the recurrent path is measured. A network
        trained recursively is profiled as the one-step network it is.

        Returns
        -------
        Tensor
            (L,) mean over the batch of ||dLoss/dx_t||, oldest step first.
        """
        if self.scheduled_sampling is not None:  # the one-step network
            batch = WindowBatch(
                batch.past, batch.future_exog[:, :1], batch.target[:, :1]
            )
        was_training = self.training
        self.eval()
        try:
            # cuDNN back-propagates through its RNNs only in training mode; the
            # native kernels also do so in eval mode (no dropout), as wanted here
            with torch.enable_grad(), torch.backends.cudnn.flags(enabled=False):
                inputs, loc, scale = self.normalize(batch.past.detach())
                inputs = inputs.detach().requires_grad_(True)
                params = self.forecast_normalized(inputs, batch.future_exog)
                params = self.likelihood.rescale(params, loc, scale)
                loss = self.likelihood.loss(params, batch.target)
                (grad,) = torch.autograd.grad(loss, inputs)
        finally:
            self.train(was_training)
        return grad.norm(dim=2).mean(dim=0)  # (L,)

    def _head_output(self, head: nn.Linear, features: Tensor, n_steps: int) -> Tensor:
        raw = head(features).view(-1, n_steps, self.n_targets, self.likelihood.n_params)
        return self.likelihood.constrain(raw)  # (N, S, C, P)


class DirectForecastNetwork(ForecastNetwork):
    """Encode a window of the past, predict every horizon step at once.

    The head sees the encoder's summary of the window and, when there are
    exogenous variables, their values at the forecast steps (known future
    inputs), flattened. Parameters as :class:`ForecastNetwork`.

    Examples
    --------
    >>> import torch
    >>> encoder = RecurrentEncoder("lstm", input_size=3, hidden_size=8)
    >>> net = DirectForecastNetwork(encoder, n_targets=1, n_steps=4, n_exogenous=2)
    >>> past, future_exog = torch.zeros(5, 12, 3), torch.zeros(5, 4, 2)
    >>> tuple(net(past, future_exog).shape)
    (5, 4, 1, 1)
    """

    def __init__(self, encoder, n_targets, n_steps, n_exogenous=0, **kwargs):
        super().__init__(encoder, n_targets, n_steps, n_exogenous, **kwargs)
        self.head = nn.Linear(
            encoder.output_size + n_steps * n_exogenous,
            n_steps * n_targets * self.likelihood.n_params,
        )

    def forecast_normalized(
        self,
        inputs: Tensor,
        future_exog: Tensor | None = None,
        truncation_length: int | None = None,
    ) -> Tensor:
        """Encode normalised ``inputs`` (N, L, C+K); forecast (N, S, C, P)."""
        output, _ = self.encoder(inputs, truncation_length=truncation_length)
        return self.forecast_from(self.encoder.summary(output), future_exog)

    def forecast_from(self, features: Tensor, future_exog: Tensor | None) -> Tensor:
        """Apply the head to encoder summaries (N, D*H) and ``future_exog`` (N, S, K).

        Returns (N, S, C, P) parameters, before any window de-normalisation.
        """
        if self.n_exogenous:
            future_exog = self.known_exog(future_exog)
            features = torch.cat([features, future_exog.flatten(1)], dim=1)
            # (N, D*H + S*K)
        return self._head_output(self.head, features, self.n_steps)

    def warm_up(self, inputs: Tensor, state: list | None = None) -> tuple[Tensor, list]:
        """Read observations (N, T, C+K) from ``state`` (zeros if None).

        Returns the encoder output at the last step (N, D*H), from which
        :meth:`forecast_from` forecasts, and the state to continue from.
        """
        output, state = self.encoder(self.embed(inputs), state)
        return output[:, -1], state

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
            (N, T, S, C, P).
        state : list
            Encoder state after the last step.
        """
        if self.window_norm is not None or self.encoder.bidirectional:
            raise ValueError("streaming needs window_norm=None and bidirectional=False")
        output, state = self.encoder(self.embed(inputs), state, truncation_length)
        n_streams, length = output.shape[:2]  # output: (N, T, H)
        flat_exog = None if future_exog is None else future_exog.flatten(0, 1)
        params = self.forecast_from(output.flatten(0, 1), flat_exog)  # (N*T, S, C, P)
        return params.view(n_streams, length, *params.shape[1:]), state


class Seq2SeqForecastNetwork(ForecastNetwork):
    """Encoder over the window, recurrent decoder over the horizon.

    The decoder, of the encoder's cell, starts from the encoder's final state
    (its forward direction) and reads, at horizon step s, the exogenous values
    at that step, the encoder's summary of the window (both directions, if
    bidirectional) and s / S; a shared head turns each decoder output into the
    forecast of that step. Parameters as :class:`ForecastNetwork`, plus:

    Parameters
    ----------
    decoder : RecurrentEncoder
        Unidirectional, same cell, layers and hidden size as ``encoder``, with
        input size K + D*H + 1.

    Examples
    --------
    >>> import torch
    >>> encoder = RecurrentEncoder("gru", input_size=3, hidden_size=8)
    >>> decoder = RecurrentEncoder("gru", input_size=2 + 8 + 1, hidden_size=8)
    >>> net = Seq2SeqForecastNetwork(encoder, decoder, n_targets=1, n_steps=4,
    ...                              n_exogenous=2)
    >>> tuple(net(torch.zeros(5, 12, 3), torch.zeros(5, 4, 2)).shape)
    (5, 4, 1, 1)
    """

    def __init__(self, encoder, decoder, n_targets, n_steps, n_exogenous=0, **kwargs):
        super().__init__(encoder, n_targets, n_steps, n_exogenous, **kwargs)
        self.decoder = decoder
        self.head = nn.Linear(decoder.output_size, n_targets * self.likelihood.n_params)

    def forecast_normalized(
        self,
        inputs: Tensor,
        future_exog: Tensor | None = None,
        truncation_length: int | None = None,
    ) -> Tensor:
        """Encode normalised ``inputs`` (N, L, C+K), decode S steps (N, S, C, P)."""
        output, state = self.encoder(inputs, truncation_length=truncation_length)
        context = self.encoder.summary(output)  # (N, D*H)
        n_windows = inputs.shape[0]
        position = torch.arange(1, self.n_steps + 1, device=inputs.device)
        position = (position / self.n_steps).view(1, -1, 1).expand(n_windows, -1, 1)
        decoder_inputs = [context.unsqueeze(1).expand(-1, self.n_steps, -1), position]
        if self.n_exogenous:
            decoder_inputs.insert(0, self.known_exog(future_exog))
        decoder_inputs = torch.cat(decoder_inputs, dim=2)  # (N, S, K + D*H + 1)
        decoded, _ = self.decoder(decoder_inputs, [_forward_half(s) for s in state])
        params = self._head_output(self.head, decoded.flatten(0, 1), 1)  # (N*S,1,C,P)
        return params.view(n_windows, self.n_steps, *params.shape[2:])


def _forward_half(state):
    """The forward direction of one layer's state (D, N, H) -> (1, N, H)."""
    if isinstance(state, tuple):
        return tuple(s[:1].contiguous() for s in state)
    return state[:1].contiguous()


class EnsembleNetwork(nn.Module):
    """Networks of one architecture from different seeds, averaged at predict.

    Each member is trained on its own; the ensemble's forecast combines the
    members' likelihood parameters (:meth:`PointLikelihood.combine`): the mean
    of point forecasts and of quantiles, the moment-matched normal of a normal
    mixture.

    Parameters
    ----------
    members : list of ForecastNetwork
        Same architecture and likelihood.

    Examples
    --------
    >>> import torch
    >>> members = [
    ...     DirectForecastNetwork(RecurrentEncoder("gru", 1, 4), 1, 2) for _ in range(3)
    ... ]
    >>> ensemble = EnsembleNetwork(members)
    >>> past = torch.randn(5, 8, 1)
    >>> mean = torch.stack([m(past) for m in members]).mean(0)
    >>> torch.allclose(ensemble(past), mean)
    True
    """

    def __init__(self, members: list[ForecastNetwork]):
        super().__init__()
        self.members = nn.ModuleList(members)

    @property
    def likelihood(self):
        """The members' likelihood."""
        return self.members[0].likelihood

    @property
    def n_steps(self) -> int:
        """S, horizon steps predicted."""
        return self.members[0].n_steps

    def forward(self, past, future_exog=None, truncation_length=None) -> Tensor:
        """Combined (N, S, C, P) parameters of all members."""
        stacked = torch.stack(
            [member(past, future_exog, truncation_length) for member in self.members]
        )  # (K, N, S, C, P)
        return self.likelihood.combine(stacked)
