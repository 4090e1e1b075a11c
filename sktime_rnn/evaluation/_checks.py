"""Checks of what ``evaluate_by_horizon`` is given, before anything is fitted."""

from __future__ import annotations

__all__ = [
    "STRATEGIES",
    "check_cv",
    "check_error_score",
    "check_sp",
    "named_forecasters",
]

import numbers

from sktime.forecasting.base import BaseForecaster
from sktime.split.base import BaseSplitter

STRATEGIES = ("refit", "update", "no-update_params")


def named_forecasters(forecaster) -> dict:
    """Name the forecasters: dict keys, else class names made unique."""
    if isinstance(forecaster, dict):
        named = dict(forecaster)
    else:
        items = forecaster if isinstance(forecaster, list | tuple) else [forecaster]
        named = {}
        for item in items:
            base, suffix = type(item).__name__, 2
            name = base
            while name in named:
                name, suffix = f"{base}_{suffix}", suffix + 1
            named[name] = item
    if not named:
        raise ValueError("forecaster must name at least one forecaster, got none")
    for name, item in named.items():
        if not isinstance(item, BaseForecaster):
            raise ValueError(
                f"forecaster {name!r} must be an sktime forecaster, got {item!r}"
            )
    return {str(name): item for name, item in named.items()}


def check_cv(cv, y, levels) -> int:
    """Check ``cv`` is an sktime splitter that gives at least one fold on ``y``."""
    if not isinstance(cv, BaseSplitter):
        raise ValueError(
            "cv must be an sktime splitter such as ExpandingWindowSplitter or "
            f"SlidingWindowSplitter, got {cv!r}"
        )
    n_folds = cv.get_n_splits(y)
    if n_folds == 0:
        length = len(y) if not levels else y.groupby(level=levels).size().iloc[0]
        where = "y" if not levels else "each series of y"
        raise ValueError(
            f"cv gives no fold on {where} of {length} observations: the first "
            "training window plus the longest horizon must fit in it, "
            f"got {cv!r}"
        )
    return n_folds


def check_sp(sp) -> None:
    """Check the seasonal period of the MASE scale."""
    if isinstance(sp, bool) or not isinstance(sp, numbers.Integral) or sp < 1:
        raise ValueError(f"sp must be a positive int, got {sp!r}")


def check_error_score(error_score) -> None:
    """Check ``error_score``: ``"raise"`` or a number (NaN included)."""
    if error_score == "raise":
        return
    if isinstance(error_score, bool) or not isinstance(error_score, numbers.Real):
        raise ValueError(
            'error_score must be "raise" or a number such as np.nan, '
            f"got {error_score!r}"
        )
