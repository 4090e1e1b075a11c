"""The training loop: mini-batches of windows, clipping, diagnostics, rollback."""

from __future__ import annotations

__all__ = ["OPTIMIZERS", "Trainer", "TrainingDivergedError"]

import math
import warnings

import numpy as np
import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from sktime_rnn.networks.encoder import detach_state
from sktime_rnn.training.checkpoint import Checkpoint
from sktime_rnn.training.diagnostics import (
    VANISHING_RATIO,
    GradientWarning,
    TrainingHistory,
    find_exploding_steps,
    gradient_flow_profile,
    vanishing_ratio,
)
from sktime_rnn.training.rollback import EpochRollback
from sktime_rnn.training.rollout import roll_out
from sktime_rnn.training.streams import SeriesStreams
from sktime_rnn.training.windows import SlidingWindows

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
}
_FUSABLE = ("adam", "adamw")
_PROFILE_BATCH = 256


def _parameters(optimizer: torch.optim.Optimizer) -> list[Tensor]:
    """The parameters the optimiser updates (cheaper than walking the modules)."""
    return [p for group in optimizer.param_groups for p in group["params"]]


class TrainingDivergedError(RuntimeError):
    """The loss or weights became NaN or infinite, and ``on_nonfinite="raise"``."""


class Trainer:
    """Train a forecasting network on sliding windows (or streams).

    The loss is the network's likelihood's: a point loss, the Gaussian negative
    log-likelihood or the pinball loss.

    Parameters
    ----------
    max_epochs : int
        Passes over all training windows.
    batch_size : int
        Windows per optimiser step.
    lr : float
        Learning rate.
    optimizer : {"adam", "adamw", "sgd"}
        Optimiser.
    clip_grad_norm : float or None
        Rescale the gradient whenever its global L2 norm exceeds this.
    clip_grad_value : float or None
        Clamp every gradient component to +-this.
    truncation_length : int or None
        Truncated BPTT length, see :meth:`RecurrentEncoder.forward`.
    scheduled_sampling : float or None
        If not None, the network is a one-step network trained recursively:
        each batch is rolled out over all its horizon steps, feeding back the
        truth or, with this probability, the network's own forecast (see
        :func:`~sktime_rnn.training.rollout.roll_out`).
    on_nonfinite : {"warn", "raise"}
        On a NaN/inf loss the weights from the start of the epoch are restored;
        then "warn" stops training with a warning, "raise" raises
        :class:`TrainingDivergedError`.
    device : torch.device
        Where the network and data live during training.
    verbose : bool
        Show a progress bar over epochs.

    Examples
    --------
    >>> import torch
    >>> from sktime_rnn.networks import DirectForecastNetwork, RecurrentEncoder
    >>> from sktime_rnn.training.windows import SlidingWindows
    >>> windows = SlidingWindows(torch.randn(50, 1), 8, [1, 2], n_targets=1)
    >>> net = DirectForecastNetwork(RecurrentEncoder("gru", 1, 4), 1, 2)
    >>> history = Trainer(max_epochs=2, batch_size=16, lr=0.01).fit(net, windows)
    >>> len(history.epoch_losses), len(history.grad_norms)
    (2, 6)
    """

    def __init__(
        self,
        max_epochs: int,
        batch_size: int,
        lr: float,
        optimizer: str = "adam",
        clip_grad_norm: float | None = None,
        clip_grad_value: float | None = None,
        truncation_length: int | None = None,
        scheduled_sampling: float | None = None,
        on_nonfinite: str = "warn",
        device: torch.device | str = "cpu",
        verbose: bool = False,
    ):
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.clip_grad_norm = clip_grad_norm
        self.clip_grad_value = clip_grad_value
        self.truncation_length = truncation_length
        self.scheduled_sampling = scheduled_sampling
        self.on_nonfinite = on_nonfinite
        self.device = torch.device(device)
        self.verbose = verbose
        self._full_batch_cache = None  # (windows, batch) of the last full batch

    def make_optimizer(self, network: nn.Module) -> torch.optim.Optimizer:
        """Create the optimiser over ``network``'s parameters.

        Adam and AdamW use their fused kernel (one call updates every
        parameter: 3.5x faster than the default per-tensor loop for a small
        network on a CPU), where the installed torch has it for the device.
        """
        optimizer = OPTIMIZERS[self.optimizer]
        params = list(network.parameters())
        if self.optimizer in _FUSABLE:
            try:
                return optimizer(params, lr=self.lr, fused=True)
            except RuntimeError:  # torch < 2.4 fuses on CUDA only
                pass
        return optimizer(params, lr=self.lr)

    def train_step(self, network, optimizer, batch):
        """One optimiser step on a batch of windows.

        Returns the loss, the pre-clip gradient norm and whether it was clipped.
        """
        past, future_exog, target = batch
        if self.scheduled_sampling is None:
            params = network(past, future_exog, self.truncation_length)
        else:
            params, _ = roll_out(
                network,
                past,
                future_exog,
                n_steps=target.shape[1],
                teacher=target,
                sampling_prob=self.scheduled_sampling,
                truncation_length=self.truncation_length,
            )
        loss = network.likelihood.loss(params, target)
        return self._optimise(network, optimizer, loss)

    def _optimise(self, network, optimizer, loss: Tensor):
        """Drop the old gradients, back-propagate ``loss``, clip, step."""
        params = _parameters(optimizer)
        for param in params:  # optimizer.zero_grad() without its profiler hooks
            param.grad = None
        loss.backward()
        grad_norm, clipped = self._clip(params)
        optimizer.step()
        return loss.detach(), grad_norm, clipped

    def _clip(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        """Clip in place; return the pre-clip global norm and whether it clipped.

        The arithmetic of ``nn.utils.clip_grad_norm_`` (every gradient's norm
        in one foreach call, then one scale factor) without its grouping of
        the tensors by device and dtype, which all share here: half its time
        for a small network, where this runs at every optimiser step.
        """
        grads = [p.grad for p in params if p.grad is not None]
        grad_norm = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
        # tensors, not Python values: reading them would wait for an accelerator
        clipped = grad_norm > (self.clip_grad_norm or math.inf)
        if self.clip_grad_norm:
            scale = (self.clip_grad_norm / (grad_norm + 1e-6)).clamp_(max=1.0)
            torch._foreach_mul_(grads, scale)
        if self.clip_grad_value:
            largest = torch.stack([grad.abs().max() for grad in grads]).max()
            clipped = clipped | (largest > self.clip_grad_value)
            nn.utils.clip_grad_value_(params, self.clip_grad_value)
        return grad_norm, clipped

    def run_epoch(self, network, optimizer, windows, history) -> bool:
        """One pass over shuffled windows; False if the loss became non-finite.

        When one batch holds every window, its gradient does not depend on
        their order: the batch is gathered once per fit and reused, instead of
        being shuffled and gathered again every epoch (short series, where an
        epoch is a single step, spend a tenth of their time on that).
        """
        n_windows = len(windows)
        if n_windows <= self.batch_size:
            return self._record(
                [self.train_step(network, optimizer, self._full_batch(windows))],
                history,
            )
        # int32 halves the shuffle's memory on long series; drawn where the data is
        dtype = torch.int32 if n_windows < 2**31 else torch.int64
        order = torch.randperm(n_windows, dtype=dtype, device=windows.series.device)
        batches = (
            windows.batch(order[start : start + self.batch_size])
            for start in range(0, n_windows, self.batch_size)
        )
        steps = (self.train_step(network, optimizer, batch) for batch in batches)
        return self._record(steps, history)

    def _full_batch(self, windows):
        """Every window in one contiguous batch, gathered on first use."""
        cached = self._full_batch_cache
        if cached is None or cached[0] is not windows:
            every = torch.arange(len(windows), device=windows.series.device)
            batch = tuple(part.contiguous() for part in windows.batch(every))
            self._full_batch_cache = cached = (windows, batch)
        return cached[1]

    def run_stateful_epoch(self, network, optimizer, streams, history) -> bool:
        """One pass over every series' streams in time order, carrying the state.

        ``streams`` holds one :class:`SeriesStreams` per series. The state
        starts at zero at the start of every series (a series boundary) and is
        detached after every chunk, so gradients never cross a chunk. Returns
        False if the loss became non-finite.
        """

        def steps():
            for series_streams in streams:
                state = None
                for inputs, future_exog, target in series_streams:
                    prediction, state = network.stream(
                        inputs, future_exog, state, self.truncation_length
                    )
                    state = [detach_state(s) for s in state]
                    loss = network.likelihood.loss(prediction, target)
                    yield self._optimise(network, optimizer, loss)

        return self._record(steps(), history)

    def _record(self, steps, history) -> bool:
        """Record loss, gradient norm and clipping of every step of an epoch.

        On the CPU each step's values become Python numbers at once, and a
        non-finite loss stops the epoch there: no small tensor outlives its
        step (thousands of them, interleaved with the large per-batch buffers,
        fragment the heap, and memory then grows with the number of steps). On
        an accelerator they stay on the device until the end of the epoch,
        since reading them would make the host wait for the device every step.
        """
        on_host = self.device.type == "cpu"
        losses, grad_norms, clipped = [], [], []
        for loss, grad_norm, was_clipped in steps:
            if on_host:
                loss, grad_norm, was_clipped = (
                    float(loss),
                    float(grad_norm),
                    bool(was_clipped),
                )
                if not math.isfinite(loss):
                    return False
            losses.append(loss)
            grad_norms.append(grad_norm)
            clipped.append(was_clipped)
        if not on_host:
            losses = torch.stack(losses).tolist()
            grad_norms = torch.stack(grad_norms).tolist()
            clipped = torch.stack(clipped).tolist()
            if not all(map(math.isfinite, losses)):
                return False
        history.grad_norms.extend(grad_norms)
        history.clipped.extend(clipped)
        history.epoch_losses.append(sum(losses) / len(losses))
        return True

    def fit(
        self,
        network: nn.Module,
        windows: SlidingWindows,
        optimizer: torch.optim.Optimizer | None = None,
        history: TrainingHistory | None = None,
        streams: list[SeriesStreams] | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> TrainingHistory:
        """Train ``network`` in place for ``max_epochs`` epochs and diagnose.

        Pass the ``optimizer`` and ``history`` of an earlier fit to continue it.
        With ``streams``, training is stateful (:meth:`run_stateful_epoch`);
        ``windows`` then only serve the gradient-flow diagnosis. With a
        ``checkpoint``, training resumes from it if it exists and saves it
        after every epoch.

        A ``KeyboardInterrupt`` (Ctrl-C) restores the weights of the last
        completed epoch and stops with a warning; if no epoch had completed,
        it propagates, leaving the caller unfitted.
        """
        optimizer = optimizer or self.make_optimizer(network)
        history = history or TrainingHistory()
        start = 0
        if checkpoint is not None:
            resumed = checkpoint.restore(network, optimizer)
            if resumed is not None:
                history, start = resumed, resumed.epochs_done
        network.train()
        epochs = tqdm(
            range(start, self.max_epochs),
            disable=not self.verbose,
            desc="epochs",
            leave=False,
        )
        rollback = EpochRollback(network, optimizer)
        rollback.save()
        for epoch in epochs:
            try:
                if streams is not None:
                    finite = self.run_stateful_epoch(
                        network, optimizer, streams, history
                    )
                else:
                    finite = self.run_epoch(network, optimizer, windows, history)
            except KeyboardInterrupt:
                rollback.restore()
                if epoch == start:
                    raise
                self._interrupted(epoch, history)
                break
            # a step can turn the weights non-finite after a finite loss (the
            # epoch's last step would leave them so): save refuses such weights
            if not (finite and rollback.save()):
                if finite:  # the loss was recorded; the weights are not kept
                    history.epoch_losses.pop()
                rollback.restore()
                self._diverged(epoch, history)
                break
            if checkpoint is not None:
                checkpoint.save(epoch + 1, network, optimizer, history)
            if self.verbose:
                epochs.set_postfix(loss=f"{history.epoch_losses[-1]:.4g}")
        network.eval()
        self._warn_about_gradients(network, windows, history)
        return history

    def _interrupted(self, epoch: int, history: TrainingHistory) -> None:
        history.stopped_early = "interrupted"
        warnings.warn(
            f"training was interrupted in epoch {epoch + 1}; the forecaster keeps "
            f"the weights after epoch {epoch} and is fitted. Fit again to train "
            "further (with checkpoint_dir set, it resumes).",
            UserWarning,
            stacklevel=4,
        )

    def _diverged(self, epoch: int, history: TrainingHistory) -> None:
        message = (
            f"the training loss or weights became NaN or infinite in epoch "
            f"{epoch + 1}; the weights from the start of that epoch were restored. "
            "Lower lr "
            f"(now {self.lr}) or set clip_grad_norm (now {self.clip_grad_norm})."
        )
        history.stopped_early = "non-finite loss"
        if self.on_nonfinite == "raise":
            raise TrainingDivergedError(message)
        warnings.warn(message + " Training stopped.", GradientWarning, stacklevel=4)

    def _warn_about_gradients(self, network, windows, history) -> None:
        exploded = find_exploding_steps(history.grad_norms)
        if len(exploded):
            warnings.warn(
                f"gradients exploded at {len(exploded)} of {len(history.grad_norms)} "
                f"optimiser steps (first at step {exploded[0]}): their norm was "
                "non-finite or over 100x its trailing median. Set clip_grad_norm, "
                "lower lr, or see get_fitted_params()['grad_norms'].",
                GradientWarning,
                stacklevel=4,
            )
        batch = windows.batch(torch.arange(min(len(windows), _PROFILE_BATCH)))
        if self.scheduled_sampling is not None:  # profile the one-step network
            batch = (batch[0], batch[1][:, :1], batch[2][:, :1])
        profile = gradient_flow_profile(network, *batch)
        history.gradient_flow = profile
        ratio = vanishing_ratio(profile)
        if np.isfinite(profile).all() and ratio < VANISHING_RATIO:
            warnings.warn(
                f"gradients vanish over the window: the oldest steps receive "
                f"{ratio:.1e} of the gradient of the newest ones, so they barely "
                "influence training. Try cell='lstm' with forget_bias=1.0, "
                "init='orthogonal', skip_connections=True or a shorter window_length.",
                GradientWarning,
                stacklevel=4,
            )
