"""Every plot of the package: training diagnostics and per-horizon evaluations.

- :func:`plot_gradient_flow` and :func:`plot_training_history` show what
  happened while a forecaster trained;
- :func:`plot_error_by_horizon` and :func:`plot_forecasts_by_fold` draw a
  :class:`~sktime_rnn.evaluation.HorizonEvaluation` (both are also importable
  from :mod:`sktime_rnn.evaluation`).

Needs matplotlib (``pip install "sktime-rnn[plot]"``).
"""

from __future__ import annotations

__all__ = [
    "plot_error_by_horizon",
    "plot_forecasts_by_fold",
    "plot_gradient_flow",
    "plot_training",
    "plot_training_history",
]

import math

import numpy as np
import pandas as pd


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
        The axis to draw the profiles on; a new figure if None.

    Returns
    -------
    matplotlib Axes
        The gradient-flow profiles (a line per forecaster), on a log scale.

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
    loss_ax : matplotlib Axes
        The training loss per epoch.
    norm_ax : matplotlib Axes
        The gradient norm per optimiser step, on a log scale.

    Examples
    --------
    >>> from sktime.datasets import load_shampoo_sales
    >>> from sktime_rnn import LSTMForecaster
    >>> forecaster = LSTMForecaster(window_length=6, max_epochs=3, base=None)
    >>> y = load_shampoo_sales()
    >>> loss_ax, norm_ax = plot_training_history(forecaster.fit(y, fh=[1]))
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


def plot_training(forecaster, axes=None):
    """Plot what a fit recorded per epoch: losses, learning rate, the epoch kept.

    The training loss and, with a validation split, the validation loss on
    one axis; the learning rate on the other; a vertical line at the epoch
    whose weights the network kept, and the reason the fit stopped in the
    title. An undertrained network shows both losses still falling at the
    last epoch; an overfitted one a validation loss that turned up.

    Parameters
    ----------
    forecaster : fitted sktime-rnn forecaster
        Its ``history_`` is what is drawn.
    axes : pair of matplotlib Axes, optional
        Where to draw the losses and the learning rate; a new figure if None.

    Returns
    -------
    tuple of matplotlib Axes
        ``(loss_ax, lr_ax)``: the losses per epoch with the epoch kept, and
        the learning rate per epoch.

    Examples
    --------
    >>> from sktime.datasets import load_airline
    >>> from sktime_rnn import GRUForecaster
    >>> forecaster = GRUForecaster(
    ...     window_length=12, max_epochs=4, validation_size=12, lr_schedule="cosine"
    ... ).fit(load_airline(), fh=[1])
    >>> loss_ax, lr_ax = plot_training(forecaster)
    >>> [line.get_label() for line in loss_ax.get_lines()][:2]
    ['training loss', 'validation loss']
    """
    history = _history(forecaster)
    frame = history.to_frame()
    if axes is None:
        _, axes = _pyplot().subplots(1, 2, figsize=(11, 4))
    loss_ax, lr_ax = axes
    loss_ax.plot(frame["epoch"], frame["train_loss"], label="training loss")
    if frame["val_loss"].notna().any():
        loss_ax.plot(frame["epoch"], frame["val_loss"], label="validation loss")
    if history.best_epoch is not None:
        loss_ax.axvline(
            history.best_epoch, color="k", ls=":", label=f"kept: {history.best_epoch}"
        )
    loss_ax.set_xlabel("epoch")
    loss_ax.set_ylabel(f"loss ({forecaster.loss}, scaled target)")
    loss_ax.set_title(f"Loss per epoch (stopped: {history.stop_reason})")
    loss_ax.legend()
    lr_ax.plot(frame["epoch"], frame["lr"])
    lr_ax.set_xlabel("epoch")
    lr_ax.set_ylabel("learning rate")
    lr_ax.set_title("Learning rate per epoch")
    return loss_ax, lr_ax


def plot_error_by_horizon(result, metric="MAE", forecasters=None, ax=None):
    """Plot one metric against the steps ahead, one curve per forecaster.

    Parameters
    ----------
    result : HorizonEvaluation
        Output of :func:`~sktime_rnn.evaluation.evaluate_by_horizon`.
    metric : str, default="MAE"
        One of ``result.metrics``.
    forecasters : list of str, optional
        Which curves; all forecasters scored on ``metric`` if None.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.

    Returns
    -------
    matplotlib Axes
        One curve per forecaster, the metric against the horizon.

    Examples
    --------
    Last value against last year's on airline passengers:

    >>> from sktime.datasets import load_airline
    >>> from sktime.forecasting.naive import NaiveForecaster
    >>> from sktime.split import ExpandingWindowSplitter
    >>> from sktime_rnn.evaluation import evaluate_by_horizon
    >>> seasonal = {"last": NaiveForecaster(), "last year": NaiveForecaster(sp=12)}
    >>> cv = ExpandingWindowSplitter(fh=[1, 2, 3], initial_window=120, step_length=6)
    >>> result = evaluate_by_horizon(seasonal, load_airline(), cv)
    >>> ax = plot_error_by_horizon(result, "MAE")
    >>> len(ax.get_lines())
    2
    """
    if metric not in result.metrics:
        raise ValueError(f"metric must be one of {result.metrics}, got {metric!r}")
    rows = result.by_horizon[result.by_horizon["metric"] == metric]
    if ax is None:
        _, ax = _pyplot().subplots(figsize=(7, 4))
    for name in forecasters or result.forecasters:
        curve = rows[rows["forecaster"] == name]
        if not curve.empty:
            ax.plot(curve["horizon"], curve["value"], marker="o", label=name)
    n_folds = int(rows["n_folds"].max()) if len(rows) else 0
    ax.set_xlabel("horizon (steps ahead)")
    ax.set_ylabel(metric)
    ax.set_title(f"{metric} by horizon, over {n_folds} folds")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend()
    return ax


def plot_forecasts_by_fold(
    result, forecasters=None, variable=None, context=None, axes=None, series=None
):
    """Plot the forecasts of every fold against the actual values, one panel each.

    Parameters
    ----------
    result : HorizonEvaluation
        Output of :func:`~sktime_rnn.evaluation.evaluate_by_horizon`.
    forecasters : list of str, optional
        Which forecasts; all if None.
    variable : str, optional
        Which variable of a multivariate ``y``; the first if None.
    context : int, optional
        Observations shown before each cutoff; three horizons' worth if None.
    axes : array of matplotlib Axes, optional
        One per fold; a new figure if None.
    series : tuple or label, optional
        Panels only: the key of the series to draw (a label for a panel of
        one series level); the first series if None.

    Returns
    -------
    numpy.ndarray of matplotlib Axes
        One panel per fold: the actual values, the forecasts, the cutoff.

    Examples
    --------
    The seasonal naive forecasts of four folds:

    >>> from sktime.datasets import load_airline
    >>> from sktime.forecasting.naive import NaiveForecaster
    >>> from sktime.split import ExpandingWindowSplitter
    >>> from sktime_rnn.evaluation import evaluate_by_horizon
    >>> y = load_airline()
    >>> cv = ExpandingWindowSplitter(fh=[1, 2, 3], initial_window=120, step_length=6)
    >>> result = evaluate_by_horizon(NaiveForecaster(sp=12), y, cv)
    >>> axes = plot_forecasts_by_fold(result)
    >>> len(axes), len(axes[0].get_lines())  # actual, forecast, cutoff
    (4, 3)
    """
    forecasts = result.forecasts
    if forecasts.empty:
        raise ValueError("result holds no point forecasts to plot")
    forecasts, y, prefix = _one_series(result, forecasts, series)
    variable = forecasts["variable"].iloc[0] if variable is None else variable
    forecasts = forecasts[forecasts["variable"] == variable]
    names = forecasters or list(dict.fromkeys(forecasts["forecaster"]))
    folds = list(dict.fromkeys(forecasts["fold"]))
    context = 3 * int(forecasts["horizon"].max()) if context is None else context
    y = y if y.ndim == 1 else y[variable]

    if axes is None:
        ncols = min(3, len(folds))
        nrows = math.ceil(len(folds) / ncols)
        _, axes = _pyplot().subplots(
            nrows, ncols, figsize=(4.5 * ncols, 3.2 * nrows), squeeze=False
        )
    axes = np.asarray(axes).ravel()
    for ax, fold in zip(axes, folds, strict=False):
        rows = forecasts[forecasts["fold"] == fold]
        cutoff = rows["cutoff"].iloc[0]
        start = max(0, y.index.get_loc(cutoff) - context + 1)
        stop = y.index.get_indexer(pd.Index(rows["time"])).max() + 1
        actual = y.iloc[start:stop]
        ax.plot(_plottable(actual.index), actual.to_numpy(), "k", label="actual")
        for name in names:
            mine = rows[rows["forecaster"] == name]
            ax.plot(_plottable(mine["time"]), mine["y_pred"], label=name)
        ax.axvline(_plottable([cutoff])[0], color="grey", ls=":", lw=1)
        ax.set_title(f"{prefix}fold {fold}, cutoff {cutoff}", fontsize="medium")
        # every panel spans other times, so every panel keeps its own labels
        for tick in ax.get_xticklabels():
            tick.set(rotation=30, horizontalalignment="right")
    for ax in axes[len(folds) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize="small")
    return axes[: len(folds)]


def _one_series(result, forecasts, series):
    """The forecasts and data of one series of a panel, and its title prefix."""
    levels = result.levels
    if not levels:
        if series is not None:
            raise ValueError(
                f"series applies to panels; this evaluation has one series, "
                f"got series={series!r}"
            )
        return forecasts, result.y, ""
    key = result.series[0] if series is None else series
    key = key if isinstance(key, tuple) else (key,)
    if key not in result.series:
        raise ValueError(
            f"series must be one of the keys {result.series[:5]}, got {series!r}"
        )
    match = np.logical_and.reduce(
        [forecasts[level] == value for level, value in zip(levels, key, strict=True)]
    )
    y = result.y.xs(key, level=list(range(len(levels))))
    return forecasts[match], y, "/".join(map(str, key)) + ": "


def _plottable(times) -> pd.Index:
    """Times matplotlib can place: periods become their start timestamps."""
    index = pd.Index(times)
    return index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index
