"""Stateful training data: a series cut into parallel streams, read chunk by chunk."""

from __future__ import annotations

__all__ = ["SeriesStreams"]

from collections.abc import Iterator

import torch
from torch import Tensor

from sktime_rnn.exceptions import InvalidDataError


class SeriesStreams:
    """A series as ``n_streams`` consecutive segments, read in time order.

    For stateful training: the series is cut into ``n_streams`` contiguous
    segments processed side by side as one batch (as in PyTorch's word language
    model), and each segment is read in chunks of ``chunk_length`` steps, so the
    hidden state can be carried from one chunk to the next. Every step whose
    horizon targets are observed is a training example.

    Parameters
    ----------
    series : Tensor
        (T, C+K) values, targets first.
    steps : sequence of int
        Horizon steps forecast from every time step.
    n_targets : int
        C, target columns.
    n_streams : int
        Segments read in parallel (at most one per ``chunk_length`` steps).
    chunk_length : int
        Steps per chunk; the state is detached between chunks.

    Examples
    --------
    >>> import torch
    >>> streams = SeriesStreams(torch.arange(21.0).unsqueeze(1), [1], 1, 2, 5)
    >>> [tuple(x.shape) for x, _, _ in streams]
    [(2, 5, 1), (2, 5, 1)]
    >>> x, _, target = next(iter(streams))
    >>> x[1, :, 0].tolist(), target[1, :, 0, 0].tolist()
    ([10.0, 11.0, 12.0, 13.0, 14.0], [11.0, 12.0, 13.0, 14.0, 15.0])
    """

    def __init__(self, series: Tensor, steps, n_targets: int, n_streams, chunk_length):
        steps = torch.as_tensor(steps, dtype=torch.long)
        max_step = int(steps.max())
        n_examples = series.shape[0] - max_step
        if n_examples < 1:
            raise InvalidDataError(
                f"need more than {max_step} observations to train statefully, "
                f"got {series.shape[0]}"
            )
        self.chunk_length = chunk_length
        self.n_streams = max(1, min(n_streams, n_examples // chunk_length))
        segment = n_examples // self.n_streams
        # drop the oldest steps that do not fill a segment: keep the newest data
        start = n_examples - segment * self.n_streams
        inputs = series[start:n_examples]  # (n_streams * segment, C+K)
        horizon = series.unfold(0, max_step + 1, 1)[start:n_examples]
        future = horizon[:, :, steps].permute(0, 2, 1)  # (n_streams*segment, S, C+K)
        self._inputs = inputs.reshape(self.n_streams, segment, -1)
        self._future = future.reshape(self.n_streams, segment, len(steps), -1)
        self.n_targets = n_targets

    def __len__(self) -> int:
        """Return the number of chunks per pass."""
        return -(-self._inputs.shape[1] // self.chunk_length)

    def __iter__(self) -> Iterator[tuple[Tensor, Tensor, Tensor]]:
        """Yield ``(inputs, future_exog, target)`` chunks in time order.

        Shapes: (B, k, C+K), (B, k, S, K) and (B, k, S, C), with B streams and k
        steps (the last chunk may be shorter).
        """
        for start in range(0, self._inputs.shape[1], self.chunk_length):
            stop = start + self.chunk_length
            future = self._future[:, start:stop]
            yield (
                self._inputs[:, start:stop],
                future[..., self.n_targets :],
                future[..., : self.n_targets],
            )
