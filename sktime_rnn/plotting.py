"""Plots of what happened in training: gradient flow and training curves.

Needs matplotlib (``pip install "sktime-rnn[plot]"``).
"""

from __future__ import annotations

__all__ = ["plot_gradient_flow", "plot_training_history"]

import numpy as np


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            "plotting needs matplotlib: pip install 'sktime-rnn[plot]'"
        ) from error
    return plt


def _history(forecaster):
    history = getattr(forecaster, "history_", None)
    if history is None:
        raise ValueError(
            f"expected a fitted sktime-rnn forecaster, got {type(forecaster).__name__} "
            "without history_; call fit first"
        )
    return history


def plot_gradient_flow(forecasters, ax=None):
    """Plot the gradient-flow profile of fitted forecasters on one log axis.

    The x axis counts steps back from the newest value of the window; a curve
    that falls by orders of magnitude to the left shows vanishing gradients.

    Parameters
    ----------
    forecasters : forecaster or dict of str to forecaster
        Fitted sktime-rnn forecasters; a dict labels the curves by its keys.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from sktime.datasets import load_airline
    >>> from sktime_rnn import LSTMForecaster, RNNForecaster
    >>> y = load_airline()
    >>> fitted = {
    ...     "LSTM": LSTMForecaster(window_length=24, max_epochs=2).fit(y, fh=[1]),
    ...     "Elman": RNNForecaster(window_length=24, max_epochs=2).fit(y, fh=[1]),
    ... }
    >>> ax = plot_gradient_flow(fitted)
    >>> len(ax.get_lines())
    2
    """
    if not isinstance(forecasters, dict):
        forecasters = {type(forecasters).__name__: forecasters}
    if ax is None:
        _, ax = _pyplot().subplots(figsize=(7, 4))
    for label, forecaster in forecasters.items():
        profile = _history(forecaster).gradient_flow
        steps_back = np.arange(len(profile))[::-1]
        ax.semilogy(steps_back, np.maximum(profile, np.finfo(float).tiny), label=label)
    ax.invert_xaxis()
    ax.set_xlabel("steps back from the newest value of the window")
    ax.set_ylabel("||dLoss / dx_t||")
    ax.set_title("Gradient flow through the window")
    ax.legend()
    return ax


def plot_training_history(forecaster, axes=None):
    """Plot the loss per epoch and the gradient norm per step of one fit.

    Steps whose gradient was clipped are marked, and the clipping threshold
    (``clip_grad_norm``) is drawn when set.

    Parameters
    ----------
    forecaster : fitted sktime-rnn forecaster
    axes : pair of matplotlib Axes, optional
        Where to draw the loss and the gradient norms; a new figure if None.

    Returns
    -------
    pair of matplotlib Axes

    Examples
    --------
    >>> from sktime.datasets import load_airline
    >>> from sktime_rnn import GRUForecaster
    >>> forecaster = GRUForecaster(window_length=12, max_epochs=3)
    >>> loss_ax, norm_ax = plot_training_history(forecaster.fit(load_airline(), fh=[1]))
    >>> norm_ax.get_yscale()
    'log'
    """
    history = _history(forecaster)
    if axes is None:
        _, axes = _pyplot().subplots(1, 2, figsize=(11, 4))
    loss_ax, norm_ax = axes
    loss_ax.plot(np.arange(1, len(history.epoch_losses) + 1), history.epoch_losses)
    loss_ax.set_xlabel("epoch")
    loss_ax.set_ylabel(f"training loss ({forecaster.loss}, scaled target)")
    loss_ax.set_title("Loss per epoch")

    norms = np.asarray(history.grad_norms)
    clipped = np.asarray(history.clipped, dtype=bool)
    norm_ax.semilogy(norms, linewidth=0.8, label="global gradient norm")
    if clipped.any():
        steps = np.flatnonzero(clipped)
        norm_ax.plot(steps, norms[steps], "r.", markersize=3, label="clipped")
    if forecaster.clip_grad_norm:
        norm_ax.axhline(
            forecaster.clip_grad_norm, color="k", ls="--", label="clip_grad_norm"
        )
    norm_ax.set_xlabel("optimiser step")
    norm_ax.set_ylabel("norm before clipping")
    norm_ax.set_title(f"Gradient norms ({history.clipped_share:.0%} clipped)")
    norm_ax.legend()
    return loss_ax, norm_ax
