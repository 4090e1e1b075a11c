"""Ready callbacks: a fit's epochs logged to a CSV file, TensorBoard or MLflow.

Pass them in ``callbacks``; each is called as ``callback(forecaster, info)``
after every epoch, ``info`` holding ``epoch``, ``train_loss``, ``val_loss``
(None without validation), ``lr``, ``best_epoch`` and ``member`` (of an
ensemble). They only log: none stops training (see the ``callbacks``
parameter of :class:`~sktime_rnn.LSTMForecaster` for the contract).
TensorBoard and MLflow are imported at the first epoch, so the callbacks
can be built where they are not installed.

Examples
--------
>>> import tempfile, pathlib
>>> from sktime.datasets import load_airline
>>> from sktime_rnn import LSTMForecaster
>>> from sktime_rnn.callbacks import CSVLogger
>>> path = pathlib.Path(tempfile.mkdtemp()) / "epochs.csv"
>>> forecaster = LSTMForecaster(max_epochs=2, callbacks=[CSVLogger(path)])
>>> _ = forecaster.fit(load_airline(), fh=[1, 2])
>>> path.read_text().splitlines()[0]
'epoch,member,train_loss,val_loss,lr,best_epoch'
"""

from __future__ import annotations

__all__ = ["CSVLogger", "MLflowLogger", "TensorBoardLogger"]

import csv
import os
from pathlib import Path

_COLUMNS = ("epoch", "member", "train_loss", "val_loss", "lr", "best_epoch")


class CSVLogger:
    """Write one row per epoch to a CSV file.

    The columns are ``epoch``, ``member``, ``train_loss``, ``val_loss`` (empty
    without validation), ``lr`` and ``best_epoch``. The file is written anew
    by the first epoch a callback sees (``append=True``: rows are added to it),
    and every row is flushed, so the file can be watched during a long fit.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    append : bool, default=False
        Add to an existing file instead of starting it anew.
    """

    def __init__(self, path: str | os.PathLike, append: bool = False):
        self.path = Path(path)
        self.append = append
        self._started = False

    def __call__(self, forecaster, info: dict) -> None:
        """Write ``info`` as a row (and the header first, in a new file)."""
        new = not self._started and not (self.append and self.path.exists())
        mode = "w" if new else "a"
        self._started = True
        with self.path.open(mode, newline="") as file:
            writer = csv.DictWriter(file, fieldnames=_COLUMNS)
            if new:
                writer.writeheader()
            writer.writerow({name: info.get(name) for name in _COLUMNS})


class TensorBoardLogger:
    """Log the losses and the learning rate of every epoch to TensorBoard.

    Scalars ``loss/train``, ``loss/validation`` and ``lr`` (one run per
    ensemble member: ``member_K/...`` from the second on); ``tensorboard
    --logdir`` shows them. Needs ``tensorboard`` installed.

    Parameters
    ----------
    log_dir : str or os.PathLike, optional
        Where the event files go (``runs/...`` by default, as
        ``torch.utils.tensorboard.SummaryWriter`` picks it).
    """

    def __init__(self, log_dir: str | os.PathLike | None = None):
        self.log_dir = log_dir
        self._writer = None

    def __call__(self, forecaster, info: dict) -> None:
        """Add this epoch's scalars and flush them."""
        if self._writer is None:
            from torch.utils.tensorboard import SummaryWriter

            log_dir = None if self.log_dir is None else str(self.log_dir)
            self._writer = SummaryWriter(log_dir=log_dir)
        prefix = f"member_{info['member']}/" if info.get("member") else ""
        step = info["epoch"]
        self._writer.add_scalar(f"{prefix}loss/train", info["train_loss"], step)
        if info.get("val_loss") is not None:
            self._writer.add_scalar(f"{prefix}loss/validation", info["val_loss"], step)
        self._writer.add_scalar(f"{prefix}lr", info["lr"], step)
        self._writer.flush()

    def __getstate__(self) -> dict:
        # a writer holds an open file: copies (sklearn.clone) start their own
        return {**self.__dict__, "_writer": None}


class MLflowLogger:
    """Log the losses and the learning rate of every epoch to the active MLflow run.

    Metrics ``train_loss``, ``val_loss`` and ``lr`` at step ``epoch`` (with a
    ``member_K_`` prefix from the second ensemble member on), through
    ``mlflow.log_metrics``: in the run that is active, or one MLflow starts.
    Needs ``mlflow`` (or ``mlflow-skinny``) installed.

    Parameters
    ----------
    prefix : str, default=""
        Put before every metric's name (several forecasters in one run).
    """

    def __init__(self, prefix: str = ""):
        self.prefix = prefix

    def __call__(self, forecaster, info: dict) -> None:
        """Log this epoch's metrics."""
        import mlflow

        member = f"member_{info['member']}_" if info.get("member") else ""
        metrics = {"train_loss": info["train_loss"], "lr": info["lr"]}
        if info.get("val_loss") is not None:
            metrics["val_loss"] = info["val_loss"]
        named = {f"{self.prefix}{member}{k}": float(v) for k, v in metrics.items()}
        mlflow.log_metrics(named, step=info["epoch"])
