"""Hybrid forecaster: a statistical forecast times a learned recurrent correction.

forecast[j] = base[j] * exp(c[j]),  c = head([encoder(window), base path])

- ``base``: a closed-form statistical forecast (``stats.base_all``: M4's
  seasonality test and classical multiplicative decomposition, then Theta /
  SES / damped trend / their mean on the adjusted series), available at every
  origin of every series, so the network learns a correction to it.
- the window: the last ``L`` seasonally adjusted values in logs, minus the log
  of the base's adjusted one-step forecast (the level), left-padded with 0 and
  a mask channel for origins with less history than ``L``.
- the head reads the encoder's last state and the base's adjusted path
  (log, minus the same level), and is zero-initialised: an untrained network
  forecasts exactly the statistical part.
- training windows: every origin with at least ``min_history`` observations and
  at least one observed target; targets past the end of the series are masked,
  so short series give windows too.
- loss: masked L1 of the log ratio (scale-free, close to sMAPE / 200), or the
  MASE-scaled absolute error (``loss="mase"``).

Used per series (``LocalHybrid``) or on a frequency's panel
(``GlobalHybrid``), both ensembles of ``n_models`` seeds (median of members).
Builds on the package's ``RecurrentEncoder`` only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from benchmarks.research.m1.stats import base_all, factors
from sktime_rnn.networks import RecurrentEncoder


# ------------------------------------------------------------------- data
@dataclass
class Windows:
    """Training windows (or prediction inputs) as tensors."""

    past: torch.Tensor  # (N, L, 2): log adjusted value minus level, mask
    base_path: torch.Tensor  # (N, h): log adjusted base minus level
    log_base: torch.Tensor  # (N, h): log of the base forecast (seasonal)
    target: torch.Tensor  # (N, h): log y (0 where masked)
    mask: torch.Tensor  # (N, h): 1 where the target is observed
    scale: torch.Tensor  # (N, 1): MASE scale / level, for loss="mase"
    weight: torch.Tensor  # (N,): sample weight
    series: torch.Tensor  # (N,): series number


def _mase_scale(y, m):
    lag = m if len(y) > m else 1
    d = np.abs(y[lag:] - y[:-lag])
    s = d.mean() if len(d) else 0.0
    return s if s > 0 else max(np.abs(y).mean(), 1e-8)


def series_windows(
    y,
    h,
    m,
    L,
    method,
    min_history=3,
    season_test=True,
    predict_only=False,
    recency=0.0,
    log_base=True,
    cut=None,
    first_origin=None,
):
    """``cut``: targets at positions >= cut are masked (a temporal validation
    split); ``first_origin``: no origin before it (the validation windows)."""
    """Windows of one series: training origins (or the last, predict_only)."""
    y = np.asarray(y, float)
    n = len(y)
    base, adjusted, indices = base_all(y, h, m, method, season_test, log_base)
    base = np.maximum(base, 1e-6 * np.abs(y).max() + 1e-12)
    log_adj = np.log(np.maximum(adjusted, 1e-12))
    positions = np.arange(n + 1)[:, None] + np.arange(h)[None, :]
    season = indices[positions % len(indices)]  # (n+1, h)
    log_base_adj = np.log(base / season)  # adjusted base
    level = log_base_adj[:, 0]  # (n+1,)
    if predict_only:
        origins = np.array([n])
    else:
        first = min(max(min_history, 1), n - 1)
        if first_origin is not None:
            first = max(first, first_origin)
        end = n if cut is None else cut
        origins = np.arange(first, end)  # at least one target observed
    k = origins
    idx = k[:, None] - L + np.arange(L)[None, :]  # (N, L)
    valid = idx >= 0
    values = np.where(valid, log_adj[np.clip(idx, 0, n - 1)] - level[k][:, None], 0)
    past = np.stack([values, valid.astype(float)], axis=2)
    tpos = k[:, None] + np.arange(h)[None, :]
    observed = tpos < (n if cut is None else cut)
    target = np.where(observed, np.log(y[np.clip(tpos, 0, n - 1)]), 0.0)
    scale = _mase_scale(y, m)
    # MASE scale relative to each window's level (the loss works in logs' units)
    rel_scale = scale / np.exp(level[k] + np.log(season[k, 0]))
    w = np.ones(len(k))
    if recency > 0 and len(k) > 1:
        w = np.exp(-recency * (n - 1 - k) / max(n - 1, 1))
    return dict(
        past=past,
        base_path=log_base_adj[k] - level[k][:, None],
        log_base=np.log(base[k]),
        target=target,
        mask=observed.astype(float),
        scale=rel_scale[:, None],
        weight=w,
    )


def stack(parts: list[dict]) -> Windows:
    """Tensors of many series' windows (float32)."""
    out = {}
    for key in parts[0]:
        out[key] = torch.as_tensor(
            np.concatenate([p[key] for p in parts]), dtype=torch.float32
        )
    out["series"] = torch.as_tensor(
        np.concatenate([np.full(len(p["weight"]), i) for i, p in enumerate(parts)])
    )
    return Windows(**out)


# ---------------------------------------------------------------- network
class HybridNet(nn.Module):
    """Recurrent encoder over the window, zero-initialised head: (N, h) log corrections.

    Shapes: past (N, L, 2), base_path (N, h) -> (N, h).
    """

    def __init__(
        self,
        h,
        hidden_size=32,
        cell="lstm",
        num_layers=1,
        use_base_path=True,
        dropout=0.0,
    ):
        super().__init__()
        self.encoder = RecurrentEncoder(
            cell, 2, hidden_size, num_layers=num_layers, dropout=dropout
        )
        self.use_base_path = use_base_path
        self.head = nn.Linear(hidden_size + (h if use_base_path else 0), h)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, past, base_path):
        output, _ = self.encoder(past)
        features = output[:, -1]  # (N, H)
        if self.use_base_path:
            features = torch.cat([features, base_path], dim=1)  # (N, H + h)
        return self.head(features)  # (N, h)


def hybrid_loss(correction, w: Windows, index, kind):
    log_forecast = w.log_base[index] + correction
    mask = w.mask[index]
    if kind == "l1log":
        err = (log_forecast - w.target[index]).abs()
    elif kind == "mase":
        err = (log_forecast.exp() - w.target[index].exp()).abs()
        err = err / (w.log_base[index][:, :1].exp() * w.scale[index])
    elif kind == "smape":
        f, y = log_forecast.exp(), w.target[index].exp()
        err = 2 * (f - y).abs() / (f.abs() + y.abs())
    elif kind == "mix":
        err1 = (log_forecast - w.target[index]).abs()
        err2 = (log_forecast.exp() - w.target[index].exp()).abs() / (
            w.log_base[index][:, :1].exp() * w.scale[index]
        )
        err = err1 + 0.1 * err2
    else:
        raise ValueError(kind)
    per_window = (err * mask).sum(1) / mask.sum(1).clamp_min(1)
    weight = w.weight[index]
    return (per_window * weight).sum() / weight.sum()


def _descend(
    net,
    w: Windows,
    epochs,
    batch_size,
    lr,
    loss="l1log",
    weight_decay=0.0,
    clip=1.0,
    seed=0,
    max_steps=None,
):
    """Adam on shuffled mini-batches (one fixed batch when all windows fit in one).

    Yields ``(epoch, steps, epoch_done)`` after every optimiser step
    (``epoch_done`` False) and once more at the end of every epoch (True).
    """
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    params = list(net.parameters())
    try:
        optimizer = torch.optim.Adam(
            params, lr=lr, weight_decay=weight_decay, fused=True
        )
    except RuntimeError:
        optimizer = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    n = w.past.shape[0]
    full = torch.arange(n)
    steps = 0
    net.train()
    for epoch in range(1, epochs + 1):
        order = torch.randperm(n, generator=generator) if n > batch_size else full
        for start in range(0, n, batch_size):
            index = order[start : start + batch_size]
            correction = net(w.past[index], w.base_path[index])
            value = hybrid_loss(correction, w, index, loss)
            for p in params:
                p.grad = None
            value.backward()
            if clip:
                nn.utils.clip_grad_norm_(params, clip, foreach=True)
            optimizer.step()
            steps += 1
            yield epoch, steps, False
            if max_steps and steps >= max_steps:
                break
        yield epoch, steps, True
        if max_steps and steps >= max_steps:
            return


def train(net, w: Windows, epochs, batch_size, lr, **options):
    """Train for ``epochs`` (``options``: those of :func:`_descend`)."""
    for _ in _descend(net, w, epochs, batch_size, lr, **options):
        pass


def train_validated(
    net,
    w: Windows,
    val: Windows,
    epochs,
    batch_size,
    lr,
    every=None,
    margin=1.0,
    **options,
):
    """Train, score ``val`` after every epoch, end with the best epoch's weights.

    With ``every``, score it every ``every`` optimiser steps instead and
    return the best step. Epoch 0 (the zero-initialised head: the statistical
    part) is a candidate too, so a network that only overfits is never kept.
    """
    loss = options.get("loss", "l1log")

    def val_loss():
        net.eval()
        with torch.inference_mode():
            value = hybrid_loss(
                net(val.past, val.base_path), val, torch.arange(val.past.shape[0]), loss
            ).item()
        net.train()
        return value

    params = list(net.parameters())
    # the network must beat the statistical part's validation loss by (1 - margin)
    best = val_loss() * margin
    best_state, best_epoch = [p.detach().clone() for p in params], 0
    if w.past.shape[0] == 0:
        return 0
    for epoch, steps, epoch_done in _descend(net, w, epochs, batch_size, lr, **options):
        due = epoch_done if not every else not epoch_done and steps % every == 0
        if due:
            current = val_loss()
            if current < best:
                best, best_epoch = current, steps if every else epoch
                torch._foreach_copy_(best_state, [p.detach() for p in params])
    with torch.no_grad():
        torch._foreach_copy_(params, best_state)
    return best_epoch


@torch.inference_mode()
def predict_log(net, w: Windows):
    net.eval()
    return w.log_base + net(w.past, w.base_path)


# ------------------------------------------------------------ forecasters
WINDOW = {1: 12, 4: 16, 12: 36}


@dataclass
class GlobalHybrid:
    """One hybrid network (ensemble) on a frequency's panel."""

    period: int
    horizon: int
    method: str = "theta"
    window: int | None = None  # by the period: WINDOW, else two seasons
    hidden_size: int = 32
    epochs: int = 20
    batch_size: int = 512
    lr: float = 3e-3
    loss: str | tuple = "l1log"  # a tuple: one loss per ensemble member
    n_models: int = 3
    weight_decay: float = 0.0
    min_history: int = 3
    random_state: int | None = 0
    cell: str = "lstm"
    use_base_path: bool = True
    recency: float = 0.0
    combine: str = "median"
    season_test: bool = True
    log_base: bool = True
    steps: int | None = None
    shrink: float = 1.0
    global_es: bool = field(default=False, init=False)
    refit: bool = field(default=False, init=False)

    def __post_init__(self):
        self.window = self.window or WINDOW.get(self.period, 2 * self.period)

    def _member(self, member):
        """An ensemble member's seed, loss and freshly seeded network."""
        seed = (self.random_state or 0) * 1000 + member
        loss = (
            self.loss
            if isinstance(self.loss, str)
            else self.loss[member % len(self.loss)]
        )
        torch.manual_seed(seed)
        net = HybridNet(
            self.horizon, self.hidden_size, self.cell, use_base_path=self.use_base_path
        )
        return seed, loss, net

    def _windows(self, trains, predict_only):
        return stack(
            [
                series_windows(
                    y,
                    self.horizon,
                    self.period,
                    self.window,
                    self.method,
                    self.min_history,
                    self.season_test,
                    predict_only,
                    self.recency,
                    self.log_base,
                )
                for y in trains
            ]
        )

    def fit_predict_panel(self, trains, h):
        return self._fit_then_predict(trains, trains)

    def _split_windows(self, trains):
        """Training windows with every series' last horizon masked, and validation
        windows (origins in the last horizon): a temporal split of the panel."""
        common = (
            self.horizon,
            self.period,
            self.window,
            self.method,
            self.min_history,
            self.season_test,
        )
        train_parts, val_parts = [], []
        for y in trains:
            cut = len(y) - self.horizon
            train_parts.append(
                series_windows(
                    y, *common, recency=self.recency, log_base=self.log_base, cut=cut
                )
            )
            val_parts.append(
                series_windows(
                    y,
                    *common,
                    recency=self.recency,
                    log_base=self.log_base,
                    first_origin=cut,
                )
            )
        return stack(train_parts), stack(val_parts)

    def _fit_then_predict(self, seen, unseen):
        torch.set_num_threads(1)
        if getattr(self, "global_es", False):
            return self._fit_then_predict_es(seen, unseen)
        train_w = self._windows(seen, False)
        test_w = self._windows(unseen, True)
        logs = []
        for member in range(self.n_models):
            seed, loss, net = self._member(member)
            epochs = self.epochs
            if self.steps:  # a budget of optimiser steps, whatever the panel's size
                per_epoch = math.ceil(train_w.past.shape[0] / self.batch_size)
                epochs = math.ceil(self.steps / per_epoch)
            train(
                net,
                train_w,
                epochs,
                self.batch_size,
                self.lr,
                loss=loss,
                weight_decay=self.weight_decay,
                seed=seed,
                max_steps=self.steps,
            )
            logs.append(
                test_w.log_base
                + self.shrink * (predict_log(net, test_w) - test_w.log_base)
            )
        logs = torch.stack(logs)
        log = logs.median(0).values if self.combine == "median" else logs.mean(0)
        return list(log.exp().numpy().astype(float))

    def _fit_then_predict_es(self, seen, unseen):
        """Early stopping on the panel's last horizon (validated every 25 steps,
        best weights kept); with ``refit``, retrain on all data for the best
        number of steps."""
        train_w, val_w = self._split_windows(seen)
        full_w = self._windows(seen, False) if self.refit else None
        test_w = self._windows(unseen, True)
        logs, self.best_steps_ = [], []
        for member in range(self.n_models):
            seed, loss, net = self._member(member)
            per_epoch = math.ceil(max(train_w.past.shape[0], 1) / self.batch_size)
            best = train_validated(
                net,
                train_w,
                val_w,
                math.ceil(self.steps / per_epoch),
                self.batch_size,
                self.lr,
                loss=loss,
                weight_decay=self.weight_decay,
                seed=seed,
                max_steps=self.steps,
                every=25,
            )
            self.best_steps_.append(best)
            if self.refit and best > 0:
                _, _, net = self._member(member)
                per_epoch = math.ceil(full_w.past.shape[0] / self.batch_size)
                train(
                    net,
                    full_w,
                    math.ceil(best / per_epoch),
                    self.batch_size,
                    self.lr,
                    loss=loss,
                    weight_decay=self.weight_decay,
                    seed=seed,
                    max_steps=best,
                )
            logs.append(predict_log(net, test_w))
        logs = torch.stack(logs)
        log = logs.median(0).values if self.combine == "median" else logs.mean(0)
        return list(log.exp().numpy().astype(float))


class CrossFitHybrid(GlobalHybrid):
    """Pretrain -> fit for new series: train on one half, forecast the other.

    Halves are even and odd positions; every series is forecast by a network
    that never saw it (the "pretrain on a panel, then fit a new short series"
    path). The statistical part of a new series is its own.
    """

    def fit_predict_panel(self, trains, h):
        out = [None] * len(trains)
        for half in (0, 1):
            seen = list(range(half, len(trains), 2))
            unseen = list(range(1 - half, len(trains), 2))
            forecasts = self._fit_then_predict(
                [trains[i] for i in seen], [trains[i] for i in unseen]
            )
            for i, f in zip(unseen, forecasts, strict=True):
                out[i] = f
        return out


@dataclass
class LocalHybrid(GlobalHybrid):
    """The same hybrid fitted on one series."""

    hidden_size: int = 16
    epochs: int = 60
    batch_size: int = 256
    n_models: int = 1
    early_stopping: bool = False
    margin: float = 1.0

    def fit_predict(self, y, h):
        y = np.asarray(y, float)
        if not self.early_stopping:
            return self.fit_predict_panel([y], h)[0]
        torch.set_num_threads(1)
        train_w, val_w = self._split_windows([y])
        test_w = self._windows([y], True)
        logs = []
        self.best_epochs_ = []
        for member in range(self.n_models):
            seed, loss, net = self._member(member)
            self.best_epochs_.append(
                train_validated(
                    net,
                    train_w,
                    val_w,
                    self.epochs,
                    self.batch_size,
                    self.lr,
                    loss=loss,
                    weight_decay=self.weight_decay,
                    seed=seed,
                    margin=self.margin,
                )
            )
            logs.append(
                test_w.log_base
                + self.shrink * (predict_log(net, test_w) - test_w.log_base)
            )
        log = torch.stack(logs).median(0).values
        return log.exp().numpy().astype(float)[0]


class StatBase:
    """The hybrid's statistical part alone (what a zero network forecasts)."""

    def __init__(
        self, period, horizon, method="theta", season_test=True, log_base=True
    ):
        self.period, self.method, self.season_test = period, method, season_test
        self.log_base = log_base

    def fit_predict(self, y, h):
        base, _, _ = base_all(
            np.asarray(y, float),
            h,
            self.period,
            self.method,
            self.season_test,
            self.log_base,
        )
        return base[-1]


del factors
