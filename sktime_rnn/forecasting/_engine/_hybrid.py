"""The hybrid: a statistical forecast with a learned recurrent correction.

The forecast is ``statistical * exp(shrinkage * correction)`` (after Smyl's
ES-RNN): the statistical part (``_statistical``) is computed for every
series from every origin, in the units of the data; the network reads the
recent past relative to that forecast's level and learns a log correction
per horizon step. Windows are forecast origins, left-padded for short
series, with targets masked past the end (a 9-point series trains too); a
state keeps every series' whole history, which the statistical part reads.
It takes one positive target, without ``X``, with the direct strategy and a
point loss.
"""

from __future__ import annotations

__all__ = [
    "MIN_HISTORY",
    "HybridKind",
    "check_positive",
    "hybrid_blockers",
    "last_origins",
    "mase_scale",
    "origin_data",
    "training_origins",
    "update_origins",
]

import numpy as np
import torch

from sktime_rnn.exceptions import InvalidDataError
from sktime_rnn.forecasting._engine._build import encoder
from sktime_rnn.forecasting._engine._calibration import calibrate
from sktime_rnn.forecasting._engine._kind import Batches, ModelKind
from sktime_rnn.forecasting._engine._scaling import PanelScaling, SeriesScaling
from sktime_rnn.forecasting._engine._statistical import statistical_forecasts
from sktime_rnn.networks.hybrid import HybridForecastNetwork
from sktime_rnn.networks.likelihoods import point_losses
from sktime_rnn.training.origins import OriginData, OriginWindows
from sktime_rnn.training.runtime import thread_count

MIN_HISTORY = 3
"""Origins with fewer observations before them are not trained on."""

# lr, batch_size and patience "auto", from the M1 study: a correction from a
# zero-initialised head, many series' origins in a batch; on one series, one
# full batch an epoch: a larger rate and stopping after 10 epochs without
# improvement (benchmarks/results/competition_epochs_study2.md)
AUTO_OPTIMISATION = {"panel": (0.003, 512, None), "one series": (0.01, 512, 10)}


def hybrid_blockers(config, data, layout) -> list[str]:
    """Why the hybrid cannot be used for this fit (empty if it can)."""
    reasons = []
    if layout.n_targets != 1:
        reasons.append(f"y has {layout.n_targets} columns (the hybrid forecasts one)")
    if layout.n_exog:
        reasons.append("X is given (the hybrid reads y alone)")
    if not data.positive:
        reasons.append("y has values at or below 0 (the hybrid works on logarithms)")
    if config.strategy != "direct":
        reasons.append(f"strategy={config.strategy!r} (the hybrid is direct)")
    if config.stateful:
        reasons.append("stateful=True")
    if config.loss not in point_losses():
        reasons.append(f"loss={config.loss!r} (the hybrid trains {point_losses()})")
    if config.series_embedding_dim:
        reasons.append("series_embedding_dim > 0")
    return reasons


def check_positive(data, whose: str) -> None:
    """Refuse values at or below 0 for a hybrid, ``whose`` saying which one.

    Examples
    --------
    >>> import pandas as pd
    >>> from sktime_rnn.forecasting._preparation import split_data
    >>> data = split_data(pd.DataFrame({"y": [1.0, 0.0]}), None, None)
    >>> check_positive(data, "a hybrid")
    Traceback (most recent call last):
    ...
    sktime_rnn.exceptions.InvalidDataError: y has 1 value(s) at or below 0, but ...
    """
    if data.positive:
        return
    for position, frame in enumerate(data.y.frames):
        values = frame.to_numpy()
        if (values <= 0).any():
            what = "y" if not data.y.is_panel else data.y.label(position)
            raise InvalidDataError(
                f"{what} has {int((values <= 0).sum())} value(s) at or below 0, but "
                f"{whose}, which works on logarithms of positive series: fit "
                "with base=None for data that can be 0 or negative"
            )


class HybridKind(ModelKind):
    """Series in their own units and their forecast origins, for the hybrid network.

    Parameters
    ----------
    base : str
        The statistical part, an entry of ``_statistical.BASES``.
    """

    context_dtype = np.float64  # the data's own values, whole histories
    # forecasts and their path, log and errors, targets and masks, (n+1, S)
    # each in float64 while prepared, then as the windows' tensors
    bytes_per_step_and_origin = 96

    def __init__(self, base: str):
        self.base = base

    # ------------------------------------------------ the plan's rules
    def plan_steps(self, train_steps):
        """Every step up to the largest: the correction covers the whole path."""
        return np.arange(1, int(train_steps.max()) + 1)

    def plan_window(self, config, data, train_steps, sp) -> int:
        """``window_length``, or for "auto": 12 without a season, else max(16, 2 sp).

        The rule of the M1 study (benchmarks/research/M1_RESEARCH.md): 12, 16
        and 24 values for yearly, quarterly and monthly series.
        """
        if config.window_length != "auto":
            return config.window_length
        return 12 if sp <= 1 else max(16, 2 * sp)

    def auto_optimisation(self, one_series: bool):
        """The M1 study's settings, on one series or on a panel."""
        return AUTO_OPTIMISATION["one series" if one_series else "panel"]

    def shrinkage(self, config, on_the_panel: bool) -> float:
        """``shrinkage``, or for "auto": 1 on the panel the network trained on.

        Else (a network trained on a single series, or applied to series it
        never saw: ``fit`` after ``pretrain``) "auto" is 0.5. In the M1 study a
        hybrid trained on a single series forecast better with half its
        correction, on M1 and on a second collection alike (the correction is
        estimated from one series' few windows); one trained on a panel, with
        all of it. A pretrained network's correction of a new series is no
        better founded: on M1 halving it took the pretrain -> fit path's
        quarterly MASE relative to AutoETS from 1.036 to 0.992 and its
        geometric means from 0.942 / 0.947 to 0.940 / 0.938
        (``benchmarks/results/competition_research_pretrain.md``).
        """
        if config.shrinkage != "auto":
            return float(config.shrinkage)
        return 1.0 if on_the_panel else 0.5

    def network_steps(self, plan) -> int:
        """Every step up to the largest."""
        return int(np.max(plan.train_steps))

    def head_parameters(self, plan) -> int:
        """The head reads the encoder's summary and the path: (D*H + S) x S."""
        directions = 2 if plan.config.bidirectional else 1
        steps = self.network_steps(plan)
        return (directions * plan.config.hidden_size + steps + 1) * steps

    # ----------------------------------------------------------- checks
    def check_data(self, plan, data, whose: str) -> None:
        """Short series are padded, but values must be positive."""
        check_positive(data, whose)

    def check_update(self, plan, data, whose: str) -> None:
        """New values must be positive too."""
        check_positive(data, whose)

    def covers(self, plan, steps) -> bool:
        """The hybrid forecasts every step up to its largest."""
        return int(steps.max()) <= int(plan.train_steps.max())

    # ------------------------------------------------------------- data
    def scaling(self, data) -> PanelScaling:
        """No scaling: the statistical part sets every series' level."""
        n = len(data.keys)
        return PanelScaling(SeriesScaling(np.zeros((n, 1)), np.ones((n, 1))), None)

    def rows(self, plan, data, scaling, positions, numbers) -> list[np.ndarray]:
        """Every series' values, float64 (T, 1)."""
        return [frame.to_numpy(dtype=float) for frame in data.y.frames]

    def _origin_data(self, plan, rows) -> list[OriginData]:
        n_steps = self.network_steps(plan)
        return [origin_data(r[:, 0], n_steps, plan.sp, self.base) for r in rows]

    def windows(self, plan, rows, validate: bool = True) -> Batches:
        """Training origins, validation origins (or None), no streams."""
        validation = plan.validation if validate else None
        train, held_out = training_origins(
            self._origin_data(plan, rows),
            plan.window,
            validation,
            plan.config.torch_device,
        )
        return Batches(train, held_out, None)

    def update_windows(self, plan, rows, previous_lengths) -> Batches:
        """The origins whose targets lie in the observations the update added."""
        windows = update_origins(
            self._origin_data(plan, rows),
            previous_lengths,
            plan.window,
            plan.config.torch_device,
        )
        return Batches(windows, None, None)

    def context(self, plan, rows, indices):
        """Every series' whole history."""
        return rows, indices

    def check_context(self, rows) -> str | None:
        """A hybrid's context holds positive values."""
        return None if bool((rows > 0).all()) else "a hybrid's context must be positive"

    # ---------------------------------------------------------- network
    def build_member(self, plan, n_targets, n_exog, n_series):
        """An encoder of the values before the origin and their mask, a zero head."""
        config = plan.config
        recurrent = encoder(
            config, plan.cell, 2, config.bidirectional, config.skip_connections
        )
        return HybridForecastNetwork(recurrent, self.network_steps(plan), config.loss)

    # -------------------------------------------------------- forecasts
    def forecast_inputs(self, state) -> OriginWindows:
        """Every series' origin at its end (the statistical part from there)."""
        return last_origins(
            self._origin_data(state.plan, state.context), state.window, state.device
        )

    def forecast(self, state, steps, future_exog):
        """The statistical forecast from every series' end, corrected (B, S', 1, 1).

        In the units of the data: the statistical forecast times the
        exponential of the network's correction (the median of an ensemble's),
        scaled by the state's ``shrinkage``.
        """
        origins = state.forecast_inputs
        batch = origins.batch(torch.arange(len(origins)))
        with thread_count(state.config.num_threads), torch.inference_mode():
            forecast = _forecasts(state.network, batch, state.shrinkage)
        forecast = forecast.cpu()[:, :, None, None]  # (B, S, 1, 1)
        return forecast[:, np.asarray(steps) - 1]

    def calibrate(self, plan, network, validation, shrinkage: float):
        """Forecasts and truths of the ``validation`` origins, in the data's units.

        Targets past the end of a series are NaN; the forecasts apply
        ``shrinkage`` of the correction, as the state's predictions do.
        """

        def forecasts(batch):
            forecast = _forecasts(network, batch, shrinkage)
            target = torch.where(batch.mask > 0, batch.target, np.nan)
            return forecast[..., None, None], target[..., None]

        with thread_count(plan.config.num_threads):
            return calibrate(network, validation, forecasts)

    def min_history(self, plan) -> int:
        """Origins need :data:`MIN_HISTORY` observations before them."""
        return MIN_HISTORY


def _forecasts(network, batch, shrinkage: float) -> torch.Tensor:
    """Forecasts (N, S) of a batch of origins, in float64 and the data's units.

    The correction is added to the base's logarithm in float64: a float32
    logarithm of 1e9 is off by 2e-6, which is 2,000 in the data.
    """
    correction = network(batch.past, batch.path).double()
    return (batch.log_base + shrinkage * correction).exp()


def mase_scale(y: np.ndarray, sp: int) -> float:
    """The in-sample seasonal-naive mean absolute error (lag 1 if too short).

    Examples
    --------
    >>> mase_scale(np.array([1.0, 2.0, 4.0, 8.0]), 1)
    2.3333333333333335
    """
    lag = sp if len(y) > sp else 1
    differences = np.abs(y[lag:] - y[:-lag])
    scale = differences.mean() if len(differences) else 0.0
    if scale > 0:
        return float(scale)
    # a constant (or one-point) series: its own size, whatever its scale
    size = float(np.abs(y).mean())
    return size if size > 0 else 1.0


def origin_data(y: np.ndarray, n_steps: int, sp: int, base: str) -> OriginData:
    """One positive series, prepared for the windows of its origins."""
    part = statistical_forecasts(y, n_steps, sp, base)
    return OriginData(
        values=part.log_adjusted,
        level=part.log_level,
        path=part.log_path,
        base=part.forecasts,
        target=y,
        scale=mase_scale(y, sp),
    )


def training_origins(
    datas: list[OriginData], window: int, validation: int | float | None, device
) -> tuple[OriginWindows, OriginWindows | None]:
    """Training origins of every series and, with ``validation``, held-out ones.

    Every origin with at least :data:`MIN_HISTORY` observations and one
    observed target trains. With ``validation`` (a number of steps), the last
    ``validation`` observations of every series (a float: that share of
    them, at least one) are held out: their origins
    form the validation set, and no training target reaches into them. A
    series too short for both only validates (it has no training origin):
    the network must then beat its statistical part on it, or stay at it.
    """
    train, cuts, held_out = [], [], []
    for data in datas:
        n = len(data.values)
        first = min(MIN_HISTORY, n - 1)
        held = validation
        if isinstance(validation, float):
            held = max(1, round(validation * n))
        cut = n if validation is None else max(n - held, 0)
        train.append(np.arange(first, max(cut, first)))
        cuts.append(cut)
        held_out.append(np.arange(max(cut, first), n))
    windows = OriginWindows(datas, train, window, cuts, device)
    if validation is None:
        return windows, None
    return windows, OriginWindows(datas, held_out, window, device=device)


def update_origins(
    datas: list[OriginData], previous_lengths: list[int], window: int, device
) -> OriginWindows:
    """Origins with targets in what was added after ``previous_lengths``."""
    n_steps = datas[0].path.shape[1]
    origins = [
        np.arange(max(MIN_HISTORY, before - n_steps + 1, 1), len(data.values))
        for data, before in zip(datas, previous_lengths, strict=True)
    ]
    return OriginWindows(datas, origins, window, device=device)


def last_origins(datas: list[OriginData], window: int, device) -> OriginWindows:
    """Every series' origin at its end: what a forecast reads."""
    origins = [np.array([len(data.values)]) for data in datas]
    return OriginWindows(datas, origins, window, device=device)
