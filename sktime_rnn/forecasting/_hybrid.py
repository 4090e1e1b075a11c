"""The hybrid's data: statistical parts of every series, and their forecast origins.

:func:`resolve_base` decides whether a fit uses the hybrid (a statistical
forecast with a learned recurrent correction) or the plain network;
:func:`origin_data` prepares one series; :func:`training_origins`,
:func:`update_origins` and :func:`last_origins` cut the windows a fit, an
update and a forecast need.
"""

from __future__ import annotations

__all__ = [
    "hybrid_window",
    "last_origins",
    "mase_scale",
    "origin_data",
    "resolve_base",
    "training_origins",
    "update_origins",
]

import numpy as np

from sktime_rnn.exceptions import InvalidParameterError
from sktime_rnn.forecasting._statistical import BASES, statistical_forecasts
from sktime_rnn.networks.hybrid import HYBRID_LOSSES
from sktime_rnn.training.origins import OriginData, OriginWindows

MIN_HISTORY = 3
"""Origins with fewer observations before them are not trained on."""


def _blockers(config, data, layout) -> list[str]:
    """Why the hybrid cannot be used for this fit (empty if it can)."""
    reasons = []
    if layout.n_targets != 1:
        reasons.append(f"y has {layout.n_targets} columns (the hybrid forecasts one)")
    if layout.n_exog:
        reasons.append("X is given (the hybrid reads y alone)")
    if any((frame.to_numpy() <= 0).any() for frame in data.y.frames):
        reasons.append("y has values at or below 0 (the hybrid works on logarithms)")
    if config.strategy != "direct":
        reasons.append(f"strategy={config.strategy!r} (the hybrid is direct)")
    if config.stateful:
        reasons.append("stateful=True")
    if config.loss not in HYBRID_LOSSES:
        reasons.append(f"loss={config.loss!r} (the hybrid trains {HYBRID_LOSSES})")
    if config.series_embedding_dim:
        reasons.append("series_embedding_dim > 0")
    return reasons


def resolve_base(config, data, layout) -> str | None:
    """The statistical part this fit uses: ``base``, or for "auto" the best one.

    "auto" is "theta+damped" where the hybrid applies (one positive target,
    no ``X``, the direct strategy, a point loss, not stateful) and None (the
    plain network) otherwise.

    Raises
    ------
    InvalidParameterError
        If ``base`` names a statistical part for data or settings the hybrid
        cannot take, saying why.
    """
    if config.base is None:
        return None
    reasons = _blockers(config, data, layout)
    if config.base == "auto":
        return None if reasons else BASES[0]
    if reasons:
        raise InvalidParameterError(
            f"base={config.base!r} needs a hybrid fit, which this one cannot be: "
            + "; ".join(reasons)
            + ". Use base=None (the plain network) or base='auto'"
        )
    return config.base


def hybrid_window(config, sp: int) -> int:
    """``window_length``, or for "auto": 12 without a season, else max(16, 2 sp).

    The rule of the M1 study (benchmarks/accuracy/M1_RESEARCH.md): 12, 16
    and 24 values for yearly, quarterly and monthly series.
    """
    if config.window_length != "auto":
        return config.window_length
    return 12 if sp <= 1 else max(16, 2 * sp)


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
    return float(scale) if scale > 0 else float(max(np.abs(y).mean(), 1e-8))


def origin_data(y: np.ndarray, n_steps: int, sp: int, base: str) -> OriginData:
    """One positive series, prepared for the windows of its origins."""
    part = statistical_forecasts(y, n_steps, sp, base)
    return OriginData(
        values=part.log_adjusted,
        level=part.log_level,
        path=part.log_path,
        log_base=np.log(part.forecasts),
        log_target=np.log(y),
        log_scale=np.log(mase_scale(y, sp)),
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
