"""What the network's output means: a point, a normal distribution, or quantiles.

Every network ends in a head of P raw outputs per horizon step and target; a
likelihood turns them into parameters (``constrain``), scores them against the
truth (``loss``), moves them between scales (``rescale``) and reads forecasts
off them (``point``, ``quantiles``, ``variance``, ``sample``). It also owns how
its forecasts are calibrated on held-out windows: the conformity score of a
forecast (``conformity``) and the interval a score quantile gives
(``calibrated_bounds``). All tensors of parameters have shape (N, S, C, P).

:data:`LIKELIHOODS` is the table of the losses a forecaster's ``loss`` names:
a new likelihood is one entry there plus its class; which losses are
probabilistic is read off the classes (:func:`probabilistic_losses`).
"""

from __future__ import annotations

__all__ = [
    "LIKELIHOODS",
    "DistributionLikelihood",
    "NormalLikelihood",
    "PointLikelihood",
    "QuantileLikelihood",
    "make_likelihood",
    "point_losses",
    "probabilistic_losses",
]

import functools
from collections.abc import Callable

import torch
from torch import Tensor, nn
from torch.nn import functional as F

_MIN_SCALE = 1e-4


def _affine(params: Tensor, loc: Tensor, scale: Tensor) -> Tensor:
    """Map location-like parameters (N, S, C, P) by ``loc``/``scale`` (N, 1, C)."""
    return params * scale.unsqueeze(-1) + loc.unsqueeze(-1)


class PointLikelihood(nn.Module):
    """A point forecast trained with a point loss ("mase", "mae", "mse", "huber").

    Parameters
    ----------
    loss_fn : callable, default=torch.nn.functional.mse_loss
        ``loss_fn(forecast, target, reduction=...)``, as the losses of
        ``torch.nn.functional`` take them: the training loss, and what a
        hybrid network applies to its errors.
    quantiles : ignored
        Taken so that every entry of :data:`LIKELIHOODS` is built alike.

    Examples
    --------
    >>> import torch
    >>> likelihood = PointLikelihood(F.l1_loss)
    >>> params = likelihood.constrain(torch.zeros(2, 3, 1, 1))
    >>> float(likelihood.loss(params, torch.ones(2, 3, 1)))
    1.0
    """

    probabilistic = False
    n_params = 1
    # a loss of 0 is a perfect fit: losses can be compared by their ratio
    loss_is_non_negative = True
    # the skpro distribution whose parameters, in order, are this likelihood's
    # (location first, then scales): None reads a distribution off quantiles
    closed_form: str | None = None

    def __init__(self, loss_fn: Callable = F.mse_loss, quantiles=None):
        super().__init__()
        self.loss_fn = loss_fn

    def constrain(self, raw: Tensor) -> Tensor:
        """Turn raw head outputs (N, S, C, P) into parameters."""
        return raw

    def loss(self, params: Tensor, target: Tensor) -> Tensor:
        """Mean loss of ``params`` (N, S, C, P) against ``target`` (N, S, C)."""
        return self.loss_fn(params[..., 0], target)

    def rescale(self, params: Tensor, loc: Tensor, scale: Tensor) -> Tensor:
        """Parameters of ``y * scale + loc`` given those of ``y``."""
        return _affine(params, loc, scale)

    def point(self, params: Tensor) -> Tensor:
        """Point forecast (N, S, C)."""
        return params[..., 0]

    def combine(self, stacked: Tensor) -> Tensor:
        """Parameters of an ensemble from its members' (K, N, S, C, P): the mean."""
        return stacked.mean(dim=0)

    def conformity(self, params: Tensor, target: Tensor, coverage: float) -> Tensor:
        """Conformity scores (N, S, C) of forecasts ``params`` of ``target``.

        For a point forecast, the absolute error: the calibrated interval is
        the forecast plus or minus the score's quantile.
        """
        return (target - params[..., 0]).abs()

    def calibrated_bounds(
        self, params: Tensor, q: Tensor, coverage: float
    ) -> tuple[Tensor, Tensor]:
        """Lower and upper bounds (N, S, C) for a conformity-score quantile ``q``."""
        return params[..., 0] - q, params[..., 0] + q


class DistributionLikelihood(PointLikelihood):
    """A predictive distribution: what every probabilistic likelihood has in common.

    A subclass gives ``n_params``, ``constrain``, ``loss`` and ``quantiles``
    (and ``rescale`` where its parameters are not all locations); this class
    reads the point forecast (the median), the variance and calibrated
    intervals off the quantiles. The conformity score is that of
    conformalised quantile regression: how far the truth lies outside the
    distribution's own central interval, ``max(lo - y, y - hi)``, and the
    calibrated interval is ``[lo - q, hi + q]``.
    """

    probabilistic = True

    def __init__(self, quantiles=None):
        nn.Module.__init__(self)

    def quantiles(self, params: Tensor, alphas) -> Tensor:
        """Quantiles (N, S, C, A) at probabilities ``alphas``."""
        raise NotImplementedError

    def point(self, params: Tensor) -> Tensor:
        """The median (N, S, C)."""
        return self.quantiles(params, [0.5])[..., 0]

    def variance(self, params: Tensor, grid: int = 1000) -> Tensor:
        """Variance (N, S, C) of the quantile function, on an even ``grid``."""
        draws = self.quantiles(params, (torch.arange(grid) + 0.5) / grid)
        return draws.var(dim=-1, unbiased=False)

    def sample(
        self, params: Tensor, generator: torch.Generator | None = None
    ) -> Tensor:
        """One draw (N, S, C), from ``generator`` (torch's global one if None)."""
        raise NotImplementedError(
            f"{type(self).__name__} draws no samples (the recursive strategy's "
            "sample paths need them)"
        )

    def conformity(self, params: Tensor, target: Tensor, coverage: float) -> Tensor:
        """How far ``target`` lies outside the central ``coverage`` interval."""
        low, high = self.quantiles(params, _central(coverage)).unbind(-1)
        return torch.maximum(low - target, target - high)

    def calibrated_bounds(
        self, params: Tensor, q: Tensor, coverage: float
    ) -> tuple[Tensor, Tensor]:
        """The central ``coverage`` interval widened by ``q`` on either side."""
        low, high = self.quantiles(params, _central(coverage)).unbind(-1)
        return low - q, high + q


def _central(coverage: float) -> list[float]:
    """The probabilities of a central interval of ``coverage``."""
    return [(1 - coverage) / 2, (1 + coverage) / 2]


class NormalLikelihood(DistributionLikelihood):
    """A normal predictive distribution trained by Gaussian negative log-likelihood.

    The head's two outputs are the mean and, through softplus, the standard
    deviation.

    Examples
    --------
    >>> import torch
    >>> likelihood = NormalLikelihood()
    >>> params = likelihood.constrain(torch.tensor([[[[1.0, 0.5]]]]))
    >>> likelihood.quantiles(params, [0.5]).squeeze().item()
    1.0
    """

    n_params = 2
    loss_is_non_negative = False  # a negative log-likelihood
    closed_form = "Normal"

    def constrain(self, raw: Tensor) -> Tensor:
        """Keep the mean, make the scale positive."""
        scale = F.softplus(raw[..., 1]) + _MIN_SCALE
        return torch.stack([raw[..., 0], scale], dim=-1)

    def loss(self, params: Tensor, target: Tensor) -> Tensor:
        """Mean Gaussian negative log-likelihood (without the constant)."""
        mean, scale = params[..., 0], params[..., 1]
        return (torch.log(scale) + 0.5 * ((target - mean) / scale) ** 2).mean()

    def rescale(self, params: Tensor, loc: Tensor, scale: Tensor) -> Tensor:
        """Parameters of ``y * scale + loc``: the mean moves, the scale stretches."""
        mean = params[..., 0] * scale + loc
        return torch.stack([mean, params[..., 1] * scale], dim=-1)

    def quantiles(self, params: Tensor, alphas) -> Tensor:
        """Quantiles (N, S, C, A) at probabilities ``alphas``."""
        alphas = torch.as_tensor(alphas, dtype=params.dtype, device=params.device)
        z = torch.special.ndtri(alphas)  # (A,)
        return params[..., :1] + params[..., 1:] * z

    def point(self, params: Tensor) -> Tensor:
        """The mean (N, S, C)."""
        return params[..., 0]

    def variance(self, params: Tensor) -> Tensor:
        """Variance (N, S, C)."""
        return params[..., 1] ** 2

    def conformity(self, params: Tensor, target: Tensor, coverage: float) -> Tensor:
        """The standardised error ``|y - mu| / sigma``.

        The calibrated interval ``mu +- q sigma`` stays wider where the
        network is less sure.
        """
        return (target - params[..., 0]).abs() / params[..., 1]

    def calibrated_bounds(
        self, params: Tensor, q: Tensor, coverage: float
    ) -> tuple[Tensor, Tensor]:
        """``mu - q sigma`` and ``mu + q sigma``."""
        mean, scale = params[..., 0], params[..., 1]
        return mean - q * scale, mean + q * scale

    def combine(self, stacked: Tensor) -> Tensor:
        """The normal with the mean and variance of the members' equal mixture."""
        means, scales = stacked[..., 0], stacked[..., 1]
        mean = means.mean(dim=0)
        variance = (scales**2 + means**2).mean(dim=0) - mean**2
        return torch.stack([mean, variance.clamp_min(_MIN_SCALE**2).sqrt()], dim=-1)

    def sample(
        self, params: Tensor, generator: torch.Generator | None = None
    ) -> Tensor:
        """One draw (N, S, C), from ``generator`` (torch's global one if None)."""
        mean, std = params[..., 0], params[..., 1]
        noise = torch.randn(
            mean.shape, generator=generator, device=mean.device, dtype=mean.dtype
        )
        return mean + std * noise


class QuantileLikelihood(DistributionLikelihood):
    """Quantile forecasts at fixed levels, trained by the pinball loss.

    Crossing is impossible by construction: the head outputs the lowest
    quantile and softplus increments to the next ones. Between the trained
    levels the quantile function is linear; outside them it is flat, so the
    distribution read off the quantiles has its mass within the outer quantiles.

    Parameters
    ----------
    quantiles : sequence of float
        The levels: increasing probabilities in (0, 1), spanning 0.5.

    Examples
    --------
    >>> import torch
    >>> likelihood = QuantileLikelihood([0.1, 0.5, 0.9])
    >>> params = likelihood.constrain(torch.tensor([[[[0.0, 0.0, 0.0]]]]))
    >>> [round(v, 3) for v in params.flatten().tolist()]
    [0.0, 0.693, 1.386]
    >>> round(likelihood.quantiles(params, [0.3]).item(), 3)
    0.347
    """

    def __init__(self, quantiles):
        nn.Module.__init__(self)
        self.register_buffer("levels", torch.as_tensor(quantiles, dtype=torch.float32))
        self.n_params = len(quantiles)

    def constrain(self, raw: Tensor) -> Tensor:
        """Sort by construction: lowest quantile plus positive increments."""
        increments = F.softplus(raw[..., 1:])
        return torch.cat([raw[..., :1], raw[..., :1] + increments.cumsum(-1)], dim=-1)

    def loss(self, params: Tensor, target: Tensor) -> Tensor:
        """Mean pinball loss over all levels."""
        error = target.unsqueeze(-1) - params  # (N, S, C, Q)
        return torch.maximum(self.levels * error, (self.levels - 1) * error).mean()

    def quantiles(self, params: Tensor, alphas) -> Tensor:
        """Quantiles (N, S, C, A), linear between levels, flat beyond them."""
        alphas = torch.as_tensor(alphas, dtype=params.dtype, device=params.device)
        # forecasts are read on the CPU, the network may live on a GPU
        levels = self.levels.to(params.device)
        alphas = alphas.clamp(levels[0], levels[-1])
        upper = torch.searchsorted(levels, alphas).clamp(1, self.n_params - 1)
        lower = upper - 1
        weight = (alphas - levels[lower]) / (levels[upper] - levels[lower])
        return params[..., lower] * (1 - weight) + params[..., upper] * weight

    def sample(
        self, params: Tensor, generator: torch.Generator | None = None
    ) -> Tensor:
        """One draw (N, S, C) by inverting the quantile function at uniform noise.

        The noise comes from ``generator`` (torch's global one if None).
        """
        u = torch.rand(
            params.shape[:-1],
            generator=generator,
            device=params.device,
            dtype=params.dtype,
        )
        # quantiles() takes one set of levels for all; interpolate per element
        levels = self.levels
        u = u.clamp(levels[0], levels[-1])
        upper = torch.searchsorted(levels, u.contiguous()).clamp(1, self.n_params - 1)
        lower = upper - 1
        weight = (u - levels[lower]) / (levels[upper] - levels[lower])
        low = params.gather(-1, lower.unsqueeze(-1)).squeeze(-1)
        high = params.gather(-1, upper.unsqueeze(-1)).squeeze(-1)
        return low * (1 - weight) + high * weight


LIKELIHOODS: dict[str, Callable[..., PointLikelihood]] = {
    # "mase": the absolute error; the errors of standardised series are in
    # units of each series' spread, so it weighs every series alike, as MASE
    # does (a hybrid scales its errors by each series' MASE scale itself)
    "mase": functools.partial(PointLikelihood, F.l1_loss),
    "mse": functools.partial(PointLikelihood, F.mse_loss),
    "mae": functools.partial(PointLikelihood, F.l1_loss),
    "huber": functools.partial(PointLikelihood, F.huber_loss),
    "normal": NormalLikelihood,
    "quantile": QuantileLikelihood,
}
"""Every ``loss`` a forecaster takes: its name, and how to build its likelihood.

Each entry is called with the forecaster's ``quantiles`` as keyword.
"""


def _likelihood_class(name: str) -> type:
    factory = LIKELIHOODS[name]
    return factory.func if isinstance(factory, functools.partial) else factory


def probabilistic_losses() -> tuple[str, ...]:
    """The losses of :data:`LIKELIHOODS` that train a predictive distribution.

    Examples
    --------
    >>> probabilistic_losses()
    ('normal', 'quantile')
    """
    return tuple(n for n in LIKELIHOODS if _likelihood_class(n).probabilistic)


def point_losses() -> tuple[str, ...]:
    """The losses of :data:`LIKELIHOODS` that train a point forecast.

    Examples
    --------
    >>> point_losses()
    ('mase', 'mse', 'mae', 'huber')
    """
    return tuple(n for n in LIKELIHOODS if not _likelihood_class(n).probabilistic)


def make_likelihood(loss: str, quantiles) -> PointLikelihood:
    """Build the likelihood for the estimator's ``loss`` (and ``quantiles``).

    Examples
    --------
    >>> make_likelihood("normal", None).n_params
    2
    """
    return LIKELIHOODS[loss](quantiles=quantiles)
