"""What every model kind provides: one small interface, and the table of kinds.

A model kind is one way for a network to see the data, train and forecast:
the plain network (``_plain``: standardised sliding windows) and the hybrid
(``_hybrid``: a statistical forecast with a learned recurrent correction).
Each kind owns its rules for the fit plan, its checks, its rows, windows and
context, the network it builds, its forecasts and their calibration, and
what its saved context looks like. Everything else (the plan, the training
runs, the state, the forecasters, the files) talks to a kind through this
interface only; the plan (``_plan``) is the one place that chooses a kind.
"""

from __future__ import annotations

__all__ = ["Batches", "ModelKind"]

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from torch import Tensor, nn

from sktime_rnn.forecasting._engine._data import SeriesData
from sktime_rnn.forecasting._engine._scaling import PanelScaling

if TYPE_CHECKING:  # annotations only: the plan and the state hold a kind
    from sktime_rnn.forecasting._engine._calibration import Calibration
    from sktime_rnn.forecasting._engine._config import Config
    from sktime_rnn.forecasting._engine._plan import FitPlan
    from sktime_rnn.forecasting._engine._state import FittedState


class Batches(NamedTuple):
    """What a kind trains on: training windows, validation windows, streams.

    ``train`` and ``validation`` gather batches by index (the trainer's
    ``Windows``); ``validation`` is None without validation, ``streams`` None
    unless training is stateful.
    """

    train: object
    validation: object | None
    streams: list | None


class ModelKind(ABC):
    """How one kind of network sees the data, trains and forecasts.

    Attributes
    ----------
    base : str or None
        The statistical part the kind corrects (None: the network alone).
    context_dtype : numpy.dtype
        The dtype of the context rows a state keeps (and a file holds).
    bytes_per_step_and_origin : int
        What the kind's arrays take per forecast origin and horizon step
        (0: nothing grows with both), for the plan's memory check.
    """

    base: str | None = None
    context_dtype = np.float32
    bytes_per_step_and_origin = 0

    # ------------------------------------------------ the plan's rules
    @abstractmethod
    def plan_steps(self, train_steps: np.ndarray) -> np.ndarray:
        """The horizon steps the network trains on, for the fit's ``fh`` steps."""

    @abstractmethod
    def plan_window(self, config: Config, data: SeriesData, train_steps, sp) -> int:
        """``window_length``, with "auto" resolved by this kind's rule."""

    @abstractmethod
    def auto_optimisation(self, one_series: bool) -> tuple[float, int, int | None]:
        """``lr``, ``batch_size`` and ``patience`` that "auto" stands for."""

    @abstractmethod
    def shrinkage(self, config: Config, on_the_panel: bool) -> float:
        """The share of the network's output a forecast applies."""

    @abstractmethod
    def network_steps(self, plan: FitPlan) -> int:
        """S, the horizon steps the network outputs at once."""

    def head_parameters(self, plan: FitPlan) -> int:
        """The parameters of the network's head, where the horizon sets them.

        0 (the default): the data bound the head (the plain network's
        horizon must fit in its series).
        """
        return 0

    # ----------------------------------------------------------- checks
    @abstractmethod
    def check_data(self, plan: FitPlan, data: SeriesData, whose: str) -> None:
        """Refuse series the network cannot train on or forecast."""

    @abstractmethod
    def check_update(self, plan: FitPlan, data: SeriesData, whose: str) -> None:
        """Refuse new observations the network cannot read."""

    @abstractmethod
    def covers(self, plan: FitPlan, steps: np.ndarray) -> bool:
        """Whether a network trained by ``plan`` serves a fit of ``steps``."""

    # ------------------------------------------------------------- data
    @abstractmethod
    def scaling(self, data: SeriesData) -> PanelScaling:
        """Every series' scaling statistics."""

    @abstractmethod
    def rows(self, plan, data, scaling, positions, numbers) -> list[np.ndarray]:
        """Every series' rows, as the network reads them."""

    @abstractmethod
    def windows(self, plan: FitPlan, rows, validate: bool = True) -> Batches:
        """The windows of a fit."""

    @abstractmethod
    def update_windows(self, plan: FitPlan, rows, previous_lengths) -> Batches:
        """The windows of an update, whose targets lie in the new rows."""

    @abstractmethod
    def context(self, plan: FitPlan, rows, indices):
        """What a state keeps of every series' rows and times."""

    def check_context(self, rows: np.ndarray) -> str | None:
        """Why saved context ``rows`` cannot be this kind's (None: they can)."""
        return None

    # ---------------------------------------------------------- network
    @abstractmethod
    def build_member(
        self, plan: FitPlan, n_targets: int, n_exog: int, n_series: int
    ) -> nn.Module:
        """One new network (an ensemble member) for ``plan``."""

    # -------------------------------------------------------- forecasts
    @abstractmethod
    def forecast_inputs(self, state: FittedState):
        """What every forecast of ``state`` reads (computed once per state)."""

    @abstractmethod
    def forecast(self, state: FittedState, steps, future_exog: Tensor) -> Tensor:
        """Likelihood parameters (B, S', C, P) at ``steps``, in scaled units."""

    @abstractmethod
    def calibrate(
        self, plan: FitPlan, network: nn.Module, validation, shrinkage: float
    ) -> Calibration:
        """The trained network's forecasts of its ``validation`` windows."""

    @abstractmethod
    def min_history(self, plan: FitPlan) -> int:
        """Observations an origin needs before it to be forecast from."""
