"""Epoch checkpoints, so that a long fit can resume where it stopped."""

from __future__ import annotations

__all__ = ["Checkpoint"]

import os
from pathlib import Path

import torch

from sktime_rnn.training.diagnostics import TrainingHistory


class Checkpoint:
    """The state of a fit after its last completed epoch, in one file.

    The file holds the network's and the optimiser's state, the training
    history, the epoch count and torch's random state, so a resumed fit goes
    on exactly as an uninterrupted one would have. It is read with
    ``torch.load(weights_only=True)``, which rebuilds tensors and plain
    containers only and never runs code from the file.

    Parameters
    ----------
    path : str or Path
        The checkpoint file. Its name should identify the fit (same
        hyper-parameters, same data) so that only that fit resumes from it.

    Examples
    --------
    >>> import tempfile, torch
    >>> from sktime_rnn.training import TrainingHistory
    >>> net = torch.nn.Linear(2, 1)
    >>> optimizer = torch.optim.Adam(net.parameters())
    >>> checkpoint = Checkpoint(tempfile.mkdtemp() + "/fit.pt")
    >>> checkpoint.save(3, net, optimizer, TrainingHistory(epoch_losses=[1.0] * 3))
    >>> checkpoint.restore(net, optimizer).epoch_losses
    [1.0, 1.0, 1.0]
    """

    def __init__(self, path):
        self.path = Path(path)

    def save(self, epoch: int, network, optimizer, history: TrainingHistory) -> None:
        """Write the state after ``epoch`` completed epochs (atomically)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        state = {
            "epoch": epoch,
            "network": network.state_dict(),
            "optimizer": optimizer.state_dict(),
            "history": {
                "grad_norms": list(history.grad_norms),
                "clipped": list(history.clipped),
                "epoch_losses": list(history.epoch_losses),
            },
            "rng": torch.get_rng_state(),
        }
        partial = self.path.with_name(self.path.name + ".partial")
        torch.save(state, partial)
        os.replace(partial, self.path)

    def restore(self, network, optimizer) -> TrainingHistory | None:
        """Load the saved state into ``network`` and ``optimizer``.

        Returns the saved history (with ``epochs_done`` set), or None if there
        is no checkpoint yet. Also restores torch's random state.
        """
        if not self.path.is_file():
            return None
        state = torch.load(self.path, weights_only=True)
        network.load_state_dict(state["network"])
        optimizer.load_state_dict(state["optimizer"])
        torch.set_rng_state(state["rng"])
        history = TrainingHistory(**state["history"])
        history.epochs_done = state["epoch"]
        return history
