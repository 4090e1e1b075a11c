"""What a network trains on: named batches of windows and of forecast origins.

Every network scores its own batches (:meth:`batch_loss`), so the trainer
hands it whatever its windows gather, by name rather than by position.
"""

from __future__ import annotations

__all__ = ["OriginBatch", "WindowBatch"]

from typing import NamedTuple

from torch import Tensor


class WindowBatch(NamedTuple):
    """A batch of sliding windows (see ``SlidingWindows.batch``).

    Attributes
    ----------
    past : Tensor
        (N, L, C+K) past targets and exogenous values.
    future_exog : Tensor
        (N, S, K) exogenous values at the horizon steps.
    target : Tensor
        (N, S, C) target values at the horizon steps.
    """

    past: Tensor
    future_exog: Tensor
    target: Tensor


class OriginBatch(NamedTuple):
    """A batch of forecast origins of a hybrid network (see ``OriginWindows.batch``).

    Attributes
    ----------
    past : Tensor
        (N, L, 2) the values before the origin minus its level, and the mask
        of real values (short series are left-padded).
    path : Tensor
        (N, S) the statistical forecast's path, relative to its level.
    log_base : Tensor
        (N, S) the logarithm of the statistical forecast, float64.
    target : Tensor
        (N, S) the targets, float64 (0 where masked).
    mask : Tensor
        (N, S) 1 where a target is observed.
    base_over_scale : Tensor
        (N, S) the statistical forecast over the series' MASE scale.
    gap : Tensor
        (N, S) the statistical forecast's error in MASE units (0 where masked):
        a correction ``c`` errs by ``base_over_scale * expm1(c) + gap``.
    """

    past: Tensor
    path: Tensor
    log_base: Tensor
    target: Tensor
    mask: Tensor
    base_over_scale: Tensor
    gap: Tensor
