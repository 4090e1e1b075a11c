"""Epoch checkpoints, so that a long fit can resume where it stopped."""

from __future__ import annotations

__all__ = ["Checkpoint", "CheckpointError"]

import os
import pickle
import zipfile
from pathlib import Path

import torch

from sktime_rnn.exceptions import PersistenceError


class CheckpointError(PersistenceError):
    """A checkpoint file or directory cannot be read or written."""


class Checkpoint:
    """The state of a fit after its last completed epoch, in one file.

    The file holds what the trainer passes to :meth:`save`: the network's and
    the optimiser's state, the training history, the epoch count and the
    fit's random generator, so a resumed fit goes on exactly as an
    uninterrupted one would have, on the CPU or a GPU. It is read with
    ``torch.load(weights_only=True)``, which rebuilds tensors and plain
    containers only and never runs code from the file.

    Parameters
    ----------
    path : str or Path
        The checkpoint file. Its name should identify the fit (same
        hyper-parameters, same data) so that only that fit resumes from it.

    Examples
    --------
    >>> import tempfile
    >>> checkpoint = Checkpoint(tempfile.mkdtemp() + "/fit.pt")
    >>> checkpoint.check_writable()
    >>> checkpoint.save({"epoch": 3, "weights": torch.ones(2)})
    >>> checkpoint.load(torch.device("cpu"))["epoch"]
    3
    """

    def __init__(self, path):
        self.path = Path(path)

    def check_writable(self) -> None:
        """Create the directory and make sure a file can be written there.

        Called before training, so that a bad ``checkpoint_dir`` is refused at
        once rather than after the first epoch.

        Raises
        ------
        CheckpointError
            Naming the directory and why it cannot be used.
        """
        directory = self.path.parent
        probe = directory / f".{self.path.name}.probe"
        try:
            directory.mkdir(parents=True, exist_ok=True)
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            raise CheckpointError(
                f"checkpoint_dir={str(directory)!r} cannot be used for checkpoints: "
                f"{error.strerror or error}; pass a writable directory or None"
            ) from None

    def save(self, state: dict) -> None:
        """Write ``state`` (tensors and plain containers) atomically."""
        partial = self.path.with_name(self.path.name + ".partial")
        try:
            torch.save(state, partial)
            os.replace(partial, self.path)
        finally:
            partial.unlink(missing_ok=True)

    def load(self, device: torch.device) -> dict | None:
        """The saved state with its tensors on ``device``; None if there is none.

        Raises
        ------
        CheckpointError
            If the file exists but cannot be read as a checkpoint.
        """
        if not self.path.is_file():
            return None
        try:
            return torch.load(self.path, map_location=device, weights_only=True)
        except (
            EOFError,
            OSError,
            RuntimeError,
            ValueError,
            pickle.UnpicklingError,
            zipfile.BadZipFile,
        ) as error:
            detail = f"{type(error).__name__}: {error}".rstrip(": ")
            raise CheckpointError(
                f"the checkpoint {str(self.path)!r} is corrupt or incomplete "
                f"({detail}); delete it to train from the start"
            ) from None
