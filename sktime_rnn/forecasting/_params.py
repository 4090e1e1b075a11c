"""Allowed hyper-parameter values, declared in one table and checked in one place.

:func:`resolve_params` checks every hyper-parameter of an estimator and returns
them as plain Python values (NumPy scalars, as ``np.arange`` grids give them,
become ``int``/``float``/``str``/``bool``): the rest of the package reads that
resolved copy, never the raw attributes. The same table re-validates what
:func:`sktime_rnn.load` reads from a file.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_QUANTILES",
    "STRATEGIES",
    "InvalidParameterError",
    "check_params",
    "resolve_cell",
    "resolve_params",
]

import inspect
import numbers
import os
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from sktime_rnn.exceptions import InvalidParameterError
from sktime_rnn.forecasting._engine._config import Config
from sktime_rnn.forecasting._engine._plan import MAX_PARAMETERS, truncation_problem
from sktime_rnn.forecasting._engine._statistical import BASES
from sktime_rnn.networks.cells import available_cells, get_cell
from sktime_rnn.networks.init import INIT_SCHEMES
from sktime_rnn.networks.likelihoods import LIKELIHOODS
from sktime_rnn.networks.model import WINDOW_NORMS
from sktime_rnn.training.runtime import resolve_device
from sktime_rnn.training.trainer import LR_SCHEDULES, OPTIMIZERS, is_scheduler_class


def plain(value):
    """A NumPy scalar as the Python value it holds; anything else unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> plain(np.int64(3)), plain(np.float32(0.5)), plain(np.str_("a")), plain(None)
    (3, 0.5, 'a', None)
    """
    if isinstance(value, np.generic):
        return value.item()
    return value


@dataclass(frozen=True)
class Number:
    """A number of ``kind`` in ``[low, high]`` (or open at either end)."""

    kind: type  # numbers.Integral or numbers.Real
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    optional: bool = False

    def describe(self) -> str:
        kind = "an int" if self.kind is numbers.Integral else "a float"
        low = "(" if self.low_open else "["
        high = ")" if self.high_open else "]"
        lo = "-inf" if self.low is None else self.low
        hi = "inf" if self.high is None else self.high
        text = f"{kind} in {low}{lo}, {hi}{high}"
        return text + " or None" if self.optional else text

    def accepts(self, value) -> bool:
        if value is None:
            return self.optional
        if isinstance(value, bool) or not isinstance(value, self.kind):
            return False
        if not np.isfinite(value):
            return False
        if self.low is not None and (
            value < self.low or (self.low_open and value == self.low)
        ):
            return False
        return self.high is None or not (
            value > self.high or (self.high_open and value == self.high)
        )


@dataclass(frozen=True)
class OneOf:
    """One of a fixed set of values."""

    values: tuple

    def describe(self) -> str:
        return f"one of {list(self.values)}"

    def accepts(self, value) -> bool:
        return any(
            value is v or (type(value) is type(v) and value == v) for v in self.values
        )


class KeyOf:
    """A key of ``table``, or one of the values ``before`` or ``after`` it.

    The table is read when a value is checked, so entries added to it later
    (a new loss, a new statistical part) are accepted.
    """

    def __init__(self, table: dict, before: tuple = (), after: tuple = ()):
        self.table = table
        self.before = before
        self.after = after

    def _values(self) -> tuple:
        return (*self.before, *self.table, *self.after)

    def describe(self) -> str:
        return f"one of {list(self._values())}"

    def accepts(self, value) -> bool:
        return OneOf(self._values()).accepts(value)


@dataclass(frozen=True)
class OneOfOr:
    """A fixed string or a value accepted by ``rule``."""

    value: str
    rule: Number

    def describe(self) -> str:
        return f"{self.value!r} or {self.rule.describe()}"

    def accepts(self, value) -> bool:
        if isinstance(value, str):
            return value == self.value
        return self.rule.accepts(value)


@dataclass(frozen=True)
class Either:
    """A value accepted by any of ``rules``."""

    rules: tuple

    def describe(self) -> str:
        return " or ".join(rule.describe() for rule in self.rules)

    def accepts(self, value) -> bool:
        return any(rule.accepts(value) for rule in self.rules)


class Callables:
    """None or a list (or tuple) of callables."""

    def describe(self) -> str:
        return "None or a list of callables (forecaster, epoch_info) -> bool | None"

    def accepts(self, value) -> bool:
        return value is None or (
            isinstance(value, list | tuple) and all(callable(v) for v in value)
        )


class RandomState:
    """None, an int seed in [0, 2**32 - 1] or a ``numpy.random.RandomState``."""

    def describe(self) -> str:
        return "None, an int in [0, 4294967295] or a numpy.random.RandomState"

    def accepts(self, value) -> bool:
        if value is None or isinstance(value, np.random.RandomState):
            return True
        return Number(numbers.Integral, 0, 2**32 - 1).accepts(value)


class Schedule:
    """None, a preset's name, or a class of ``torch.optim.lr_scheduler``."""

    def describe(self) -> str:
        return (
            f"one of {list(LR_SCHEDULES)} or a class of torch.optim.lr_scheduler "
            "(e.g. torch.optim.lr_scheduler.StepLR)"
        )

    def accepts(self, value) -> bool:
        return OneOf(LR_SCHEDULES).accepts(value) or is_scheduler_class(value)


class Keywords:
    """None or a dict of keyword arguments (str keys)."""

    def describe(self) -> str:
        return "None or a dict of keyword arguments (str keys)"

    def accepts(self, value) -> bool:
        return value is None or (
            isinstance(value, dict) and all(isinstance(k, str) for k in value)
        )


class PathOrNone:
    """A directory path (str or os.PathLike) or None."""

    def describe(self) -> str:
        return "a directory path (str or os.PathLike) or None"

    def accepts(self, value) -> bool:
        return value is None or (
            isinstance(value, str | os.PathLike) and str(os.fspath(value)) != ""
        )


STRATEGIES = ("direct", "recursive", "seq2seq")
DEFAULT_QUANTILES = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975, 0.99)

_MANY = 10**6


def _int(low, high, optional=False) -> Number:
    return Number(numbers.Integral, low=low, high=high, optional=optional)


def _positive_float(high, optional=False) -> Number:
    return Number(numbers.Real, low=0, high=high, low_open=True, optional=optional)


PARAM_RULES = {
    "window_length": OneOfOr("auto", _int(1, _MANY)),
    "sp": OneOfOr("auto", _int(1, 100_000)),
    "base": KeyOf(BASES, before=("auto",), after=(None,)),
    "shrinkage": OneOfOr("auto", Number(numbers.Real, low=0, high=1, low_open=True)),
    "window_norm": OneOf(WINDOW_NORMS),
    "strategy": OneOf(STRATEGIES),
    "hidden_size": _int(1, 4096),
    "num_layers": _int(1, 32),
    "dropout": Number(numbers.Real, low=0, high=1, high_open=True),
    "bidirectional": OneOf((True, False)),
    "skip_connections": OneOf((True, False)),
    "init": OneOf(INIT_SCHEMES),
    # the sigmoid of a bias beyond +-100 is 0 or 1 in float32 anyway
    "forget_bias": Number(numbers.Real, low=-100, high=100, optional=True),
    "truncation_length": _int(1, _MANY, optional=True),
    "stateful": OneOf((True, False)),
    "clip_grad_norm": _positive_float(1e30, optional=True),
    "clip_grad_value": _positive_float(1e30, optional=True),
    "loss": KeyOf(LIKELIHOODS),
    "n_samples": _int(1, 100_000),
    "scheduled_sampling": Number(numbers.Real, low=0, high=1),
    "optimizer": OneOf(tuple(OPTIMIZERS)),
    "lr": OneOfOr("auto", _positive_float(1000.0)),
    "weight_decay": Number(numbers.Real, low=0, high=1e3),
    "lr_schedule": Schedule(),
    "lr_schedule_kwargs": Keywords(),
    "max_epochs": _int(1, _MANY),
    "max_steps": _int(1, 10**9, optional=True),
    "batch_size": OneOfOr("auto", _int(1, 2**24)),
    "validation_size": Either(
        (
            OneOf(("auto",)),
            _int(1, _MANY, optional=True),
            Number(numbers.Real, low=0, high=1, low_open=True, high_open=True),
        )
    ),
    "early_stopping": OneOf((True, False)),
    "patience": OneOfOr("auto", _int(1, _MANY, optional=True)),
    "min_delta": Number(numbers.Real, low=0, high=1e30),
    "interval_calibration": OneOf((None, "conformal")),
    "n_models": _int(1, 1000),
    "series_embedding_dim": _int(0, 4096),
    "update_epochs": _int(0, _MANY),
    "fine_tune_epochs": _int(0, _MANY),
    "on_nonfinite": OneOf(("warn", "raise")),
    "checkpoint_dir": PathOrNone(),
    "random_state": RandomState(),
    "cell": None,  # checked against the class's cells and the registry in fit
    "device": None,  # checked against the devices of this machine, below
    "num_threads": _int(1, 256, optional=True),
    "verbose": OneOf((0, 1, 2, True, False)),
    "callbacks": Callables(),
}


def resolve_params(estimator) -> Config:
    """Check every hyper-parameter of ``estimator``; return them as plain values.

    Also checks the rules that tie parameters together. The result has one
    attribute per hyper-parameter, plus ``torch_device`` (the resolved
    ``torch.device``): the engine's typed
    :class:`~sktime_rnn.forecasting._engine._config.Config`.

    Raises
    ------
    InvalidParameterError
        Naming the parameter, what is allowed and what was given; all broken
        rules are listed at once.
    """
    values = {name: plain(getattr(estimator, name)) for name in PARAM_RULES}
    quantiles = getattr(estimator, "quantiles", DEFAULT_QUANTILES)
    problems = []
    for name, rule in PARAM_RULES.items():
        if rule is not None and not rule.accepts(values[name]):
            problems.append(f"{name} must be {rule.describe()}, got {values[name]!r}")
    values["quantiles"], quantile_problems = _resolve_quantiles(quantiles)
    problems += quantile_problems
    torch_device = None
    try:
        torch_device = resolve_device(values["device"])
    except ValueError as error:
        problems.append(str(error))
    if not problems:
        problems += _check_combinations(SimpleNamespace(**values))
    if problems:
        raise InvalidParameterError(
            f"invalid hyper-parameters for {type(estimator).__name__}: "
            + "; ".join(problems)
        )
    if values["checkpoint_dir"] is not None:
        values["checkpoint_dir"] = os.fspath(values["checkpoint_dir"])
    if isinstance(values["random_state"], np.random.RandomState):
        values["random_state"] = estimator.random_state  # the same instance
    values["verbose"] = int(values["verbose"])
    values["callbacks"] = tuple(values["callbacks"] or ())
    if values["lr_schedule_kwargs"] is not None:
        values["lr_schedule_kwargs"] = dict(values["lr_schedule_kwargs"])
    return Config(**values, torch_device=torch_device)


def resolve_cell(params, allowed: tuple | None, owner: str) -> str:
    """The cell to use: ``params.cell`` or the class's default, checked.

    ``allowed`` are the cells the class accepts (None: any registered cell).
    """
    cell = params.cell if params.cell is not None else (allowed or ("lstm",))[0]
    if allowed is not None and cell not in allowed:
        raise InvalidParameterError(
            f"cell must be one of {list(allowed)} for {owner} (or use "
            f"RecurrentForecaster for any registered cell), got {cell!r}"
        )
    try:
        spec = get_cell(cell)
    except ValueError as error:  # names the registered cells
        raise InvalidParameterError(str(error)) from None
    if spec.forget_gate is None and params.forget_bias not in (None, 1.0):
        with_gate = [
            name for name in available_cells() if get_cell(name).forget_gate is not None
        ]
        raise InvalidParameterError(
            f"forget_bias applies to cells with a forget gate ({with_gate}); cell "
            f"{cell!r} has none, so forget_bias={params.forget_bias} would change "
            "nothing: leave it at its default"
        )
    return cell


def check_params(estimator) -> None:
    """Check the hyper-parameters of ``estimator`` without fitting it.

    Raises
    ------
    InvalidParameterError
        As :func:`resolve_params`.

    Examples
    --------
    >>> from sktime_rnn import LSTMForecaster
    >>> check_params(LSTMForecaster(hidden_size=0))
    Traceback (most recent call last):
    ...
    sktime_rnn.exceptions.InvalidParameterError: invalid hyper-parameters \
for LSTMForecaster: hidden_size must be an int in [1, 4096], got 0
    """
    resolve_params(estimator)


def _check_combinations(params) -> list[str]:
    problems = []
    if params.window_length != "auto":
        problem = truncation_problem(params, params.window_length)
        problems += [problem] if problem is not None else []
    if params.truncation_length is not None and params.bidirectional:
        problems.append(
            "truncation_length must be None when bidirectional=True: the backward "
            "direction reads the window from its end"
        )
    if params.stateful and params.bidirectional:
        problems.append(
            "stateful=True needs bidirectional=False: a stream is read forwards only"
        )
    if params.stateful and params.window_norm is not None:
        problems.append(
            "stateful=True needs window_norm=None: a stream has no windows to "
            f"normalise, got window_norm={params.window_norm!r}"
        )
    if params.stateful and params.n_models > 1:
        problems.append(
            "stateful=True needs n_models=1: every member would carry its own "
            f"state, got n_models={params.n_models}"
        )
    if params.stateful and params.strategy != "direct":
        problems.append(
            f"stateful=True needs strategy='direct', got strategy={params.strategy!r}"
        )
    if params.early_stopping and params.validation_size is None:
        problems.append(
            "early_stopping=True needs validation_size (the latest windows of "
            "every series to watch the loss on), got validation_size=None"
        )
    if params.interval_calibration is not None and params.validation_size is None:
        problems.append(
            "interval_calibration='conformal' needs validation_size (the windows "
            "whose errors calibrate the intervals), got validation_size=None"
        )
    if params.interval_calibration is not None and params.strategy == "recursive":
        problems.append(
            "interval_calibration='conformal' calibrates every step of the fitted "
            "fh, which the recursive strategy does not train on: use "
            "strategy='direct' or 'seq2seq'"
        )
    if params.stateful and params.validation_size not in (None, "auto"):
        problems.append(
            "stateful=True cannot hold out validation windows (it streams every "
            f"series whole), got validation_size={params.validation_size!r}"
        )
    problems += _schedule_problems(params)
    if params.scheduled_sampling > 0 and params.strategy != "recursive":
        problems.append(
            "scheduled_sampling applies to strategy='recursive' only, got "
            f"strategy={params.strategy!r} with scheduled_sampling="
            f"{params.scheduled_sampling}"
        )
    size = _parameter_count(params)
    if size > MAX_PARAMETERS:
        problems.append(
            f"the network would have about {size:,} parameters (n_models="
            f"{params.n_models} x num_layers={params.num_layers} x hidden_size="
            f"{params.hidden_size}), more than the {MAX_PARAMETERS:,} allowed: lower "
            "hidden_size, num_layers or n_models"
        )
    return problems


def _schedule_problems(params) -> list[str]:
    """Keyword arguments the schedule's class does not take."""
    if params.lr_schedule is None or isinstance(params.lr_schedule, str):
        return []
    try:
        signature = inspect.signature(params.lr_schedule)
        signature.bind(None, **(params.lr_schedule_kwargs or {}))
    except (TypeError, ValueError) as error:
        return [
            f"lr_schedule_kwargs must be keyword arguments that "
            f"{params.lr_schedule.__name__} takes (besides the optimizer), got "
            f"{params.lr_schedule_kwargs!r}: {error}"
        ]
    return []


def _parameter_count(params) -> int:
    """A lower bound of the recurrent weights of all members (no input layer)."""
    directions = 2 if params.bidirectional else 1
    hidden = params.hidden_size * directions
    per_layer = 4 * params.hidden_size * (hidden + params.hidden_size) * directions
    return params.n_models * params.num_layers * per_layer


def _resolve_quantiles(quantiles) -> tuple[tuple, list[str]]:
    try:
        levels = np.asarray(quantiles, dtype=float)
    except (TypeError, ValueError):
        levels = np.array([np.nan])
    valid = (
        levels.ndim == 1
        and 2 <= len(levels) <= 1000
        and bool(np.all(np.isfinite(levels)))
        and bool(np.all((levels > 0) & (levels < 1)))
        and bool(np.all(np.diff(levels) > 0))
        and levels[0] <= 0.5 <= levels[-1]
    )
    if valid:
        return tuple(float(level) for level in levels), []
    return quantiles, [
        "quantiles must be 2 to 1000 increasing probabilities in (0, 1) "
        f"spanning 0.5, e.g. {DEFAULT_QUANTILES}, got {quantiles!r}"
    ]
