"""The last finite weights and optimiser state of a fit, to roll back to."""

from __future__ import annotations

__all__ = ["EpochRollback"]

import functools

import torch
from torch import Tensor, nn


class _Snapshot:
    """A copy of a fixed list of tensors in one flat buffer, weights first.

    One buffer makes the copy a single ``torch._foreach_copy_`` and the
    finiteness check of the weights one reduction over a slice.
    """

    def __init__(self, live: list[Tensor], n_weights: int, n_states: int):
        self.live = live
        self.n_states = n_states  # parameters with optimiser state when taken
        sizes = [tensor.numel() for tensor in live]
        dtype = functools.reduce(torch.promote_types, (t.dtype for t in live))
        self.flat = torch.empty(sum(sizes), dtype=dtype, device=live[0].device)
        parts = self.flat.split(sizes)
        self.copies = [part.view_as(t) for part, t in zip(parts, live, strict=True)]
        self.weights = self.flat[: sum(sizes[:n_weights])]

    def take(self) -> bool:
        """Copy the live tensors in; return whether the weights are all finite."""
        with torch.no_grad():
            torch._foreach_copy_(self.copies, self.live)
        # the largest magnitude is NaN or inf exactly when some weight is: a
        # third of the time of isfinite().all(), which builds a mask
        return bool(self.weights.abs().amax().isfinite())

    def put_back(self) -> None:
        with torch.no_grad():
            torch._foreach_copy_(self.live, self.copies)


class EpochRollback:
    """Keep the weights and optimiser state of the last finite epoch end.

    The trainer calls :meth:`save` before the first epoch and after every
    epoch, and :meth:`restore` when the loss becomes non-finite or training is
    interrupted. :meth:`save` checks the weights it copies: a step can make
    them non-finite after a finite loss, and such a copy is refused (``False``)
    while the last finite one is kept. Two buffers alternate, so a save never
    overwrites the copy it may have to fall back to, and no tensor is
    allocated after the optimiser has created its state: on a short series an
    epoch is a single optimiser step, and cloning two state dicts every epoch
    cost as much as the step's update.

    Examples
    --------
    >>> net = nn.Linear(2, 1)
    >>> optimizer = torch.optim.Adam(net.parameters())
    >>> rollback = EpochRollback(net, optimizer)
    >>> rollback.save()
    True
    >>> before = net.weight.clone()
    >>> net(torch.ones(4, 2)).sum().backward()
    >>> optimizer.step()
    >>> with torch.no_grad():
    ...     _ = net.weight.fill_(float("nan"))
    >>> rollback.save()  # refused: the copy kept is still the one before the step
    False
    >>> rollback.restore()
    >>> bool((net.weight == before).all()), len(optimizer.state)
    (True, 0)
    """

    def __init__(self, network: nn.Module, optimizer: torch.optim.Optimizer):
        self.optimizer = optimizer
        self._weights = [*network.parameters(), *network.buffers()]
        self._kept: _Snapshot | None = None
        self._spare: _Snapshot | None = None

    def _live(self, n_states: int) -> list[Tensor]:
        # the optimiser creates a parameter's state at its first step, then
        # updates those tensors in place: a list built once stays valid
        for snapshot in (self._spare, self._kept):
            if snapshot is not None and snapshot.n_states == n_states:
                return snapshot.live
        state = [
            value
            for param_state in self.optimizer.state.values()
            for value in param_state.values()
            if isinstance(value, Tensor)
        ]
        return self._weights + state

    def save(self) -> bool:
        """Copy the current weights and optimiser state if the weights are finite.

        Returns False, keeping the previous copy, if any weight is NaN or
        infinite (the first copy is kept regardless, as there is no other).
        """
        n_states = len(self.optimizer.state)
        live = self._live(n_states)
        spare = self._spare
        if spare is None or spare.live is not live:
            spare = _Snapshot(live, len(self._weights), n_states)
        finite = spare.take()
        if finite or self._kept is None:
            self._kept, self._spare = spare, self._kept
        else:
            self._spare = spare
        return finite

    def restore(self) -> None:
        """Put back the copy kept by :meth:`save`."""
        self._kept.put_back()
        if not self._kept.n_states:  # saved before the first step: no state yet
            self.optimizer.state.clear()
