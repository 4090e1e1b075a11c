"""The fit plan: every decision of a fit, made once from the parameters and the data.

:func:`plan_fit` resolves what "auto" stands for (the season length, the
statistical part and so the model kind, the window, the optimisation
settings, the validation split, the shrinkage) and checks the sizes against
the data; :func:`plan_for_trained` plans a fit that reuses a trained network
(after ``pretrain``, in ``update``, after ``load``). Nothing after the plan
reads "auto" or decides which kind of network it drives: it asks the plan,
and the plan's kind.
"""

from __future__ import annotations

__all__ = [
    "FitPlan",
    "choose_kind",
    "kind_named",
    "network_plan",
    "plan_fit",
    "plan_for_trained",
    "season_length",
    "training_steps",
    "truncation_problem",
]

import dataclasses
from dataclasses import dataclass

import numpy as np

from sktime_rnn.exceptions import InvalidDataError, InvalidParameterError
from sktime_rnn.forecasting._engine._config import Config
from sktime_rnn.forecasting._engine._data import SeriesData, SeriesLayout
from sktime_rnn.forecasting._engine._hybrid import HybridKind, hybrid_blockers
from sktime_rnn.forecasting._engine._kind import ModelKind
from sktime_rnn.forecasting._engine._plain import PlainKind
from sktime_rnn.forecasting._engine._season import infer_season_length
from sktime_rnn.forecasting._engine._statistical import BASES


@dataclass(frozen=True, eq=False)
class FitPlan:
    """What a fit does, decided once.

    Attributes
    ----------
    config : Config
        The hyper-parameters as given (some may say "auto").
    kind : ModelKind
        The model kind: how the network sees the data, trains and forecasts.
    cell : str
        The recurrent cell.
    window : int
        L, past observations the network reads.
    train_steps : numpy.ndarray
        Horizon steps the network is trained to forecast.
    sp : int
        The season length (``sp``, or what ``sp="auto"`` found).
    n_targets : int
        C, target columns.
    lr, batch_size, patience
        The optimisation settings.
    validation : int, float or None
        Steps (an int) or the share (a float) of every series held out to
        validate on; None: no validation.
    validation_required : bool
        Whether a fit with no series long enough to validate is refused
        (``validation_size`` given) or trains without validation ("auto").
    shrinkage : float
        The share of the network's output its forecasts apply.
    """

    config: Config
    kind: ModelKind
    cell: str
    window: int
    train_steps: np.ndarray
    sp: int
    n_targets: int
    lr: float
    batch_size: int
    patience: int | None
    validation: int | float | None
    validation_required: bool
    shrinkage: float

    @property
    def base(self) -> str | None:
        """The statistical part the network corrects (None: the plain network)."""
        return self.kind.base

    @property
    def n_steps(self) -> int:
        """S, the horizon steps the network outputs at once."""
        return self.kind.network_steps(self)

    def replace(self, **changes) -> FitPlan:
        """A copy with ``changes``."""
        return dataclasses.replace(self, **changes)


def training_steps(config: Config, fh, cutoff) -> np.ndarray:
    """Horizon steps of the training windows' targets, for ``fh`` from ``cutoff``.

    Steps at or before the cutoff (in-sample) are not trained on.
    """
    if fh is None:  # recursive without fh: one-step training
        if config.scheduled_sampling > 0:
            raise InvalidDataError(
                "scheduled_sampling > 0 needs fh in fit: training rolls the "
                "one-step model out over the horizon; pass fh to fit or set "
                "scheduled_sampling=0"
            )
        if config.strategy != "recursive":
            raise InvalidDataError(
                f"strategy={config.strategy!r} needs fh to build its network; "
                "pass fh (to pretrain as well), or use strategy='recursive'"
            )
        return np.array([1])
    steps = fh.to_relative(cutoff).to_numpy().astype(int)
    # in-sample steps are forecast from the kept data, one step (or the
    # smallest fitted step) ahead of their origin: the network trains on the
    # steps after the cutoff, or on the next one if fh has none
    steps = steps[steps >= 1] if (steps >= 1).any() else np.array([1])
    if config.strategy == "direct":
        return steps
    if config.strategy == "recursive" and config.scheduled_sampling == 0:
        return np.array([1])
    return np.arange(1, int(steps.max()) + 1)


def kind_named(base: str | None) -> ModelKind:
    """The kind of a network that corrects statistical part ``base`` (None: plain).

    Examples
    --------
    >>> type(kind_named(None)).__name__, type(kind_named("theta")).__name__
    ('PlainKind', 'HybridKind')
    """
    return PlainKind() if base is None else HybridKind(base)


def choose_kind(config: Config, data: SeriesData, layout: SeriesLayout) -> ModelKind:
    """The kind of this fit: a hybrid of ``base``, or for "auto" the best one.

    "auto" is the hybrid of the first statistical part of ``BASES`` where the
    hybrid applies (one positive target, no ``X``, the direct strategy, a
    point loss, not stateful) and the plain network otherwise.

    Raises
    ------
    InvalidParameterError
        If ``base`` names a statistical part for data or settings the hybrid
        cannot take, saying why.
    """
    if config.base is None:
        return kind_named(None)
    reasons = hybrid_blockers(config, data, layout)
    if config.base == "auto":
        return kind_named(None if reasons else next(iter(BASES)))
    if reasons:
        raise InvalidParameterError(
            f"base={config.base!r} needs a hybrid fit, which this one cannot be: "
            + "; ".join(reasons)
            + ". Use base=None (the plain network) or base='auto'"
        )
    return kind_named(config.base)


MEMORY_LIMIT = 8 * 2**30
"""Bytes the arrays a fit's plan implies may take at most (8 GiB)."""
MAX_PARAMETERS = 100_000_000
"""Networks (all ensemble members together) larger than this are refused."""


def season_length(config: Config, data: SeriesData, layout: SeriesLayout, cutoff):
    """``sp``, or for "auto" the season length the time index implies.

    An implied season longer than the longest series cannot be seen in the
    data (per-second data imply a day of 86,400): "auto" then finds none (1).

    Raises
    ------
    InvalidParameterError
        If a given ``sp`` is longer than the longest series.
    """
    longest = _longest(data)
    if config.sp != "auto":
        if config.sp > longest:
            raise InvalidParameterError(
                f"sp={config.sp} is longer than the longest series ({longest} "
                "observations): no season of that length can be seen in the data. "
                f"Give sp <= {longest}, or sp=1 for no season"
            )
        return config.sp
    implied = infer_season_length(cutoff, layout.freq)
    return implied if implied <= longest else 1


def _longest(data: SeriesData) -> int:
    return max(len(frame) for frame in data.y.frames)


def check_sizes(plan: FitPlan, data: SeriesData) -> None:
    """Refuse sizes the data cannot fill or memory cannot hold, before any allocation.

    A ``window_length`` longer than every series reads only padding; a
    ``validation_size`` of at least every series' length leaves nothing to
    train on; the arrays of the statistical part from every origin grow with
    the horizon and must fit :data:`MEMORY_LIMIT`.
    """
    config, longest = plan.config, _longest(data)
    if config.window_length != "auto" and plan.window > longest:
        raise InvalidParameterError(
            f"window_length={plan.window} is longer than the longest series "
            f"({longest} observations): the network would read padding only. Use "
            f"window_length <= {longest}, or 'auto'"
        )
    given = plan.validation_required and type(plan.validation) is int
    if given and plan.validation >= longest:
        raise InvalidParameterError(
            f"validation_size={plan.validation} holds out the last "
            f"{plan.validation} observations (windows) of every series, but the "
            f"longest has {longest}: nothing would be left to train on. Use a "
            "smaller validation_size, a share such as 0.2, or 'auto'"
        )
    head = plan.kind.head_parameters(plan) * config.n_models
    if head > MAX_PARAMETERS:
        raise InvalidDataError(
            f"fh reaches {int(np.max(plan.train_steps))} steps ahead: the "
            f"network's head for {plan.n_steps:,} steps would have {head:,} "
            f"parameters, more than the {MAX_PARAMETERS:,} allowed. Forecast "
            "fewer steps ahead"
        )
    origins = sum(len(frame) + 1 for frame in data.y.frames)
    needed = plan.kind.bytes_per_step_and_origin * origins * plan.n_steps
    if needed > MEMORY_LIMIT:
        largest = int(np.max(plan.train_steps))
        feasible = MEMORY_LIMIT // (plan.kind.bytes_per_step_and_origin * origins)
        raise InvalidDataError(
            f"fh reaches {largest} steps ahead: the forecasts from every origin "
            f"of these series ({origins:,} origins x {plan.n_steps:,} steps) "
            f"would take {needed / 2**30:,.1f} GiB, more than the "
            f"{MEMORY_LIMIT / 2**30:.0f} GiB allowed (about {feasible:,} steps "
            "here). Forecast fewer steps ahead"
        )


def _validation_steps(config: Config, train_steps) -> int | float | None:
    """``validation_size``, with "auto" the largest horizon step (None: stateful).

    With "auto", series too short to hold out that many windows train
    without validation.
    """
    if config.validation_size != "auto":
        return config.validation_size
    return None if config.stateful else int(np.max(train_steps))


def truncation_problem(config, window: int) -> str | None:
    """Why ``truncation_length`` does not fit ``window`` (None if it does)."""
    truncation = config.truncation_length
    if truncation is not None and truncation > window:
        return (
            f"truncation_length must be at most window_length={window} (or None "
            f"for full BPTT), got {truncation}"
        )
    return None


def check_truncation(config: Config, window: int, owner: str) -> None:
    """Refuse a ``truncation_length`` longer than the window actually used."""
    problem = truncation_problem(config, window)
    if problem is not None:
        raise InvalidParameterError(f"invalid hyper-parameters for {owner}: {problem}")


def plan_fit(
    config: Config,
    data: SeriesData,
    layout: SeriesLayout,
    fh,
    cutoff,
    cell: str,
    owner: str,
) -> FitPlan:
    """The plan of a new fit of ``data`` for ``fh`` from ``cutoff``.

    ``owner`` (the forecaster's class name) names it in errors.

    Raises
    ------
    InvalidDataError, InvalidParameterError
        For an ``fh``, sizes or data the fit cannot take, before anything is
        allocated.
    """
    train_steps = training_steps(config, fh, cutoff)
    sp = season_length(config, data, layout, cutoff)
    kind = choose_kind(config, data, layout)
    train_steps = kind.plan_steps(train_steps)
    window = kind.plan_window(config, data, train_steps, sp)
    check_truncation(config, window, owner)
    n_series = len(data.keys)
    plan = network_plan(
        config,
        kind,
        cell,
        window,
        train_steps,
        sp,
        layout.n_targets,
        one_series=n_series == 1,
        on_the_panel=n_series > 1,
    )
    check_sizes(plan, data)
    kind.check_data(plan, data, f"the forecaster is a hybrid ({kind.base})")
    return plan


def plan_for_trained(
    config: Config, trained: FitPlan, on_the_panel: bool, shrinkage: float | None = None
) -> FitPlan:
    """The plan of a fit that reuses the network ``trained`` planned.

    The network's decisions (kind, cell, window, steps, season length) are
    ``trained``'s; the rest follows the current ``config``, with the
    optimisation settings of a network trained on a panel. ``on_the_panel``:
    whether the network forecasts the panel it was trained on (for the
    shrinkage "auto"), unless ``shrinkage`` is given.
    """
    plan = network_plan(
        config,
        trained.kind,
        trained.cell,
        trained.window,
        trained.train_steps,
        trained.sp,
        trained.n_targets,
        on_the_panel=on_the_panel,
    )
    return plan if shrinkage is None else plan.replace(shrinkage=shrinkage)


def network_plan(
    config: Config,
    kind: ModelKind,
    cell: str,
    window: int,
    train_steps,
    sp: int,
    n_targets: int,
    one_series: bool = False,
    on_the_panel: bool = False,
) -> FitPlan:
    """The plan of a network of these sizes; "auto" settings resolved for ``kind``.

    ``one_series``: the network trains on a single series (for ``lr``,
    ``batch_size`` and ``patience`` "auto"); ``on_the_panel``: it forecasts
    the panel it trains on (for ``shrinkage`` "auto").
    """
    auto = kind.auto_optimisation(one_series)
    given = (config.lr, config.batch_size, config.patience)
    lr, batch_size, patience = (
        default if value == "auto" else value
        for value, default in zip(given, auto, strict=True)
    )
    return FitPlan(
        config=config,
        kind=kind,
        cell=cell,
        window=window,
        train_steps=np.asarray(train_steps),
        sp=sp,
        n_targets=n_targets,
        lr=lr,
        batch_size=batch_size,
        patience=patience,
        validation=_validation_steps(config, train_steps),
        validation_required=config.validation_size != "auto",
        shrinkage=kind.shrinkage(config, on_the_panel),
    )
