"""What a fit shows and tells while it trains: progress bar, log lines, callbacks."""

from __future__ import annotations

__all__ = ["EpochReporter", "logger"]

import logging
import math
import sys
from collections.abc import Callable, Sequence

import numpy as np
from tqdm.auto import tqdm

from sktime_rnn.exceptions import StopTraining

logger = logging.getLogger("sktime_rnn")
"""The package's logger; with a handler of its own, ``verbose=2`` writes one
INFO record per epoch to it instead of to standard error."""


def _number(value) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.4g}"


class EpochReporter:
    """Report every finished epoch as ``verbose`` asks and run the callbacks.

    Parameters
    ----------
    verbose : int
        0: silent; 1: a progress bar over epochs that stays after the fit,
        showing the training and validation loss; 2: one line per epoch on
        standard error, as Keras' ``verbose=2`` prints it, or, where the
        ``"sktime_rnn"`` logger has a handler of its own, an INFO record of
        that logger instead.
    callbacks : sequence of callable
        Each is called as ``callback(info)`` after every epoch, ``info`` a dict
        with ``epoch`` (1-based), ``train_loss``, ``val_loss`` (None without a
        validation split), ``lr``, ``best_epoch`` and ``member`` (the ensemble
        member, 0-based). A callback stops the fit by returning ``True`` (the
        bool; any other value, a string, a number, a tensor, is ignored) or
        by raising :class:`~sktime_rnn.exceptions.StopTraining`.
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
            line = "epoch {}/{}: train loss {}, val loss {}, lr {:.3g}".format(
                info["epoch"],
                self.total,
                _number(info["train_loss"]),
                _number(info["val_loss"]),
                info["lr"],
            )
            if logger.handlers:
                logger.info(line)
            else:
                tqdm.write(line, file=sys.stderr)
        stop = False
        for callback in self.callbacks:
            try:
                stop = _asks_to_stop(callback(info)) or stop
            except StopTraining:
                stop = True
        return stop

    def close(self) -> None:
        """Leave the bar on screen at its final state."""
        if self._bar is not None:
            self._bar.close()


def _asks_to_stop(result) -> bool:
    """Whether a callback's return value stops training: ``True`` alone.

    Examples
    --------
    >>> [_asks_to_stop(value) for value in (True, None, "logged", 1, False)]
    [True, False, False, False, False]
    """
    return result is True or (isinstance(result, np.bool_) and bool(result))
