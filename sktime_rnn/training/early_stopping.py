"""Early stopping: watch the validation loss, keep the best weights."""

from __future__ import annotations

__all__ = ["EarlyStopping"]

import math

import torch
from torch import nn


class EarlyStopping:
    """Stop when the validation loss has not improved for ``patience`` epochs.

    The weights of the best epoch are copied whenever the loss improves by
    more than ``min_delta``, and :meth:`restore` puts them back.

    Parameters
    ----------
    patience : int or None
        Epochs without improvement tolerated before stopping; None: never
        stop, only keep the best epoch.
    min_delta : float
        Smallest decrease of the validation loss that counts as improvement.

    Examples
    --------
    >>> net = nn.Linear(1, 1)
    >>> stopping = EarlyStopping(patience=1, min_delta=0.0)
    >>> stopping.update(1, 1.0, net), stopping.update(2, 2.0, net)
    (False, True)
    >>> stopping.best_epoch
    1
    """

    def __init__(self, patience: int | None, min_delta: float):
        self.patience = patience
        self.min_delta = min_delta
        self.best_loss = math.inf
        self.best_epoch: int | None = None
        self.wait = 0
        self._best: list[torch.Tensor] | None = None

    def update(self, epoch: int, loss: float, network: nn.Module) -> bool:
        """Record epoch ``epoch``'s (1-based) validation loss; True: stop now."""
        if loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch, self.wait = loss, epoch, 0
            self._best = [t.detach().clone() for t in _tensors(network)]
            return False
        self.wait += 1
        return self.patience is not None and self.wait >= self.patience

    def restore(self, network: nn.Module) -> int | None:
        """Put the best epoch's weights back; return that epoch (None if none)."""
        if self._best is not None:
            with torch.no_grad():
                torch._foreach_copy_(_tensors(network), self._best)
        return self.best_epoch

    def state_dict(self) -> dict:
        """What a checkpoint needs to resume exactly."""
        return {
            "best_loss": self.best_loss,
            "best_epoch": -1 if self.best_epoch is None else self.best_epoch,
            "wait": self.wait,
            "best": self._best,
        }

    def load_state_dict(self, state: dict) -> None:
        """Resume from :meth:`state_dict`."""
        self.best_loss = float(state["best_loss"])
        self.best_epoch = None if state["best_epoch"] < 0 else int(state["best_epoch"])
        self.wait = int(state["wait"])
        self._best = state["best"]


def _tensors(network: nn.Module) -> list[torch.Tensor]:
    return [*network.parameters(), *network.buffers()]
