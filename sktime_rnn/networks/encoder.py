"""Stacked recurrent encoder: layers, dropout, skip connections, truncated BPTT."""

from __future__ import annotations

__all__ = ["RandomDraws", "RecurrentEncoder", "SeededDropout", "drawing_from"]

import contextlib

import torch
from torch import Tensor, nn

from sktime_rnn.networks.cells import get_cell
from sktime_rnn.networks.init import initialize_recurrent_layer

State = list  # one entry per layer: h (D, N, H), or (h, c) for LSTM-like cells


def detach_state(state):
    """Detach one layer's state, ``h`` or ``(h, c)``, from the autograd graph."""
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def select_batch(state, position: int):
    """One batch row of one layer's state, ``h`` or ``(h, c)``, each (D, N, H)."""
    if isinstance(state, tuple):
        return tuple(s[:, position : position + 1] for s in state)
    return state[:, position : position + 1]


def concat_batch(states: list):
    """Join one layer's states of several batches along the batch dimension."""
    if isinstance(states[0], tuple):
        return tuple(torch.cat(parts, dim=1) for parts in zip(*states, strict=True))
    return torch.cat(states, dim=1)


class RandomDraws:
    """A module whose random draws come from its ``generator``.

    A fit sets it for the fit's duration (:func:`drawing_from`); ``None``
    (the default) is torch's global generator.
    """

    generator: torch.Generator | None = None


class SeededDropout(RandomDraws, nn.Module):
    """Dropout whose masks come from ``generator`` rather than torch's global one.

    ``nn.Dropout`` cannot take a generator; a fit sets this module's
    ``generator`` (see :func:`drawing_from`) so that its masks are private to
    the fit. With ``generator=None`` it draws from the global generator.

    Examples
    --------
    >>> dropout = SeededDropout(0.5)
    >>> with drawing_from(dropout, torch.Generator().manual_seed(0)):
    ...     a = dropout(torch.ones(8))
    >>> with drawing_from(dropout, torch.Generator().manual_seed(0)):
    ...     b = dropout(torch.ones(8))
    >>> bool((a == b).all()), set(a.tolist()) <= {0.0, 2.0}
    (True, True)
    """

    def __init__(self, p: float = 0.0):
        super().__init__()
        self.p = p
        self.generator: torch.Generator | None = None

    def forward(self, x: Tensor) -> Tensor:
        """Zero each element with probability ``p``, scale the rest by 1/(1-p)."""
        if not self.training or self.p == 0:
            return x
        keep = 1.0 - self.p
        mask = torch.empty_like(x).bernoulli_(keep, generator=self.generator)
        return x * mask / keep

    def extra_repr(self) -> str:
        """Show ``p`` in the module's repr."""
        return f"p={self.p}"


@contextlib.contextmanager
def drawing_from(network: nn.Module, generator: torch.Generator):
    """Make every module of ``network`` that draws random numbers use ``generator``.

    Dropout masks (:class:`SeededDropout`) and the coin flips of scheduled
    sampling then come from the fit's private generator.

    The generator is detached again afterwards, so the network pickles and
    copies as before.
    """
    modules = [m for m in network.modules() if isinstance(m, RandomDraws)]
    for module in modules:
        module.generator = generator
    try:
        yield
    finally:
        for module in modules:
            module.generator = None


def _chunk_lengths(length: int, truncation_length: int | None) -> list[int]:
    """Split ``length`` steps into ``truncation_length`` chunks, aligned to the end.

    Aligning to the end makes the last ``truncation_length`` steps, the ones
    closest to the forecast, one chunk whose gradient is not cut.
    """
    if truncation_length is None or truncation_length >= length:
        return [length]
    head = length % truncation_length
    return ([head] if head else []) + [truncation_length] * (
        length // truncation_length
    )


class RecurrentEncoder(nn.Module):
    """Stack of recurrent layers of one cell, read over a window of past values.

    Parameters
    ----------
    cell : str
        Registered cell name, see :func:`sktime_rnn.networks.cells.available_cells`.
    input_size : int
        H_in, features per time step.
    hidden_size : int
        H, hidden units per layer and direction.
    num_layers : int, default=1
        Number of stacked layers.
    dropout : float, default=0.0
        Dropout between stacked layers (not after the last one).
    bidirectional : bool, default=False
        Each layer also reads the window backwards (D = 2). Only valid over an
        observed window: the encoder never sees values after the cutoff.
    skip_connections : bool, default=False
        Residual connections around each layer: ``out = layer(x) + P x``, with
        ``P`` a learned projection where the sizes differ and the identity where
        they agree.
    init : {"orthogonal", "xavier", "default"}, default="orthogonal"
        Initialisation of the recurrent layers, see
        :func:`~sktime_rnn.networks.init.initialize_recurrent_layer`.
    forget_bias : float or None, default=1.0
        Initial forget-gate bias of cells that have a forget gate.

    Examples
    --------
    >>> import torch
    >>> encoder = RecurrentEncoder("gru", input_size=2, hidden_size=8, num_layers=2)
    >>> out, state = encoder(torch.zeros(4, 10, 2))
    >>> tuple(out.shape), len(state)
    ((4, 10, 8), 2)
    """

    def __init__(
        self,
        cell: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        dropout: float = 0.0,
        bidirectional: bool = False,
        skip_connections: bool = False,
        init: str = "orthogonal",
        forget_bias: float | None = 1.0,
    ):
        super().__init__()
        spec = get_cell(cell)
        n_directions = 2 if bidirectional else 1
        self.hidden_size = hidden_size
        self.bidirectional = bidirectional
        self.output_size = n_directions * hidden_size
        self.layers = nn.ModuleList()
        self.skips = nn.ModuleList()
        layer_input = input_size
        for _ in range(num_layers):
            layer = spec.factory(layer_input, hidden_size, bidirectional)
            initialize_recurrent_layer(layer, spec, init, forget_bias)
            self.layers.append(layer)
            if not skip_connections:
                self.skips.append(None)
            elif layer_input == self.output_size:
                self.skips.append(nn.Identity())
            else:
                self.skips.append(nn.Linear(layer_input, self.output_size, bias=False))
            layer_input = self.output_size
        self.dropout = SeededDropout(dropout)

    def _step_layers(self, x: Tensor, state: State) -> tuple[Tensor, State]:
        new_state = []
        for depth, (layer, skip) in enumerate(
            zip(self.layers, self.skips, strict=True)
        ):
            if depth > 0:
                x = self.dropout(x)
            out, layer_state = layer(x, state[depth])
            x = out if skip is None else out + skip(x)
            new_state.append(layer_state)
        return x, new_state

    def forward(
        self,
        x: Tensor,
        state: State | None = None,
        truncation_length: int | None = None,
    ) -> tuple[Tensor, State]:
        """Encode ``x`` of shape (N, L, H_in).

        Parameters
        ----------
        x : Tensor
            (N, L, H_in) window, oldest step first.
        state : list or None
            Initial state per layer (as returned by a previous call); zeros if None.
        truncation_length : int or None
            Truncated back-propagation through time: the state is detached every
            ``truncation_length`` steps (counted back from the last step), so no
            gradient flows further back than that. None: full BPTT.

        Returns
        -------
        output : Tensor
            (N, L, D*H) outputs of the last layer.
        state : list
            Final state per layer, to continue from in a next call.
        """
        if truncation_length is not None and self.bidirectional:
            raise ValueError(
                "truncation_length cannot be combined with bidirectional=True: the "
                "backward direction would read each chunk from its own end"
            )
        if state is None:
            state = [None] * len(self.layers)
        outputs = []
        start = 0
        for length in _chunk_lengths(x.shape[1], truncation_length):
            if start > 0:
                state = [detach_state(s) for s in state]
            out, state = self._step_layers(x[:, start : start + length], state)
            outputs.append(out)
            start += length
        output = outputs[0] if len(outputs) == 1 else torch.cat(outputs, dim=1)
        return output, state  # (N, L, D*H)

    def summary(self, output: Tensor) -> Tensor:
        """Summarise the encoder output in one vector per window: (N, D*H).

        The forward direction is read at the last step (it has seen the whole
        window); the backward direction at the first step, for the same reason.
        """
        if not self.bidirectional:
            return output[:, -1]
        forward_last = output[:, -1, : self.hidden_size]
        backward_last = output[:, 0, self.hidden_size :]
        return torch.cat([forward_last, backward_last], dim=1)  # (N, 2H)
