"""Gradient diagnostics: what happened to the gradients while a network trained."""

from __future__ import annotations

__all__ = [
    "EXPLOSION_FACTOR",
    "STOP_REASONS",
    "VANISHING_RATIO",
    "GradientWarning",
    "TrainingHistory",
    "find_exploding_steps",
    "gradient_flow_profile",
    "vanishing_ratio",
]

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from torch import Tensor, nn

from sktime_rnn.networks.batches import WindowBatch

EXPLOSION_FACTOR = 100.0
"""A step's gradient norm this many times its trailing median counts as exploded."""

VANISHING_RATIO = 1e-4
"""Gradient reaching the oldest steps below this share of the newest: vanished."""

_TRAILING_STEPS = 50


class GradientWarning(UserWarning):
    """Gradients exploded or vanished during training."""


STOP_REASONS = (
    "max_epochs",
    "max_steps",
    "early_stopping",
    "non-finite loss",
    "interrupted",
    "callback",
    "no training windows",
)
"""Why a fit stopped: all epochs run, the step budget spent, no validation
improvement, a NaN/inf loss or weights, Ctrl-C, a callback that asked to stop,
or nothing to train on (a hybrid on a series too short to hold out its
validation and train: it forecasts its statistical part)."""


@dataclass
class TrainingHistory:
    """What a fit recorded, step by step and epoch by epoch.

    Attributes
    ----------
    grad_norms : list of float
        Global L2 norm of the gradient at every optimiser step, before clipping.
    clipped : list of bool
        Whether clipping changed the gradient at that step.
    epoch_losses : list of float
        Mean training loss of every completed epoch.
    val_losses : list of float
        Loss on the validation windows after every epoch (empty without a
        validation split).
    lrs : list of float
        Learning rate used in every epoch (its first step's, for schedules that
        change it within an epoch).
    best_epoch : int or None
        The epoch (1-based) whose weights the network keeps: the one with the
        lowest validation loss when early stopping restored it, else the last
        completed one.
    stop_reason : str or None
        Why training stopped, one of :data:`STOP_REASONS`; None before any
        training.
    gradient_flow : numpy.ndarray or None
        Gradient-flow profile of the trained network on the first training
        windows, see :func:`gradient_flow_profile`.
    epochs_done : int
        Epochs completed when this history was checkpointed.
    """

    grad_norms: list[float] = field(default_factory=list)
    clipped: list[bool] = field(default_factory=list)
    epoch_losses: list[float] = field(default_factory=list)
    val_losses: list[float] = field(default_factory=list)
    lrs: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stop_reason: str | None = None
    gradient_flow: np.ndarray | None = None
    epochs_done: int = 0

    @property
    def clipped_share(self) -> float:
        """Share of optimiser steps whose gradient was clipped."""
        return float(np.mean(self.clipped)) if self.clipped else 0.0

    @property
    def stopped_early(self) -> str | None:
        """The stop reason if training stopped before its budget, else None."""
        budget = (None, "max_epochs", "max_steps")
        return None if self.stop_reason in budget else self.stop_reason

    def lists(self) -> dict[str, list]:
        """The per-step and per-epoch records, by name (for saving)."""
        names = ("grad_norms", "clipped", "epoch_losses", "val_losses", "lrs")
        return {name: list(getattr(self, name)) for name in names}

    def to_frame(self):
        """One row per epoch: training and validation loss, learning rate.

        Examples
        --------
        >>> TrainingHistory(epoch_losses=[2.0, 1.0], lrs=[0.1, 0.1]).to_frame()
           epoch  train_loss  val_loss   lr
        0      1         2.0       NaN  0.1
        1      2         1.0       NaN  0.1
        """
        n_epochs = len(self.epoch_losses)

        def padded(values):
            return list(values) + [np.nan] * (n_epochs - len(values))

        return pd.DataFrame(
            {
                "epoch": np.arange(1, n_epochs + 1),
                "train_loss": self.epoch_losses,
                "val_loss": padded(self.val_losses),
                "lr": padded(self.lrs),
            }
        )


def find_exploding_steps(grad_norms, factor: float = EXPLOSION_FACTOR) -> np.ndarray:
    """Find steps whose gradient norm is non-finite or ``factor`` x its trailing median.

    Examples
    --------
    >>> find_exploding_steps([1.0, 1.1, 0.9, 1.0, 1.2, 500.0, 1.0]).tolist()
    [5]
    """
    values = np.asarray(grad_norms, dtype=float)
    largest, smallest = values.max(initial=0), values.min(initial=np.inf)
    if np.isfinite(values).all() and largest <= factor * smallest:
        return np.array([], dtype=np.intp)  # no norm is factor x any median
    norms = pd.Series(values)
    median = norms.rolling(_TRAILING_STEPS, min_periods=5).median().shift(1)
    exploded = ~np.isfinite(norms) | (norms > factor * median)
    return np.flatnonzero(exploded.to_numpy())


def gradient_flow_profile(
    network: nn.Module,
    past: Tensor,
    future_exog: Tensor,
    target: Tensor,
) -> np.ndarray:
    """Norm of the loss gradient with respect to the input at every window step.

    The network's own profile
    (:meth:`~sktime_rnn.networks.model.ForecastNetwork.gradient_flow`) of one
    batch of windows, as an array.

    Parameters
    ----------
    network : ForecastNetwork
        A forecasting network; its likelihood's loss is the training loss.
    past, future_exog, target : Tensor
        One batch, as returned by :meth:`SlidingWindows.batch`.

    Returns
    -------
    numpy.ndarray
        (L,) mean over the batch of ||dLoss/dx_t||, oldest step first.

    Examples
    --------
    >>> import torch
    >>> from sktime_rnn.networks import DirectForecastNetwork, RecurrentEncoder
    >>> net = DirectForecastNetwork(RecurrentEncoder("lstm", 1, 4), 1, 2)
    >>> profile = gradient_flow_profile(
    ...     net, torch.randn(3, 6, 1), torch.zeros(3, 2, 0), torch.randn(3, 2, 1))
    >>> profile.shape
    (6,)
    """
    batch = WindowBatch(past, future_exog, target)
    return network.gradient_flow(batch).cpu().numpy()


def vanishing_ratio(profile: np.ndarray) -> float:
    """Gradient reaching the oldest tenth of the window over that of the newest."""
    tenth = max(1, len(profile) // 10)
    newest = float(profile[-tenth:].mean())
    return float(profile[:tenth].mean()) / newest if newest > 0 else 1.0
