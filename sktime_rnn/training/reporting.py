"""What a fit shows and tells while it trains: progress bar, log lines, callbacks."""

from __future__ import annotations

__all__ = ["EpochReporter", "logger"]

import logging
import math
from collections.abc import Callable, Sequence

from tqdm.auto import tqdm

logger = logging.getLogger("sktime_rnn")
"""The package's logger; ``verbose=2`` writes one INFO line per epoch to it."""


def _number(value) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.4g}"


class EpochReporter:
    """Report every finished epoch as ``verbose`` asks and run the callbacks.

    Parameters
    ----------
    verbose : int
        0: silent; 1: a progress bar over epochs that stays after the fit,
        showing the training and validation loss; 2: one ``logging`` line per
        epoch on the ``"sktime_rnn"`` logger.
    callbacks : sequence of callable
        Each is called as ``callback(info)`` after every epoch, ``info`` a dict
        with ``epoch`` (1-based), ``train_loss``, ``val_loss`` (None without a
        validation split), ``lr``, ``best_epoch`` and ``member`` (the ensemble
        member, 0-based). A callback that returns True stops the fit.
    total : int
        Epochs the fit runs at most.
    start : int
        Epochs already done (a resumed fit).
    description : str
        The bar's label.

    Examples
    --------
    >>> seen = []
    >>> reporter = EpochReporter(0, [lambda info: seen.append(info["epoch"])], 3)
    >>> reporter.epoch_end({"epoch": 1, "train_loss": 1.0, "val_loss": None,
    ...                     "lr": 0.1, "best_epoch": 1, "member": 0})
    False
    >>> seen
    [1]
    """

    def __init__(
        self,
        verbose: int,
        callbacks: Sequence[Callable] = (),
        total: int = 0,
        start: int = 0,
        description: str = "epochs",
    ):
        self.verbose = int(verbose)
        self.callbacks = list(callbacks)
        self.total = total
        self._bar = None
        if self.verbose == 1:
            self._bar = tqdm(total=total, initial=start, desc=description, leave=True)

    def epoch_end(self, info: dict) -> bool:
        """Show or log ``info``; return True if a callback asked to stop."""
        if self._bar is not None:
            postfix = {"train": _number(info["train_loss"])}
            if info["val_loss"] is not None:
                postfix["val"] = _number(info["val_loss"])
            self._bar.set_postfix(postfix, refresh=False)
            self._bar.update(1)
        elif self.verbose >= 2:
            logger.info(
                "epoch %d/%d: train loss %s, val loss %s, lr %.3g",
                info["epoch"],
                self.total,
                _number(info["train_loss"]),
                _number(info["val_loss"]),
                info["lr"],
            )
        stop = False
        for callback in self.callbacks:
            stop = bool(callback(info)) or stop
        return stop

    def close(self) -> None:
        """Leave the bar on screen at its final state."""
        if self._bar is not None:
            self._bar.close()
