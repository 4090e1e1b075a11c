"""Forecasts of a fitted network, for every series, as sktime's predict_* return."""

from __future__ import annotations

__all__ = ["PredictionMixin"]

import numpy as np
import pandas as pd
import torch
from sktime.forecasting.base import ForecastingHorizon

from sktime_rnn.forecasting._frames import (
    empirical_distribution,
    normal_distribution,
    quantile_frame,
)
from sktime_rnn.training.rollout import roll_out


def _counts_steps(fh: ForecastingHorizon) -> bool:
    """Whether ``fh`` holds integer steps ahead of the cutoff already."""
    return fh.is_relative and pd.api.types.is_integer_dtype(fh.to_pandas())


class PredictionMixin:
    """``_predict``, ``_predict_quantiles``, ``_predict_var``, ``_predict_proba``.

    Every method forecasts all series at once: the last window of each series is
    one row of a batch (B series, S horizon steps, C targets).
    """

    def _predict(self, fh, X=None):
        params = self._forecast_params(fh, X)  # (B, S, C, P)
        point = self._y_scaling.inverse(self.network_.likelihood.point(params).numpy())
        return self._frame(point, fh, self._y_columns)

    def _predict_quantiles(self, fh, X, alpha):
        if self._samples_paths:
            samples = self._sample_paths(fh, X)  # (n, B, S, C)
            values = np.moveaxis(np.quantile(samples, alpha, axis=0), 0, -1)
        else:
            params = self._forecast_params(fh, X)
            quantiles = self.network_.likelihood.quantiles(params, alpha)  # (B,S,C,A)
            values = self._y_scaling.inverse(quantiles.movedim(-1, 2).numpy())
            values = np.moveaxis(values, 2, -1)  # (B, S, C, A)
        frames = [
            quantile_frame(v, index, self._y_columns, alpha)
            for v, index in zip(values, self._indices(fh), strict=True)
        ]
        return self._panel_frame(frames)

    def _predict_var(self, fh, X=None, cov=False):
        if cov:
            raise NotImplementedError(
                f"{type(self).__name__} forecasts marginal variances only; "
                "call predict_var with cov=False"
            )
        if self._samples_paths:
            variance = self._sample_paths(fh, X).var(axis=0)
        else:
            params = self._forecast_params(fh, X)
            variance = self.network_.likelihood.variance(params).numpy()
            variance = variance * self._y_scaling.std[:, None, :] ** 2
        return self._frame(variance, fh, self._y_columns)

    def _predict_proba(self, fh, X, marginal=True):
        """Normal for ``loss="normal"``, else an empirical distribution.

        The recursive strategy's distribution is that of its sample paths; the
        quantile loss's is its piecewise-linear quantile function at
        ``n_samples`` evenly spaced probabilities.
        """
        index = self._frame(np.zeros((len(self._keys), len(fh), 1)), fh, [0]).index
        if self._samples_paths:
            samples = self._sample_paths(fh, X)
        else:
            params = self._forecast_params(fh, X)
            if self.loss == "normal":
                mean = self._y_scaling.inverse(params[..., 0].numpy())
                std = params[..., 1].numpy() * self._y_scaling.std[:, None, :]
                flat = [a.reshape(-1, a.shape[-1]) for a in (mean, std)]
                return normal_distribution(*flat, index, self._y_columns)
            grid = (torch.arange(self.n_samples) + 0.5) / self.n_samples
            draws = self.network_.likelihood.quantiles(params, grid)  # (B,S,C,n)
            samples = self._y_scaling.inverse(draws.movedim(-1, 2).numpy())
            samples = np.moveaxis(samples, 2, 0)  # (n, B, S, C)
        flat = samples.reshape(samples.shape[0], -1, samples.shape[-1])
        return empirical_distribution(flat, index, self._y_columns)

    # ------------------------------------------------------------ helpers
    @property
    def _samples_paths(self) -> bool:
        """Whether predictive distributions come from Monte-Carlo sample paths."""
        return self.strategy == "recursive"

    def _forecast_params(self, fh, X) -> torch.Tensor:
        """Likelihood parameters (B, S, C, P) at the steps of ``fh``, scaled.

        The recursive strategy rolls its point forecast forward.
        """
        steps, horizon, past, future_exog = self._prediction_inputs(fh, X)
        with self._runtime(None), torch.inference_mode():
            if self.stateful:
                params = self.network_.forecast_from(self._features, future_exog)
            elif self.strategy == "recursive":
                params, _ = roll_out(self.network_, past, future_exog, len(horizon))
            else:
                params = self.network_(past, future_exog)
        return params[:, np.searchsorted(horizon, steps)].cpu()

    def _sample_paths(self, fh, X) -> np.ndarray:
        """``n_samples`` Monte-Carlo paths (n, B, S, C) of the recursive strategy.

        Each path feeds back draws from the one-step predictive distribution;
        draws are seeded by ``random_state``.
        """
        steps, horizon, past, future_exog = self._prediction_inputs(fh, X)
        likelihood = self.network_.likelihood
        draw = likelihood.sample if likelihood.probabilistic else likelihood.point
        n_series = past.shape[0]
        with self._runtime(self.random_state), torch.inference_mode():
            _, paths = roll_out(
                self.network_,
                past.repeat(self.n_samples, 1, 1),  # (n*B, L, C+K), sample-major
                future_exog.repeat(self.n_samples, 1, 1),
                len(horizon),
                feed_back=draw,
            )  # (n*B, M, C)
        paths = paths[:, np.searchsorted(horizon, steps)].cpu().double().numpy()
        paths = paths.reshape(self.n_samples, n_series, len(steps), -1)
        return self._y_scaling.inverse(paths.swapaxes(0, 1)).swapaxes(0, 1)

    def _prediction_inputs(self, fh, X):
        """Steps asked for, steps the network produces, last windows, future X."""
        steps = self._relative_steps(fh)
        if self.strategy == "recursive":
            horizon = np.arange(1, int(steps.max()) + 1)
        elif self.strategy == "seq2seq":
            horizon = np.arange(1, int(self._train_steps.max()) + 1)
        else:
            horizon = self._train_steps
        future_exog = self._future_exog(fh, horizon, X).to(self._device)
        past = np.stack([c[-self._window :] for c in self._context])
        past = torch.as_tensor(past, device=self._device)
        return steps, horizon, past, future_exog  # (B, L, C+K), (B, S, K)

    def _future_exog(self, fh, horizon: np.ndarray, X) -> torch.Tensor:
        """Scaled ``X`` (B, S, K) at the horizon steps the network produces.

        With a series embedding, the series' numbers follow as a last column.
        """
        n_series = len(self._keys)
        scaled = np.zeros((n_series, len(horizon), 0))
        if self._x_columns is not None:
            if X is None:
                raise ValueError(
                    "X was passed to fit, so predict needs X at the forecast times, "
                    f"with columns {list(self._x_columns)}"
                )
            times = self._indices(ForecastingHorizon(horizon, is_relative=True))
            x_panel = self._exog_frames(X, times, self._panel_of_keys())
            scaled = np.stack(
                [
                    self._x_scaling.transform(frame.to_numpy(dtype=float), position)
                    for position, frame in enumerate(x_panel.frames)
                ]
            )
        scaled = self._with_series_numbers(scaled, range(n_series))
        return torch.as_tensor(scaled, dtype=torch.float32)  # (B, S, K)

    def _panel_of_keys(self):
        from sktime_rnn.forecasting._panel import Panel

        return Panel(self._keys, [None] * len(self._keys), self._index_names)

    def _indices(self, fh) -> list[pd.Index]:
        """Time points of ``fh`` for every series, counted from its own end.

        ``fh`` is taken relative to the cutoff (the latest end of all series);
        a series that ends earlier is forecast the same steps ahead of its own
        last observation.
        """
        relative = fh
        if not (_counts_steps(fh) and (fh.freq or not self._freq)):
            relative = ForecastingHorizon(
                self._relative_steps(fh), is_relative=True, freq=fh.freq or self._freq
            )
        name = self._index_names[-1]
        return [
            relative.to_absolute_index(self._as_cutoff(end)).rename(name)
            for end in self._ends
        ]

    def _as_cutoff(self, end) -> pd.Index:
        cutoff = pd.Index([end])
        if isinstance(cutoff, pd.DatetimeIndex) and self._freq:
            cutoff = pd.DatetimeIndex(cutoff, freq=self._freq)
        return cutoff

    def _with_freq(self, fh):
        """``fh`` with the data's frequency, where sktime could not give it one.

        sktime infers no frequency for a cutoff of unaligned panels with a
        DatetimeIndex (or of a file loaded by :func:`sktime_rnn.load`); the
        forecaster keeps the one it inferred in ``fit``.
        """
        if fh is None or fh.freq is not None or getattr(self, "_freq", None) is None:
            return fh
        return ForecastingHorizon(
            fh.to_pandas(), is_relative=fh.is_relative, freq=self._freq
        )

    def _cutoff_with_freq(self) -> pd.Index:
        cutoff = self.cutoff
        if isinstance(cutoff, pd.DatetimeIndex) and cutoff.freq is None and self._freq:
            cutoff = pd.DatetimeIndex(cutoff, freq=self._freq)
        return cutoff

    def _relative_steps(self, fh) -> np.ndarray:
        """Steps ahead of the cutoff of every point of ``fh``."""
        if _counts_steps(fh):  # sktime's conversion would hash fh and the cutoff
            return fh.to_numpy()
        steps = self._with_freq(fh).to_relative(self._cutoff_with_freq())
        return steps.to_numpy().astype(int)

    def _frame(self, values: np.ndarray, fh, columns) -> pd.DataFrame:
        """(B, S, C) values as one frame per series, joined into sktime's format."""
        frames = [
            pd.DataFrame(v, index=index, columns=columns)
            for v, index in zip(values, self._indices(fh), strict=True)
        ]
        return self._panel_frame(frames)

    def _panel_frame(self, frames: list[pd.DataFrame]) -> pd.DataFrame:
        return self._panel_of_keys().join(frames)
