"""The training loop: mini-batches of windows, clipping, validation, rollback."""

from __future__ import annotations

__all__ = [
    "LR_SCHEDULES",
    "OPTIMIZERS",
    "Trainer",
    "TrainingDivergedError",
    "is_scheduler_class",
]

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import torch
from torch import Tensor, nn

from sktime_rnn._warnings import warn
from sktime_rnn.exceptions import TrainingDivergedError
from sktime_rnn.networks.encoder import SeededDropout, detach_state, drawing_from
from sktime_rnn.training.checkpoint import Checkpoint
from sktime_rnn.training.diagnostics import (
    VANISHING_RATIO,
    GradientWarning,
    TrainingHistory,
    find_exploding_steps,
    vanishing_ratio,
)
from sktime_rnn.training.early_stopping import EarlyStopping
from sktime_rnn.training.reporting import EpochReporter
from sktime_rnn.training.rollback import EpochRollback
from sktime_rnn.training.streams import SeriesStreams

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
}
LR_SCHEDULES = (None, "cosine", "plateau", "onecycle")
_FUSABLE = ("adam", "adamw")
_PROFILE_BATCH = 256
_EVAL_BATCH = 4096
# modules whose forward is the same in training and evaluation mode (dropout
# rates aside, checked in mode_matters)
_MODE_FREE_PACKAGES = (
    "torch.nn.modules.container",
    "torch.nn.modules.linear",
    "torch.nn.modules.loss",
    "torch.nn.modules.rnn",
    "torch.nn.modules.sparse",
    "torch.nn.modules.dropout",
    "sktime_rnn.networks.",
)
_DROPOUTS = (
    nn.Dropout,
    nn.Dropout1d,
    nn.Dropout2d,
    nn.Dropout3d,
    nn.AlphaDropout,
    nn.FeatureAlphaDropout,
    SeededDropout,
)


def mode_matters(network: nn.Module) -> bool:
    """Whether ``train()`` and ``eval()`` change what ``network`` computes.

    Dropout with a rate above 0 does; a module of unknown kind (a plugin's
    cell, batch normalisation) is assumed to.

    Examples
    --------
    >>> mode_matters(nn.Sequential(nn.LSTM(2, 3), nn.Dropout(0.0), nn.Linear(3, 1)))
    False
    >>> mode_matters(nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.1)))
    True
    >>> mode_matters(nn.BatchNorm1d(3))
    True
    """
    for module in network.modules():
        if isinstance(module, _DROPOUTS) and module.p > 0:
            return True
        if isinstance(module, nn.RNNBase) and module.dropout > 0:
            return True
        kind = type(module).__module__
        if not kind.startswith(_MODE_FREE_PACKAGES):
            return True
    return False


_DIVERGENCE_FACTOR = 10.0


def is_scheduler_class(value) -> bool:
    """Whether ``value`` is a learning-rate scheduler class of torch.

    Examples
    --------
    >>> is_scheduler_class(torch.optim.lr_scheduler.StepLR), is_scheduler_class(len)
    (True, False)
    """
    schedules = torch.optim.lr_scheduler
    bases = (schedules.LRScheduler, schedules.ReduceLROnPlateau)
    return isinstance(value, type) and issubclass(value, bases)


def _per_batch(scheduler) -> bool:
    """Whether ``scheduler`` is stepped after every batch (the one-cycle policy)."""
    return isinstance(scheduler, torch.optim.lr_scheduler.OneCycleLR)


def _parameters(optimizer: torch.optim.Optimizer) -> list[Tensor]:
    """The parameters the optimiser updates (cheaper than walking the modules)."""
    return [p for group in optimizer.param_groups for p in group["params"]]


class Windows(Protocol):
    """What the trainer trains on: windows gathered into batches by index.

    :class:`~sktime_rnn.training.windows.SlidingWindows` (the plain network)
    and :class:`~sktime_rnn.training.origins.OriginWindows` (the hybrid's
    forecast origins) are two; the network scores the batches they gather
    (its ``batch_loss``).
    """

    @property
    def series(self) -> Tensor:
        """The buffer the windows are views of (where indices live)."""

    def __len__(self) -> int:
        """The number of windows."""

    def batch(self, index: Tensor):
        """Gather windows ``index`` into one batch."""


@dataclass
class _Run:
    """What one call of :meth:`Trainer.fit` trains with, passed between its steps."""

    network: nn.Module
    optimizer: torch.optim.Optimizer
    scheduler: object
    stopping: EarlyStopping | None
    rollback: EpochRollback
    reporter: EpochReporter
    windows: Windows
    validation: Windows | None
    streams: list[SeriesStreams] | None
    checkpoint: Checkpoint | None
    history: TrainingHistory
    member: int


class Trainer:
    """Train a forecasting network on windows (or streams).

    The trainer talks to every network through one contract: the network
    scores a batch (``batch_loss``), says what a network that learned nothing
    scores (``reference_loss``), profiles its gradient over the window
    (``gradient_flow``) and says whether its untrained state is a forecast
    worth keeping (``untrained_is_a_forecast``). The loss is the network's
    likelihood's: a point loss, the Gaussian negative log-likelihood, the
    pinball loss, or a hybrid's scaled errors. Every random draw (shuffling,
    dropout, scheduled sampling) comes from ``generator``.

    Parameters
    ----------
    max_epochs : int
        Passes over all training windows.
    batch_size : int
        Windows per optimiser step.
    lr : float
        Learning rate (the peak rate of "onecycle").
    optimizer : {"adam", "adamw", "sgd"}
        Optimiser.
    weight_decay : float, default=0.0
        L2 penalty ("adam", "sgd") or decoupled weight decay ("adamw").
    lr_schedule : {None, "cosine", "plateau", "onecycle"} or class, default=None
        A class of ``torch.optim.lr_scheduler`` (built as
        ``lr_schedule(optimizer, **lr_schedule_kwargs)``, stepped after every
        epoch; ``ReduceLROnPlateau`` with the validation, else training, loss;
        ``OneCycleLR`` after every batch), or one of these presets, a
        ``torch.optim.lr_scheduler`` schedule over the fit: cosine annealing to
        0 over ``max_epochs``, halving on a plateau of the validation (else
        training) loss, or the one-cycle policy stepped every batch.
    lr_schedule_kwargs : dict, optional
        Keyword arguments of the schedule's class; for a preset, they replace
        its own (``{"T_max": 50}`` for "cosine", say).
    clip_grad_norm : float or None
        Rescale the gradient whenever its global L2 norm exceeds this.
    clip_grad_value : float or None
        Clamp every gradient component to +-this.
    truncation_length : int or None
        Truncated BPTT length, see :meth:`RecurrentEncoder.forward`.
    max_steps : int or None, default=None
        Stop after this many optimiser steps, whatever the number of epochs
        (an epoch of a large panel is many steps): the fit's cost no longer
        grows with the data.
    early_stopping : bool, default=False
        Stop when the validation loss has not improved by ``min_delta`` for
        ``patience`` epochs and restore the best epoch's weights (needs
        validation windows).
    patience : int or None, default=10
        Epochs without improvement before early stopping stops; None: train
        the whole budget and keep the best epoch.
    min_delta : float, default=0.0
    on_nonfinite : {"warn", "raise"}
        On a NaN/inf loss the weights from the start of the epoch are restored;
        then "warn" stops training with a warning, "raise" raises
        :class:`TrainingDivergedError`.
    on_interrupt : {"keep", "raise"}, default="keep"
        On Ctrl-C, "keep" restores the weights of the last completed epoch and
        stops with a warning (re-raising if no epoch completed); "raise"
        re-raises at once, for callers that throw the half-trained copy away.
    callbacks : sequence of callable, default=()
        Called after every epoch, see :class:`EpochReporter`.
    verbose : int, default=0
        0 silent, 1 a progress bar, 2 a log line per epoch.
    device : torch.device
        Where the network and data live during training.
    generator : torch.Generator, optional
        The fit's private random generator, on ``device``; torch's global one
        if None.

    Examples
    --------
    >>> import torch
    >>> from sktime_rnn.networks import DirectForecastNetwork, RecurrentEncoder
    >>> from sktime_rnn.training.windows import SlidingWindows
    >>> windows = SlidingWindows(torch.randn(50, 1), 8, [1, 2], n_targets=1)
    >>> net = DirectForecastNetwork(RecurrentEncoder("gru", 1, 4), 1, 2)
    >>> history = Trainer(max_epochs=2, batch_size=16, lr=0.01).fit(net, windows)
    >>> len(history.epoch_losses), len(history.grad_norms), history.stop_reason
    (2, 6, 'max_epochs')
    """

    def __init__(
        self,
        max_epochs: int,
        batch_size: int,
        lr: float,
        optimizer: str = "adam",
        weight_decay: float = 0.0,
        lr_schedule: str | type | None = None,
        lr_schedule_kwargs: dict | None = None,
        clip_grad_norm: float | None = None,
        clip_grad_value: float | None = None,
        truncation_length: int | None = None,
        max_steps: int | None = None,
        early_stopping: bool = False,
        patience: int | None = 10,
        min_delta: float = 0.0,
        on_nonfinite: str = "warn",
        on_interrupt: str = "keep",
        callbacks: Sequence[Callable] = (),
        verbose: int = 0,
        device: torch.device | str = "cpu",
        generator: torch.Generator | None = None,
    ):
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.lr_schedule_kwargs = dict(lr_schedule_kwargs or {})
        self.clip_grad_norm = clip_grad_norm
        self.clip_grad_value = clip_grad_value
        self.truncation_length = truncation_length
        self.max_steps = max_steps
        self._steps_left = max_steps
        self.early_stopping = early_stopping
        self.patience = patience
        self.min_delta = min_delta
        self.on_nonfinite = on_nonfinite
        self.on_interrupt = on_interrupt
        self.callbacks = list(callbacks)
        self.verbose = int(verbose)
        self.device = torch.device(device)
        self.generator = generator
        self._full_batch_cache = None  # (windows, batch) of the last full batch

    # ----------------------------------------------------------- optimiser
    def make_optimizer(self, network: nn.Module) -> torch.optim.Optimizer:
        """Create the optimiser over ``network``'s parameters.

        Adam and AdamW use their fused kernel (one call updates every
        parameter: 3.5x faster than the default per-tensor loop for a small
        network on a CPU), where the installed torch has it for the device.
        """
        optimizer = OPTIMIZERS[self.optimizer]
        params = list(network.parameters())
        options = {"lr": self.lr, "weight_decay": self.weight_decay}
        if self.optimizer in _FUSABLE:
            try:
                return optimizer(params, fused=True, **options)
            except RuntimeError:  # torch < 2.4 fuses on CUDA only
                pass
        return optimizer(params, **options)

    def make_scheduler(self, optimizer, steps_per_epoch: int):
        """The learning-rate schedule of ``lr_schedule`` over this fit, or None."""
        schedules = torch.optim.lr_scheduler
        presets = {
            "cosine": (schedules.CosineAnnealingLR, {"T_max": self.max_epochs}),
            "plateau": (
                schedules.ReduceLROnPlateau,
                {"factor": 0.5, "patience": max(1, (self.patience or 10) // 2)},
            ),
            "onecycle": (
                schedules.OneCycleLR,
                {
                    "max_lr": self.lr,
                    "total_steps": self.max_epochs * max(1, steps_per_epoch),
                },
            ),
        }
        if self.lr_schedule is None:
            return None
        if isinstance(self.lr_schedule, str):
            schedule, arguments = presets[self.lr_schedule]
        else:
            schedule, arguments = self.lr_schedule, {}
        return schedule(optimizer, **{**arguments, **self.lr_schedule_kwargs})

    # ---------------------------------------------------------------- steps
    def forecast_loss(self, network, batch, training: bool = True) -> Tensor:
        """The network's loss on one batch (``training=False``: validating)."""
        return network.batch_loss(batch, self.truncation_length, training)

    def train_step(self, network, optimizer, batch, scheduler=None):
        """One optimiser step on a batch of windows.

        Returns the loss, the pre-clip gradient norm and whether it was clipped.
        """
        loss = self.forecast_loss(network, batch)
        return self._optimise(optimizer, loss, scheduler)

    def _optimise(self, optimizer, loss: Tensor, scheduler=None):
        """Drop the old gradients, back-propagate ``loss``, clip, step."""
        params = _parameters(optimizer)
        for param in params:  # optimizer.zero_grad() without its profiler hooks
            param.grad = None
        loss.backward()
        grad_norm, clipped = self._clip(params)
        optimizer.step()
        if scheduler is not None:  # one-cycle: stepped every batch
            scheduler.step()
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

    # --------------------------------------------------------------- epochs
    def run_epoch(self, network, optimizer, windows, history, scheduler=None) -> bool:
        """One pass over shuffled windows; False if the loss became non-finite.

        When one batch holds every window, its gradient does not depend on
        their order: the batch is gathered once per fit and reused, instead of
        being shuffled and gathered again every epoch (short series, where an
        epoch is a single step, spend a tenth of their time on that).
        """
        n_windows = len(windows)
        if n_windows <= self.batch_size:
            batch = self._full_batch(windows)
            return self._record(
                [self.train_step(network, optimizer, batch, scheduler)],
                history,
                [n_windows],
            )
        # int32 halves the shuffle's memory on long series; drawn where the data is
        dtype = torch.int32 if n_windows < 2**31 else torch.int64
        order = torch.randperm(
            n_windows,
            dtype=dtype,
            device=windows.series.device,
            generator=self.generator,
        )
        # batches of (nearly) equal size: 130 windows make two of 65, not one of
        # 128 and a noisy step on the last 2
        parts = order.tensor_split(-(-n_windows // self.batch_size))
        if self._steps_left is not None:
            parts = parts[: self._steps_left]
        steps = (
            self.train_step(network, optimizer, windows.batch(part), scheduler)
            for part in parts
        )
        return self._record(steps, history, [len(part) for part in parts])

    def _full_batch(self, windows):
        """Every window in one contiguous batch, gathered on first use."""
        cached = self._full_batch_cache
        if cached is None or cached[0] is not windows:
            every = torch.arange(len(windows), device=windows.series.device)
            gathered = windows.batch(every)
            batch = type(gathered)(*(part.contiguous() for part in gathered))
            self._full_batch_cache = cached = (windows, batch)
        return cached[1]

    def run_stateful_epoch(
        self, network, optimizer, streams, history, scheduler=None
    ) -> bool:
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
                    yield self._optimise(optimizer, loss, scheduler)

        return self._record(steps(), history)

    def _record(self, steps, history, sizes=None) -> bool:
        """Record loss, gradient norm and clipping of every step of an epoch.

        The epoch's loss is the mean over its windows (``sizes``: windows per
        step), or over its steps where they are not counted (streams).

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
        if self._steps_left is not None:
            self._steps_left -= len(losses)
        weights = sizes or [1] * len(losses)  # the mean over windows, if known
        mean = sum(w * loss for w, loss in zip(weights, losses, strict=True))
        history.epoch_losses.append(mean / sum(weights))
        return True

    @torch.inference_mode()
    def validation_loss(self, network, windows: Windows) -> float:
        """Mean loss over every validation window, in evaluation mode."""
        switch = mode_matters(network)  # toggling costs ~7% of a small fit
        if switch:
            network.eval()
        try:
            total, count = 0.0, 0
            for start in range(0, len(windows), _EVAL_BATCH):
                index = torch.arange(
                    start,
                    min(start + _EVAL_BATCH, len(windows)),
                    device=windows.series.device,
                )
                loss = self.forecast_loss(network, windows.batch(index), False)
                total += float(loss) * len(index)
                count += len(index)
        finally:
            if switch:
                network.train()
        return total / count

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        network: nn.Module,
        windows: Windows,
        optimizer: torch.optim.Optimizer | None = None,
        history: TrainingHistory | None = None,
        validation: Windows | None = None,
        streams: list[SeriesStreams] | None = None,
        checkpoint: Checkpoint | None = None,
        member: int = 0,
    ) -> TrainingHistory:
        """Train ``network`` in place for up to ``max_epochs`` epochs and diagnose.

        Pass the ``optimizer`` and ``history`` of an earlier fit to continue it.
        ``validation`` windows are scored after every epoch (and drive early
        stopping and the "plateau" schedule). With ``streams``, training is
        stateful (:meth:`run_stateful_epoch`); ``windows`` then only serve the
        gradient-flow diagnosis. With a ``checkpoint``, training resumes from
        it if it exists and saves it after every epoch. ``member`` numbers an
        ensemble member in callbacks and checkpoints.

        A ``KeyboardInterrupt`` (Ctrl-C) restores the weights of the last
        completed epoch and stops with a warning (``on_interrupt="keep"``;
        re-raised if no epoch had completed in this call) or is re-raised at
        once (``"raise"``).
        """
        optimizer = optimizer or self.make_optimizer(network)
        history = history or TrainingHistory()
        if self.early_stopping and validation is None:
            raise ValueError("early_stopping needs validation windows")
        steps_per_epoch = (
            sum(len(s) for s in streams)
            if streams is not None
            else -(-len(windows) // self.batch_size)
        )
        scheduler = self.make_scheduler(optimizer, steps_per_epoch)
        stopping = (
            EarlyStopping(self.patience, self.min_delta)
            if self.early_stopping
            else None
        )
        start, finished = 0, False
        resumed = self._resume(checkpoint, network, optimizer, scheduler, stopping)
        if resumed is not None:
            history, start = resumed
            finished = history.stop_reason in ("early_stopping", "callback")
        first_loss_count = len(history.epoch_losses)
        reporter = EpochReporter(
            self.verbose,
            self.callbacks,
            self.max_epochs,
            start,
            f"member {member + 1}" if member else "epochs",
        )
        if stopping is not None and start == 0 and not finished:
            if network.untrained_is_a_forecast:
                # epoch 0 is a candidate: the network must beat where it starts
                stopping.update(0, self.validation_loss(network, validation), network)
        network.train()
        rollback = EpochRollback(network, optimizer)
        rollback.save()
        self._steps_left = self.max_steps
        stop = history.stop_reason if finished else "max_epochs"
        history.stop_reason = stop
        run = _Run(
            network,
            optimizer,
            scheduler,
            stopping,
            rollback,
            reporter,
            windows,
            validation,
            streams,
            checkpoint,
            history,
            member,
        )
        try:
            with drawing_from(network, self.generator):
                stop = stop if finished else self._epochs(run, start)
        finally:
            reporter.close()
        # after a non-finite loss too: the rolled-back epoch's weights may
        # already be far off the best ones (they grew for a while before)
        if stopping is not None and stopping.best_epoch is not None:
            history.best_epoch = stopping.restore(network)
        network.eval()
        self._warn_if_diverging(network, windows, history, first_loss_count)
        if stop != "interrupted":
            try:
                self._diagnose_gradients(network, windows, history)
            except KeyboardInterrupt:  # the training is done: keep it
                if self.on_interrupt == "raise":
                    raise
                self._interrupted(len(history.epoch_losses), history)
        return history

    def _epochs(self, run: _Run, start: int) -> str:
        """Run the epochs from ``start``; return why they stopped."""
        history = run.history
        for epoch in range(start, self.max_epochs):
            step_scheduler = run.scheduler if _per_batch(run.scheduler) else None
            lr = run.optimizer.param_groups[0]["lr"]
            try:
                if run.streams is not None:
                    finite = self.run_stateful_epoch(
                        run.network, run.optimizer, run.streams, history, step_scheduler
                    )
                else:
                    finite = self.run_epoch(
                        run.network, run.optimizer, run.windows, history, step_scheduler
                    )
            except KeyboardInterrupt:
                run.rollback.restore()
                if self.on_interrupt == "raise" or epoch == start:
                    raise
                self._interrupted(epoch, history)
                return "interrupted"
            # a step can turn the weights non-finite after a finite loss (the
            # epoch's last step would leave them so): save refuses such weights
            if not (finite and run.rollback.save()):
                if finite:  # the loss was recorded; the weights are not kept
                    history.epoch_losses.pop()
                run.rollback.restore()
                self._diverged(epoch, history)
                return "non-finite loss"
            try:
                reason = self._end_epoch(run, epoch + 1, lr)
            except KeyboardInterrupt:  # the epoch itself completed: keep it
                if self.on_interrupt == "raise":
                    raise
                self._interrupted(epoch + 1, history)
                return "interrupted"
            if reason is not None:
                return reason
            if self._steps_left is not None and self._steps_left <= 0:
                history.stop_reason = "max_steps"
                return "max_steps"
        return "max_epochs"

    def _end_epoch(self, run: _Run, epoch: int, lr: float) -> str | None:
        """Validate, schedule, report and checkpoint a completed epoch."""
        history, stopping, scheduler = run.history, run.stopping, run.scheduler
        history.lrs.append(lr)
        history.best_epoch = epoch
        val_loss = None
        if run.validation is not None:
            val_loss = self.validation_loss(run.network, run.validation)
            history.val_losses.append(val_loss)
        reason = None
        if stopping is not None:
            if stopping.update(epoch, val_loss, run.network):
                reason = "early_stopping"
            history.best_epoch = stopping.best_epoch
        if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
            scheduler.step(history.epoch_losses[-1] if val_loss is None else val_loss)
        elif scheduler is not None and not _per_batch(scheduler):
            scheduler.step()
        info = {
            "epoch": epoch,
            "train_loss": history.epoch_losses[-1],
            "val_loss": val_loss,
            "lr": lr,
            "best_epoch": history.best_epoch,
            "member": run.member,
        }
        if run.reporter.epoch_end(info) and reason is None:
            reason = "callback"
        if reason is not None:
            history.stop_reason = reason
        if run.checkpoint is not None:
            run.checkpoint.save(self._checkpoint_state(run, epoch))
        return reason

    # ---------------------------------------------------------- checkpoints
    def _checkpoint_state(self, run: _Run, epoch: int) -> dict:
        history = run.history
        return {
            "epoch": epoch,
            "network": run.network.state_dict(),
            "optimizer": run.optimizer.state_dict(),
            "scheduler": None if run.scheduler is None else run.scheduler.state_dict(),
            "stopping": None if run.stopping is None else run.stopping.state_dict(),
            "history": {
                **history.lists(),
                "best_epoch": history.best_epoch or 0,
                "stop_reason": history.stop_reason or "",
            },
            "generator": None if self.generator is None else self.generator.get_state(),
        }

    def _resume(self, checkpoint, network, optimizer, scheduler, stopping):
        """Load ``checkpoint`` into the training objects; (history, epoch) or None."""
        if checkpoint is None:
            return None
        checkpoint.check_writable()
        state = checkpoint.load(self.device)
        if state is None:
            return None
        network.load_state_dict(state["network"])
        optimizer.load_state_dict(state["optimizer"])
        if scheduler is not None and state["scheduler"] is not None:
            scheduler.load_state_dict(state["scheduler"])
        if stopping is not None and state["stopping"] is not None:
            stopping.load_state_dict(state["stopping"])
        if self.generator is not None and state["generator"] is not None:
            self.generator.set_state(state["generator"].cpu())
        saved = dict(state["history"])
        best_epoch = saved.pop("best_epoch") or None
        stop_reason = saved.pop("stop_reason") or None
        history = TrainingHistory(**saved, best_epoch=best_epoch)
        history.stop_reason = stop_reason
        history.epochs_done = state["epoch"]
        return history, state["epoch"]

    # ---------------------------------------------------------------- notes
    def _interrupted(self, epochs_kept: int, history: TrainingHistory) -> None:
        history.stop_reason = "interrupted"
        warn(
            f"training was interrupted in epoch {epochs_kept + 1}; the forecaster "
            f"keeps the weights after epoch {epochs_kept} and is fitted. Fit again "
            "to train further (with checkpoint_dir set, it resumes).",
            UserWarning,
        )

    def _diverged(self, epoch: int, history: TrainingHistory) -> None:
        message = (
            f"the training loss or weights became NaN or infinite in epoch "
            f"{epoch + 1}; the weights from the start of that epoch were restored. "
            f"Lower lr (now {self.lr}) or set clip_grad_norm (now "
            f"{self.clip_grad_norm})."
        )
        history.stop_reason = "non-finite loss"
        if self.on_nonfinite == "raise":
            raise TrainingDivergedError(message)
        warn(message + " Training stopped.", GradientWarning)

    @torch.inference_mode()
    def reference_loss(self, network, windows: Windows) -> float:
        """The network's ``reference_loss`` on the first windows."""
        index = torch.arange(
            min(len(windows), _EVAL_BATCH), device=windows.series.device
        )
        return float(network.reference_loss(windows.batch(index)))

    def _warn_if_diverging(self, network, windows, history, first: int) -> None:
        """Warn when this call's training loss ended far above its best.

        Or far above :meth:`reference_loss`, that of a head outputting zeros.
        """
        losses = history.epoch_losses[first:]
        if not losses or not network.likelihood.loss_is_non_negative:
            return
        best = min(losses)
        kept_position = (history.best_epoch or len(history.epoch_losses)) - 1 - first
        kept = losses[kept_position] if kept_position >= 0 else losses[-1]
        reference = self.reference_loss(network, windows)
        # losses are of standardised (or MASE-scaled) data, where 1 is a
        # typical error: below 1e-4 nothing diverged (a constant series)
        if kept > _DIVERGENCE_FACTOR * max(min(best, reference), 1e-4):
            warn(
                f"the training loss ended at {kept:.3g} (lowest {best:.3g}; a network "
                f"forecasting each window's mean scores {reference:.3g}): the "
                f"optimiser diverged and the forecasts are unreliable. Lower lr "
                f"(now {self.lr}) or set clip_grad_norm (now {self.clip_grad_norm}).",
                GradientWarning,
            )

    def _diagnose_gradients(self, network, windows, history) -> None:
        exploded = find_exploding_steps(history.grad_norms)
        if len(exploded):
            warn(
                f"gradients exploded at {len(exploded)} of {len(history.grad_norms)} "
                f"optimiser steps (first at step {exploded[0]}): their norm was "
                "non-finite or over 100x its trailing median. Set clip_grad_norm, "
                "lower lr, or see get_fitted_params()['grad_norms'].",
                GradientWarning,
            )
        index = torch.arange(
            min(len(windows), _PROFILE_BATCH), device=windows.series.device
        )
        profile = network.gradient_flow(windows.batch(index)).cpu().numpy()
        history.gradient_flow = profile
        ratio = vanishing_ratio(profile)
        if np.isfinite(profile).all() and ratio < VANISHING_RATIO:
            warn(
                f"gradients vanish over the window: the oldest steps receive "
                f"{ratio:.1e} of the gradient of the newest ones, so they barely "
                "influence training. Try cell='lstm' with forget_bias=1.0, "
                "init='orthogonal', skip_connections=True or a shorter window_length.",
                GradientWarning,
            )

    # ------------------------------------------------------------ ensembles
    def fit_members(
        self,
        members: list[nn.Module],
        windows: Windows,
        optimizers: list,
        histories: list[TrainingHistory],
        validation: Windows | None = None,
        streams: list[SeriesStreams] | None = None,
        checkpoints: list[Checkpoint | None] | None = None,
    ) -> int:
        """Train ensemble members one after the other; return how many are kept.

        ``histories`` is updated in place. A Ctrl-C stops the whole ensemble:
        the members trained so far are kept (with the interrupted one at its
        last completed epoch, if it completed any) and the count returned
        excludes the members that never trained. Re-raised if the first member
        completed no epoch, or with ``on_interrupt="raise"``.
        """
        checkpoints = checkpoints or [None] * len(members)
        for number, member in enumerate(members):
            try:
                histories[number] = self.fit(
                    member,
                    windows,
                    optimizers[number],
                    histories[number],
                    validation,
                    streams,
                    checkpoints[number],
                    number,
                )
            except KeyboardInterrupt:
                if number == 0 or self.on_interrupt == "raise":
                    raise
                self._ensemble_interrupted(number, len(members))
                return number
            if histories[number].stop_reason == "interrupted":
                if number + 1 < len(members):
                    self._ensemble_interrupted(number + 1, len(members))
                return number + 1
        return len(members)

    @staticmethod
    def _ensemble_interrupted(kept: int, total: int) -> None:
        warn(
            f"training was interrupted: the ensemble keeps the {kept} of its "
            f"{total} members that trained",
            UserWarning,
        )
