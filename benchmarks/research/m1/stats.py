"""Closed-form statistical forecasts at every forecast origin of a series, in numpy.

The hybrid's statistical part must be available at every training origin (the
network learns a correction to it), so it is computed here for all prefixes of
a series at once: smoothing recursions run once per parameter on a grid, the
prefix's sum of squared one-step errors picks the parameter for each origin.

- :func:`seasonality` -- the M4 benchmarks' 90% autocorrelation test at lag
  ``m`` and classical multiplicative decomposition (R's ``decompose``).
- :func:`theta_all`, :func:`ses_all`, :func:`damped_all`, :func:`holt_all`:
  forecasts ``(n + 1, h)`` where row ``k`` forecasts ``y[k:k + h]`` from
  ``y[:k]`` (rows with too little history repeat the last value).
"""

from __future__ import annotations

import numpy as np

# the grids, the seasonality test, the decomposition and the smoothing recursion,
# as the package has them
from sktime_rnn.forecasting._engine._statistical import (
    ALPHAS,
    BETAS,
    PHIS,
    classical_indices,
    is_seasonal,
    ses_levels,
    trend_states,
)


def seasonality(y: np.ndarray, m: int, test: bool = True) -> np.ndarray:
    """Seasonal factor of every position 0..n+h-1 generator: the m indices.

    Returns the m indices (all 1 when not seasonal).
    """
    if m <= 1 or len(y) < 2 * m or (test and not is_seasonal(y, m)):
        return np.ones(max(m, 1))
    return classical_indices(y, m)


def factors(indices: np.ndarray, start: int, length: int) -> np.ndarray:
    """Seasonal factors of positions start..start+length-1."""
    m = len(indices)
    return indices[(np.arange(start, start + length)) % m]


# --------------------------------------------------------- smoothing
def _pick(errors: np.ndarray, min_obs: int = 0) -> np.ndarray:
    """Per prefix length k (0..n), the grid row with least SSE of errors[:, :k]."""
    sse = np.concatenate(
        [np.zeros((errors.shape[0], 1)), np.cumsum(errors**2, axis=1)], axis=1
    )  # (G, n+1)
    return np.argmin(sse, axis=0)  # (n+1,)


def ses_all(y: np.ndarray, h: int, alphas=ALPHAS):
    """SES forecasts from every prefix: (n+1, h); alpha chosen per prefix.

    Also returns the chosen alpha per prefix.
    """
    n = len(y)
    levels, errors = ses_levels(y, alphas)
    best = _pick(errors)
    out = np.empty((n + 1, h))
    out[0] = y[0]
    k = np.arange(1, n + 1)
    out[1:] = levels[best[1:], k - 1][:, None]
    return out, alphas[best]


def theta_all(y: np.ndarray, h: int, alphas=ALPHAS):
    """Theta method (forecast::thetaf) from every prefix: (n+1, h).

    SES of the prefix plus half the prefix's OLS slope times
    ``(j - 1) + (1 - (1 - alpha)^k) / alpha`` at step j.
    """
    n = len(y)
    ses, alpha = ses_all(y, h, alphas)
    t = np.arange(n, dtype=float)
    k = np.arange(n + 1, dtype=float)
    st = np.r_[0, np.cumsum(t)]
    sy = np.r_[0, np.cumsum(y)]
    stt = np.r_[0, np.cumsum(t * t)]
    sty = np.r_[0, np.cumsum(t * y)]
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (k * sty - st * sy) / (k * stt - st * st)
    slope = np.where(k >= 2, slope, 0.0)
    steps = np.arange(h, dtype=float)
    drift = (1 - (1 - alpha) ** k) / alpha
    return ses + (slope / 2)[:, None] * (steps[None, :] + drift[:, None])


def damped_all(y: np.ndarray, h: int, phis=PHIS, alphas=ALPHAS[::2], betas=BETAS):
    """Damped-trend (or Holt, phis=[1]) forecasts from every prefix: (n+1, h).

    Parameters are picked per prefix on a grid by in-sample one-step SSE
    (the first two errors are skipped: the trend is initialised from them).
    """
    n = len(y)
    a, b, p = np.meshgrid(alphas, betas, phis, indexing="ij")
    a, b, p = a.ravel(), b.ravel(), p.ravel()
    levels, trends, errors = trend_states(y, a, b, p)
    errors[:, :2] = 0
    best = _pick(errors)
    steps = np.arange(1, h + 1)
    cum_phi = np.cumsum(p[:, None] ** steps[None, :], axis=1)  # (G, h)
    out = np.empty((n + 1, h))
    out[0] = y[0]
    k = np.arange(1, n + 1)
    rows = best[1:]
    out[1:] = (
        levels[rows, k - 1][:, None] + cum_phi[rows] * trends[rows, k - 1][:, None]
    )
    return out


def holt_all(y: np.ndarray, h: int):
    """Holt's linear trend from every prefix (damped with phi = 1)."""
    return damped_all(y, h, phis=np.array([1.0]))


def naive_all(y: np.ndarray, h: int):
    """Last value from every prefix."""
    return np.repeat(np.r_[y[0], y][:, None], h, axis=1)


METHODS = {
    "naive": naive_all,
    "ses": lambda y, h: ses_all(y, h)[0],
    "theta": theta_all,
    "damped": damped_all,
    "holt": holt_all,
}


def base_all(
    y: np.ndarray,
    h: int,
    m: int,
    method: str = "theta",
    season_test: bool = True,
    log: bool = False,
):
    """Statistical forecasts of ``y`` from every prefix, seasonally adjusted.

    ``method`` is a name in METHODS, or names joined by "+" (their mean).
    Returns (forecasts (n+1, h) in the units of y, deseasonalised y,
    seasonal indices).
    """
    indices = seasonality(y, m, season_test)
    n = len(y)
    adjusted = y / factors(indices, 0, n)
    if log:  # methods on log values: trends become growth rates
        parts = [
            np.exp(METHODS[name](np.log(adjusted), h)) for name in method.split("+")
        ]
    else:
        parts = [METHODS[name](adjusted, h) for name in method.split("+")]
    forecast = np.mean(parts, axis=0)  # (n+1, h), seasonally adjusted
    # re-seasonalise: row k forecasts positions k..k+h-1
    positions = np.arange(n + 1)[:, None] + np.arange(h)[None, :]
    forecast = forecast * indices[positions % len(indices)]
    return forecast, adjusted, indices
