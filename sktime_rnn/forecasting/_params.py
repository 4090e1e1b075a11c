"""Allowed hyper-parameter values, declared in one table and checked in one place."""

from __future__ import annotations

__all__ = ["DEFAULT_QUANTILES", "PROBABILISTIC_LOSSES", "STRATEGIES", "check_params"]

import numbers
import os
from dataclasses import dataclass

import numpy as np

from sktime_rnn.networks.init import INIT_SCHEMES
from sktime_rnn.networks.likelihoods import LOSSES
from sktime_rnn.networks.model import WINDOW_NORMS
from sktime_rnn.training.trainer import OPTIMIZERS


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
        if isinstance(value, bool | np.bool_) or not isinstance(value, self.kind):
            return False
        if self.low is not None and (
            value < self.low or (self.low_open and value == self.low)
        ):
            return False
        if self.high is not None and (
            value > self.high or (self.high_open and value == self.high)
        ):
            return False
        return bool(np.isfinite(value))


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


STRATEGIES = ("direct", "recursive", "seq2seq")
PROBABILISTIC_LOSSES = ("normal", "quantile")
AUTO_WINDOW_FLOOR = 12
DEFAULT_QUANTILES = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975, 0.99)

POSITIVE_INT = Number(numbers.Integral, low=1)


@dataclass(frozen=True)
class OneOfOr:
    """A fixed value or a value accepted by ``rule``."""

    value: str
    rule: Number

    def describe(self) -> str:
        return f"{self.value!r} or {self.rule.describe()}"

    def accepts(self, value) -> bool:
        return (
            value == self.value if isinstance(value, str) else self.rule.accepts(value)
        )


POSITIVE_FLOAT = Number(numbers.Real, low=0, low_open=True)

PARAM_RULES = {
    "window_length": OneOfOr("auto", POSITIVE_INT),
    "sp": POSITIVE_INT,
    "window_norm": OneOf(WINDOW_NORMS),
    "strategy": OneOf(STRATEGIES),
    "hidden_size": POSITIVE_INT,
    "num_layers": POSITIVE_INT,
    "dropout": Number(numbers.Real, low=0, high=1, high_open=True),
    "bidirectional": OneOf((True, False)),
    "skip_connections": OneOf((True, False)),
    "init": OneOf(INIT_SCHEMES),
    "forget_bias": Number(numbers.Real, optional=True),
    "truncation_length": Number(numbers.Integral, low=1, optional=True),
    "stateful": OneOf((True, False)),
    "clip_grad_norm": Number(numbers.Real, low=0, low_open=True, optional=True),
    "clip_grad_value": Number(numbers.Real, low=0, low_open=True, optional=True),
    "loss": OneOf(LOSSES),
    "n_samples": POSITIVE_INT,
    "scheduled_sampling": Number(numbers.Real, low=0, high=1),
    "optimizer": OneOf(tuple(OPTIMIZERS)),
    "lr": POSITIVE_FLOAT,
    "max_epochs": POSITIVE_INT,
    "batch_size": POSITIVE_INT,
    "n_models": POSITIVE_INT,
    "series_embedding_dim": Number(numbers.Integral, low=0),
    "update_epochs": Number(numbers.Integral, low=0),
    "fine_tune_epochs": Number(numbers.Integral, low=0),
    "on_nonfinite": OneOf(("warn", "raise")),
    "num_threads": Number(numbers.Integral, low=1, optional=True),
    "verbose": OneOf((True, False)),
}


def check_params(estimator) -> None:
    """Check every hyper-parameter of ``estimator`` against :data:`PARAM_RULES`.

    Also checks the rules that tie parameters together.

    Raises
    ------
    ValueError
        Naming the parameter, what is allowed and what was given; all broken
        rules are listed at once.
    """
    problems = []
    for name, rule in PARAM_RULES.items():
        value = getattr(estimator, name)
        if not rule.accepts(value):
            problems.append(f"{name} must be {rule.describe()}, got {value!r}")
    if not problems:
        problems += _check_combinations(estimator)
    if problems:
        raise ValueError(
            f"invalid hyper-parameters for {type(estimator).__name__}: "
            + "; ".join(problems)
        )


def _check_combinations(estimator) -> list[str]:
    problems = []
    truncation = estimator.truncation_length
    if estimator.window_length != "auto":
        problems += _truncation_problems(estimator, estimator.window_length)
    if truncation is not None and estimator.bidirectional:
        problems.append(
            "truncation_length must be None when bidirectional=True: the backward "
            "direction reads the window from its end"
        )
    if estimator.stateful and estimator.bidirectional:
        problems.append(
            "stateful=True needs bidirectional=False: a stream is read forwards only"
        )
    if estimator.stateful and estimator.window_norm is not None:
        problems.append(
            "stateful=True needs window_norm=None: a stream has no windows to "
            f"normalise, got window_norm={estimator.window_norm!r}"
        )
    if estimator.stateful and estimator.n_models > 1:
        problems.append(
            "stateful=True needs n_models=1: every member would carry its own "
            f"state, got n_models={estimator.n_models}"
        )
    if estimator.stateful and estimator.strategy != "direct":
        problems.append(
            "stateful=True needs strategy='direct', got "
            f"strategy={estimator.strategy!r}"
        )
    if estimator.scheduled_sampling > 0 and estimator.strategy != "recursive":
        problems.append(
            "scheduled_sampling applies to strategy='recursive' only, got "
            f"strategy={estimator.strategy!r} with scheduled_sampling="
            f"{estimator.scheduled_sampling}"
        )
    problems += _check_quantiles(estimator.quantiles)
    if estimator.checkpoint_dir is not None and not isinstance(
        estimator.checkpoint_dir, str | os.PathLike
    ):
        problems.append(
            "checkpoint_dir must be a path (str or os.PathLike) or None, got "
            f"{estimator.checkpoint_dir!r}"
        )
    if not isinstance(estimator.device, str):
        problems.append(
            f"device must be a string such as 'cpu', 'cuda' or 'auto', "
            f"got {estimator.device!r}"
        )
    return problems


def _check_quantiles(quantiles) -> list[str]:
    try:
        levels = np.asarray(quantiles, dtype=float)
    except (TypeError, ValueError):
        levels = np.array([np.nan])
    valid = (
        levels.ndim == 1
        and len(levels) >= 2
        and np.all(np.isfinite(levels))
        and np.all((levels > 0) & (levels < 1))
        and np.all(np.diff(levels) > 0)
        and levels[0] <= 0.5 <= levels[-1]
    )
    if valid:
        return []
    return [
        "quantiles must be at least two increasing probabilities in (0, 1) "
        f"spanning 0.5, e.g. {DEFAULT_QUANTILES}, got {quantiles!r}"
    ]


def _truncation_problems(estimator, window: int) -> list[str]:
    truncation = estimator.truncation_length
    if truncation is not None and truncation > window:
        return [
            f"truncation_length must be at most window_length={window} (or None "
            f"for full BPTT), got {truncation}"
        ]
    return []


def check_truncation(estimator, window: int) -> None:
    """Check ``truncation_length`` against the window actually used."""
    problems = _truncation_problems(estimator, window)
    if problems:
        raise ValueError(
            f"invalid hyper-parameters for {type(estimator).__name__}: "
            + "; ".join(problems)
        )
