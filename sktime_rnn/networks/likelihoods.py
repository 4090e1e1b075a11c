"""What the network's output means: a point, a normal distribution, or quantiles.

Every network ends in a head of P raw outputs per horizon step and target; a
likelihood turns them into parameters (``constrain``), scores them against the
truth (``loss``), moves them between scales (``rescale``) and reads forecasts
off them (``point``, ``quantiles``, ``variance``, ``sample``). All tensors of
parameters have shape (N, S, C, P).
"""

from __future__ import annotations

__all__ = [
    "LOSSES",
    "NormalLikelihood",
    "PointLikelihood",
    "QuantileLikelihood",
    "make_likelihood",
]

import torch
from torch import Tensor, nn
from torch.nn import functional as F

# "mase": the absolute error; the errors of standardised series are in units of
# each series' spread, so it weighs every series alike, as MASE does
POINT_LOSSES = {
    "mase": nn.L1Loss,
    "mse": nn.MSELoss,
    "mae": nn.L1Loss,
    "huber": nn.HuberLoss,
}
LOSSES = (*POINT_LOSSES, "normal", "quantile")
_MIN_SCALE = 1e-4


def _affine(params: Tensor, loc: Tensor, scale: Tensor) -> Tensor:
    """Map location-like parameters (N, S, C, P) by ``loc``/``scale`` (N, 1, C)."""
    return params * scale.unsqueeze(-1) + loc.unsqueeze(-1)


class PointLikelihood(nn.Module):
    """A point forecast trained with a point loss ("mse", "mae", "huber").

    Examples
    --------
    >>> import torch
    >>> likelihood = PointLikelihood("mae")
    >>> params = likelihood.constrain(torch.zeros(2, 3, 1, 1))
    >>> float(likelihood.loss(params, torch.ones(2, 3, 1)))
    1.0
    """

    probabilistic = False
    n_params = 1
    # a loss of 0 is a perfect fit: losses can be compared by their ratio
    loss_is_non_negative = True

    def __init__(self, loss: str = "mse"):
        super().__init__()
        self.loss_fn = POINT_LOSSES[loss]()

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


class NormalLikelihood(PointLikelihood):
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

    probabilistic = True
    n_params = 2
    loss_is_non_negative = False  # a negative log-likelihood

    def __init__(self):
        nn.Module.__init__(self)

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

    def variance(self, params: Tensor) -> Tensor:
        """Variance (N, S, C)."""
        return params[..., 1] ** 2

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


class QuantileLikelihood(PointLikelihood):
    """Quantile forecasts at fixed levels, trained by the pinball loss.

    Crossing is impossible by construction: the head outputs the lowest
    quantile and softplus increments to the next ones. Between the trained
    levels the quantile function is linear; outside them it is flat, so the
    distribution read off the quantiles has its mass within the outer quantiles.

    Parameters
    ----------
    levels : sequence of float
        Increasing probabilities in (0, 1), spanning 0.5.

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

    probabilistic = True

    def __init__(self, levels):
        nn.Module.__init__(self)
        self.register_buffer("levels", torch.as_tensor(levels, dtype=torch.float32))
        self.n_params = len(levels)

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

    def point(self, params: Tensor) -> Tensor:
        """The median (N, S, C)."""
        return self.quantiles(params, [0.5])[..., 0]

    def variance(self, params: Tensor, grid: int = 1000) -> Tensor:
        """Variance (N, S, C) of the piecewise-linear quantile function."""
        draws = self.quantiles(params, (torch.arange(grid) + 0.5) / grid)
        return draws.var(dim=-1, unbiased=False)

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


def make_likelihood(loss: str, quantiles) -> PointLikelihood:
    """Build the likelihood for the estimator's ``loss`` (and ``quantiles``).

    Examples
    --------
    >>> make_likelihood("normal", None).n_params
    2
    """
    if loss == "normal":
        return NormalLikelihood()
    if loss == "quantile":
        return QuantileLikelihood(quantiles)
    return PointLikelihood(loss)
