"""The hybrid's statistical part: closed-form forecasts from every origin of a series.

The hybrid network learns a correction to a statistical forecast, so that
forecast is needed at every training origin, not only at the end. Here it is
computed for all prefixes of a series at once: each smoothing recursion runs
once per parameter of a small grid, and each prefix picks its parameters by
its own in-sample one-step squared error.

- :func:`seasonal_indices`: the M4 competition benchmarks' seasonality test
  (autocorrelation at lag ``sp`` beyond its 90% limit, at least three seasons)
  and classical multiplicative decomposition (R's ``decompose``).
- :func:`theta_all` (``forecast::thetaf``: simple exponential smoothing plus
  half the least-squares slope) and :func:`damped_all` (additive damped
  trend), each from every origin.
- :func:`statistical_forecasts`: the mean of those, on the logarithm of the
  seasonally adjusted series (a trend becomes a growth rate and a forecast
  cannot cross zero), seasonalised again.

Rows of every ``(n + 1, h)`` array: row ``k`` forecasts ``y[k:k + h]`` from
``y[:k]`` (the first rows, with too little history, repeat the first value).
"""

from __future__ import annotations

__all__ = [
    "BASES",
    "StatisticalPart",
    "classical_indices",
    "is_seasonal",
    "seasonal_indices",
    "ses_levels",
    "statistical_forecasts",
    "trend_states",
]

from dataclasses import dataclass

import numpy as np

ALPHAS = np.array([0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99])
BETAS = np.array([0.01, 0.05, 0.1, 0.2, 0.3])
PHIS = np.array([0.8, 0.88, 0.94, 0.98])


# ------------------------------------------------------------------ season
def _autocorrelations(x: np.ndarray, lags: int) -> np.ndarray:
    """Sample autocorrelations at lags 1..``lags`` (R's ``acf``)."""
    x = x - x.mean()
    denominator = np.sum(x * x)
    if denominator == 0:
        return np.zeros(lags)
    return np.array([np.sum(x[k:] * x[:-k]) / denominator for k in range(1, lags + 1)])


def is_seasonal(y: np.ndarray, sp: int) -> bool:
    """The M4 benchmarks' test: ``|acf(sp)|`` beyond its 90% limit, 3 seasons.

    Examples
    --------
    >>> t = np.arange(48)
    >>> is_seasonal(10 + np.sin(2 * np.pi * t / 12), 12), is_seasonal(t + 1.0, 12)
    (True, False)
    """
    if sp <= 1 or len(y) < 3 * sp:
        return False
    r = _autocorrelations(y, sp)
    limit = 1.645 / np.sqrt(len(y)) * np.sqrt(1 + 2 * np.sum(r[:-1] ** 2))
    return bool(abs(r[sp - 1]) > limit)


def seasonal_indices(y: np.ndarray, sp: int) -> np.ndarray:
    """Multiplicative seasonal indices (``sp`` of them, mean 1); all 1 if none.

    Index ``j`` belongs to positions ``t`` with ``t % sp == j``; classical
    decomposition: the ratios of the series to its centred moving average,
    averaged per position in the season.

    Examples
    --------
    >>> y = np.tile([1.0, 2.0, 3.0, 2.0], 6) * 10
    >>> seasonal_indices(y, 4).round(2).tolist()
    [0.5, 1.0, 1.5, 1.0]
    >>> seasonal_indices(np.arange(1.0, 25.0), 4).tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    if sp <= 1 or not is_seasonal(y, sp):
        return np.ones(max(sp, 1))
    return classical_indices(y, sp)


def classical_indices(y: np.ndarray, sp: int) -> np.ndarray:
    """Classical decomposition's multiplicative indices, without a seasonality test.

    Examples
    --------
    >>> classical_indices(np.tile([1.0, 3.0], 4) * 10, 2).tolist()
    [0.5, 1.5]
    """
    if sp % 2 == 0:
        weights = np.r_[0.5, np.ones(sp - 1), 0.5] / sp
    else:
        weights = np.ones(sp) / sp
    trend = np.convolve(y, weights, mode="valid")
    offset = (len(weights) - 1) // 2
    ratios = y[offset : offset + len(trend)] / trend
    positions = np.arange(offset, offset + len(trend)) % sp
    indices = np.array([ratios[positions == j].mean() for j in range(sp)])
    return indices / indices.mean()


# --------------------------------------------------------------- smoothing
def _best_per_prefix(errors: np.ndarray) -> np.ndarray:
    """For every prefix length 0..n, the grid row with the least SSE of its errors."""
    sse = np.concatenate(
        [np.zeros((errors.shape[0], 1)), np.cumsum(errors**2, axis=1)], axis=1
    )  # (G, n+1)
    return np.argmin(sse, axis=0)


def ses_levels(y: np.ndarray, alphas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Levels after each observation and one-step errors, per alpha: (G, n) each.

    Examples
    --------
    >>> levels, errors = ses_levels(np.array([1.0, 3.0]), np.array([0.5]))
    >>> levels.tolist(), errors.tolist()
    ([[1.0, 2.0]], [[0.0, 2.0]])
    """
    n = len(y)
    levels = np.empty((len(alphas), n))
    errors = np.zeros((len(alphas), n))
    level = np.full(len(alphas), y[0])
    levels[:, 0] = level
    for t in range(1, n):
        errors[:, t] = y[t] - level
        level = level + alphas * errors[:, t]
        levels[:, t] = level
    return levels, errors


def _ses_all(y: np.ndarray, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Simple exponential smoothing from every prefix (n+1, h), and its alphas."""
    n = len(y)
    levels, errors = ses_levels(y, ALPHAS)
    best = _best_per_prefix(errors)
    out = np.empty((n + 1, h))
    out[0] = y[0]
    out[1:] = levels[best[1:], np.arange(n)][:, None]
    return out, ALPHAS[best]


def theta_all(y: np.ndarray, h: int) -> np.ndarray:
    """The Theta method from every prefix: (n+1, h).

    As ``forecast::thetaf``: simple exponential smoothing of the prefix plus
    half its least-squares slope times ``(j - 1) + (1 - (1 - alpha)^k) / alpha``
    at step ``j``.

    Examples
    --------
    >>> theta_all(np.arange(10.0), 2)[-1].round(2).tolist()  # a line goes on
    [9.49, 9.99]
    """
    n = len(y)
    ses, alpha = _ses_all(y, h)
    t = np.arange(n, dtype=float)
    k = np.arange(n + 1, dtype=float)
    st, sy = np.r_[0, np.cumsum(t)], np.r_[0, np.cumsum(y)]
    stt, sty = np.r_[0, np.cumsum(t * t)], np.r_[0, np.cumsum(t * y)]
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (k * sty - st * sy) / (k * stt - st * st)
    slope = np.where(k >= 2, slope, 0.0)
    drift = (1 - (1 - alpha) ** k) / alpha
    steps = np.arange(h, dtype=float)
    return ses + (slope / 2)[:, None] * (steps[None, :] + drift[:, None])


def trend_states(y: np.ndarray, alpha, beta, phi):
    """The damped-trend recursion for parameter vectors (G,): levels, trends, errors.

    Each (G, n): the level and trend after every observation, and the one-step
    errors (0 at the first). The trend starts from the first difference.

    Examples
    --------
    >>> one = np.array([0.5])
    >>> levels, trends, errors = trend_states(np.array([1.0, 2.0, 4.0]), one, one, one)
    >>> levels.tolist(), errors.tolist()
    ([[1.0, 1.75, 3.03125]], [[0.0, 0.5, 1.9375]])
    """
    n = len(y)
    level = np.full(len(alpha), y[0])
    trend = np.full(len(alpha), (y[1] - y[0]) if n > 1 else 0.0)
    levels, trends = np.empty((len(alpha), n)), np.empty((len(alpha), n))
    errors = np.zeros((len(alpha), n))
    levels[:, 0], trends[:, 0] = level, trend
    for t in range(1, n):
        forecast = level + phi * trend
        errors[:, t] = y[t] - forecast
        level = forecast + alpha * errors[:, t]
        trend = phi * trend + alpha * beta * errors[:, t]
        levels[:, t], trends[:, t] = level, trend
    return levels, trends, errors


def damped_all(y: np.ndarray, h: int) -> np.ndarray:
    """Additive damped trend from every prefix: (n+1, h).

    Smoothing parameters and damping are picked per prefix on a grid by its
    in-sample one-step SSE (the first two errors are skipped: the trend is
    initialised from them).

    Examples
    --------
    >>> damped_all(np.arange(10.0), 2)[-1].round(2).tolist()
    [9.94, 10.86]
    """
    n = len(y)
    alpha, beta, phi = (
        grid.ravel() for grid in np.meshgrid(ALPHAS[::2], BETAS, PHIS, indexing="ij")
    )
    levels, trends, errors = trend_states(y, alpha, beta, phi)
    errors[:, :2] = 0
    best = _best_per_prefix(errors)[1:]
    damping = np.cumsum(phi[:, None] ** np.arange(1, h + 1)[None, :], axis=1)  # (G,h)
    out = np.empty((n + 1, h))
    out[0] = y[0]
    last = np.arange(n)
    out[1:] = levels[best, last][:, None] + damping[best] * trends[best, last][:, None]
    return out


BASES = {
    "theta+damped": (theta_all, damped_all),
    "theta": (theta_all,),
    "damped": (damped_all,),
}
"""Every statistical part a hybrid takes (``base``): its name, and the methods
whose forecasts it averages. Each method maps a series (here the logarithm of
the seasonally adjusted one) and a horizon ``h`` to its forecasts from every
origin, (n+1, h) as :func:`theta_all`. The first entry is ``base="auto"``'s.
A new statistical part is one entry here plus its method."""


# -------------------------------------------------------------- the base
@dataclass
class StatisticalPart:
    """The statistical forecasts of one series from every origin.

    Attributes
    ----------
    forecasts : numpy.ndarray
        (n+1, h) forecasts in the units of the series; row ``k`` from ``y[:k]``.
    log_adjusted : numpy.ndarray
        (n,) the logarithm of the seasonally adjusted series.
    log_level : numpy.ndarray
        (n+1,) the logarithm of the adjusted one-step forecast from every
        origin: the level the network's inputs are measured against.
    log_path : numpy.ndarray
        (n+1, h) the logarithm of the adjusted forecasts, minus the level.
    """

    forecasts: np.ndarray
    log_adjusted: np.ndarray
    log_level: np.ndarray
    log_path: np.ndarray


def statistical_forecasts(y: np.ndarray, h: int, sp: int, method: str):
    """The statistical part of a positive series ``y`` from every origin.

    ``method`` names an entry of :data:`BASES` ("theta", "damped" or
    "theta+damped", the mean of the two forecasts); its methods run on the
    logarithm of the seasonally adjusted series.

    Examples
    --------
    >>> y = np.tile([1.0, 2.0, 3.0, 2.0], 6) * np.linspace(10, 20, 24)
    >>> part = statistical_forecasts(y, 4, 4, "theta+damped")
    >>> part.forecasts.shape, bool((part.forecasts > 0).all())
    ((25, 4), True)
    """
    indices = seasonal_indices(y, sp)
    n = len(y)
    positions = np.arange(n + 1)[:, None] + np.arange(h)[None, :]  # (n+1, h)
    season = indices[positions % len(indices)]
    log_adjusted = np.log(y / indices[np.arange(n) % len(indices)])
    log_forecasts = [forecast_all(log_adjusted, h) for forecast_all in BASES[method]]
    adjusted = np.mean([np.exp(f) for f in log_forecasts], axis=0)  # (n+1, h)
    # forecasts stay positive: at least a millionth of the series' largest
    # value (never a fixed floor, which would lift a series around 1e-300)
    floor = max(1e-6 * np.abs(y).max(), np.nextafter(0.0, 1.0))
    forecasts = np.maximum(adjusted * season, floor)
    log_adjusted_forecasts = np.log(forecasts / season)
    log_level = log_adjusted_forecasts[:, 0]
    return StatisticalPart(
        forecasts=forecasts,
        log_adjusted=log_adjusted,
        log_level=log_level,
        log_path=log_adjusted_forecasts - log_level[:, None],
    )
