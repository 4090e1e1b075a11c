"""The fitted state of a forecaster, as one object that ``fit`` builds whole.

``fit``, ``update`` and ``pretrain`` build a new :class:`FittedState` (or
:class:`PretrainedState`) and swap it in only when they succeed, so a failed
call changes nothing. The file codec (``sktime_rnn.forecasting._files``)
writes a state and reads it back.
"""

from __future__ import annotations

__all__ = ["FittedState", "PretrainedState", "StreamState"]

import dataclasses
import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
from torch import Tensor, nn

from sktime_rnn.forecasting._engine._calibration import Calibration
from sktime_rnn.forecasting._engine._config import Config
from sktime_rnn.forecasting._engine._data import SeriesLayout
from sktime_rnn.forecasting._engine._kind import ModelKind
from sktime_rnn.forecasting._engine._plan import FitPlan
from sktime_rnn.forecasting._engine._scaling import PanelScaling
from sktime_rnn.training.diagnostics import TrainingHistory


@dataclass
class StreamState:
    """Where a stateful network stands after reading every series' history.

    Attributes
    ----------
    features : Tensor
        (B, D*H) encoder output at every series' last observation.
    hidden : list
        Encoder state per layer: ``h`` or ``(h, c)``, each (D, B, H).
    """

    features: Tensor
    hidden: list


class _PlanDecisions:
    """The plan's decisions, read off a state's ``plan``."""

    plan: FitPlan

    @property
    def kind(self) -> ModelKind:
        """The model kind of the network."""
        return self.plan.kind

    @property
    def cell(self) -> str:
        """The recurrent cell."""
        return self.plan.cell

    @property
    def window(self) -> int:
        """L, past observations the network reads."""
        return self.plan.window

    @property
    def train_steps(self) -> np.ndarray:
        """Horizon steps the network was trained to forecast."""
        return self.plan.train_steps

    @property
    def base(self) -> str | None:
        """The statistical part a hybrid corrects ("theta+damped", ...), or None."""
        return self.plan.base

    @property
    def sp(self) -> int:
        """The season length the fit used (``sp``, or what ``sp="auto"`` found)."""
        return self.plan.sp


@dataclass
class PretrainedState(_PlanDecisions):
    """A network trained by ``pretrain``, and what it was trained on.

    Attributes
    ----------
    plan : FitPlan
        The plan it was trained by (kind, cell, window, steps, season length).
    network : torch.nn.Module
        The pretrained network; ``fit`` works on a copy of it.
    layout : SeriesLayout
        The pretraining panel's layout (its keys number the series embedding).
    histories : list of TrainingHistory
        One per ensemble member.
    optimizers : list or None
        The optimisers, to continue pretraining on more data.
    """

    plan: FitPlan
    network: nn.Module
    layout: SeriesLayout
    histories: list[TrainingHistory]
    optimizers: list | None = None


@dataclass
class FittedState(_PlanDecisions):
    """Everything a fitted forecaster predicts and updates from.

    Attributes
    ----------
    plan : FitPlan
        What the fit decided: the model kind, cell, window, horizon steps,
        season length, shrinkage, and the hyper-parameters (``config``).
    layout : SeriesLayout
        What the data looked like (series keys, columns, frequency).
    network : torch.nn.Module
        The trained network (an ensemble for ``n_models > 1``).
    scaling : PanelScaling
        Every series' scaling statistics.
    series_numbers : list of int or None
        Every series' number in the series embedding (None without one).
    n_trained_series : int
        Series the network was trained on (the embedding's size).
    context : list of numpy.ndarray
        Every series' latest (T_i, C+K[+1]) rows, as its kind keeps them: the
        window the next forecast reads, plus what an update's windows need.
    context_index : list of pandas.Index
        The time points of those rows; the last is the series' end.
    histories : list of TrainingHistory
        One per ensemble member.
    stream : StreamState or None
        Stateful forecasters' state after the last observation.
    calibration : Calibration or None
        Validation forecasts and truths that calibrate the intervals
        (``interval_calibration="conformal"``).
    optimizers : list or None
        The optimisers, continued by ``update``; not saved.
    """

    plan: FitPlan
    layout: SeriesLayout
    network: nn.Module
    scaling: PanelScaling
    series_numbers: list[int] | None
    n_trained_series: int
    context: list[np.ndarray]
    context_index: list[pd.Index]
    histories: list[TrainingHistory]
    stream: StreamState | None = None
    calibration: Calibration | None = field(default=None, repr=False)
    optimizers: list | None = field(default=None, repr=False)

    # ------------------------------------------------- what the plan decided
    @property
    def config(self) -> Config:
        """The hyper-parameters the state was built with."""
        return self.plan.config

    @property
    def shrinkage(self) -> float:
        """The share of a hybrid network's correction its forecasts apply."""
        return self.plan.shrinkage

    # ------------------------------------------------------------ the data
    @property
    def ends(self) -> list:
        """Every series' last time point."""
        return [index[-1] for index in self.context_index]

    @property
    def history(self) -> TrainingHistory:
        """The first ensemble member's training history."""
        return self.histories[0]

    @property
    def device(self) -> torch.device:
        """Where the network lives."""
        return self.config.torch_device

    def last_observations(self, n: int = 1) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        """Every series' last ``n`` rows of ``y`` (and ``X``), in the data's units."""
        layout = self.layout
        n_targets, n_exog = layout.n_targets, layout.n_exog
        y_frames, x_frames = [], []
        for position, (rows, index) in enumerate(
            zip(self.context, self.context_index, strict=True)
        ):
            last = rows[-n:].astype(float)  # (n, C+K[+1]), scaled
            y = self.scaling.y.untransform(last[:, :n_targets], position)
            y_frames.append(pd.DataFrame(y, index=index[-n:], columns=layout.y_columns))
            if n_exog:
                x = self.scaling.x.untransform(
                    last[:, n_targets : n_targets + n_exog], position
                )
                x_frames.append(
                    pd.DataFrame(x, index=index[-n:], columns=layout.x_columns)
                )
        return layout.join(y_frames), layout.join(x_frames) if n_exog else None

    # ----------------------------------------------------------- forecasts
    @functools.cached_property
    def forecast_inputs(self):
        """What every forecast reads, from every series' end (once per state)."""
        return self.kind.forecast_inputs(self)

    def network_horizon(self, steps: np.ndarray) -> np.ndarray:
        """The horizon steps the network produces to cover ``steps``."""
        strategy = self.config.strategy
        if strategy == "recursive":
            return np.arange(1, int(steps.max()) + 1)
        if strategy == "seq2seq":
            return np.arange(1, int(self.train_steps.max()) + 1)
        return self.train_steps

    def forecast(self, steps: np.ndarray, future_exog: Tensor) -> Tensor:
        """Likelihood parameters (B, S', C, P) at ``steps``, in scaled units.

        ``future_exog`` (B, S, K) holds the scaled ``X`` at the steps of
        :meth:`network_horizon`.
        """
        return self.kind.forecast(self, steps, future_exog)

    def replace(self, **changes) -> FittedState:
        """A new state with ``changes``; this one is left as it is."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_trained(cls, trained: PretrainedState, **fields) -> FittedState:
        """A state that forecasts with ``trained``'s network; ``fields`` give the rest.

        The network, its histories and optimisers come from ``trained``;
        ``fields`` give the plan of this state, the panel it forecasts (its
        ``layout``: ``trained``'s is the panel the network was trained on) and
        that panel's scaling and context.
        """
        return cls(
            network=trained.network,
            histories=trained.histories,
            optimizers=trained.optimizers,
            **fields,
        )
