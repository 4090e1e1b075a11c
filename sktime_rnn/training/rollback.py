"""The weights and optimiser state of the start of an epoch, to roll back to."""

from __future__ import annotations

__all__ = ["EpochRollback"]

import torch
from torch import Tensor, nn


class EpochRollback:
    """Save a network's and its optimiser's tensors each epoch; restore on demand.

    The trainer saves at the start of every epoch and restores when the loss
    becomes non-finite or training is interrupted. The copies live in buffers
    kept from one epoch to the next and are refreshed with one
    ``torch._foreach_copy_``: on a short series an epoch is one or two
    optimiser steps, and cloning every tensor anew (two state dicts, ~40
    tensors) cost about as much as a step's optimiser update.

    Examples
    --------
    >>> net = nn.Linear(2, 1)
    >>> optimizer = torch.optim.Adam(net.parameters())
    >>> rollback = EpochRollback(net, optimizer)
    >>> rollback.save()
    >>> before = net.weight.clone()
    >>> net(torch.ones(4, 2)).sum().backward()
    >>> optimizer.step()
    >>> rollback.restore()
    >>> bool((net.weight == before).all()), len(optimizer.state)
    (True, 0)
    """

    def __init__(self, network: nn.Module, optimizer: torch.optim.Optimizer):
        self.network = network
        self.optimizer = optimizer
        self._live: list[Tensor] = []
        self._saved: list[Tensor] = []
        self._had_state = False

    def _tensors(self) -> list[Tensor]:
        # state_dict's tensors share storage with the parameters and buffers
        weights = list(self.network.state_dict().values())
        state = [
            value
            for param_state in self.optimizer.state.values()
            for value in param_state.values()
            if isinstance(value, Tensor)
        ]
        return weights + state

    def save(self) -> None:
        """Copy the current weights and optimiser state."""
        live = self._tensors()
        with torch.no_grad():
            # the same parameters keep the same state tensors once it exists
            if len(live) == len(self._saved):
                torch._foreach_copy_(self._saved, live)
            else:  # first save, or the optimiser created its state since
                self._saved = [tensor.detach().clone() for tensor in live]
        self._live = live
        self._had_state = len(self.optimizer.state) > 0

    def restore(self) -> None:
        """Put back what :meth:`save` copied last."""
        with torch.no_grad():
            torch._foreach_copy_(self._live, self._saved)
        if not self._had_state:  # saved before the first step: no state yet
            self.optimizer.state.clear()
