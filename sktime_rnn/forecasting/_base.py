"""Shared sktime glue of the recurrent forecasters: data in, network, forecasts out."""

from __future__ import annotations

__all__ = ["BaseRecurrentForecaster"]

import numpy as np
import pandas as pd
import torch
from sklearn.preprocessing import StandardScaler
from sktime.forecasting.base import BaseForecaster, ForecastingHorizon

from sktime_rnn.forecasting._build import build_network, build_trainer
from sktime_rnn.forecasting._data import check_finite, check_same_columns, rows_at
from sktime_rnn.forecasting._frames import (
    empirical_distribution,
    normal_distribution,
    quantile_frame,
)
from sktime_rnn.forecasting._params import (
    DEFAULT_QUANTILES,
    PROBABILISTIC_LOSSES,
    check_params,
)
from sktime_rnn.networks import get_cell
from sktime_rnn.training import SlidingWindows, TrainingHistory
from sktime_rnn.training.rollout import roll_out
from sktime_rnn.training.runtime import draw_seed, resolve_device, torch_runtime
from sktime_rnn.training.streams import SeriesStreams


class BaseRecurrentForecaster(BaseForecaster):
    """Base class of the forecasters; subclasses choose the cell and docstring.

    See :class:`~sktime_rnn.forecasting.LSTMForecaster` for the parameters.
    """

    _tags = {
        "authors": ["sktime-rnn developers"],
        "maintainers": ["sktime-rnn developers"],
        "python_dependencies": "torch",
        "y_inner_mtype": "pd.DataFrame",
        "X_inner_mtype": "pd.DataFrame",
        "capability:multivariate": True,
        "capability:exogenous": True,
        "requires-fh-in-fit": True,
        "capability:insample": False,
        "capability:pred_int": False,
        "capability:pred_int:insample": False,
        "capability:missing_values": False,
        "capability:update": True,
        "capability:random_state": True,
        "property:randomness": "derandomized",
    }
    # the forecaster keeps its own context window (see _update), so sktime's
    # copy of all data seen is not needed; sktime 1.3 makes this the default
    _config = {"remember_data": False}

    # cells this class accepts, the first being its default; None: any registered
    _cells: tuple[str, ...] | None = None

    def __init__(
        self,
        window_length=24,
        strategy="direct",
        window_norm="standard",
        hidden_size=32,
        num_layers=1,
        dropout=0.0,
        cell=None,
        bidirectional=False,
        skip_connections=False,
        init="orthogonal",
        forget_bias=1.0,
        truncation_length=None,
        stateful=False,
        clip_grad_norm=1.0,
        clip_grad_value=None,
        loss="mse",
        quantiles=DEFAULT_QUANTILES,
        n_samples=200,
        scheduled_sampling=0.0,
        optimizer="adam",
        lr=0.005,
        max_epochs=100,
        batch_size=32,
        update_epochs=1,
        on_nonfinite="warn",
        random_state=None,
        device="cpu",
        num_threads=None,
        verbose=False,
    ):
        self.window_length = window_length
        self.strategy = strategy
        self.window_norm = window_norm
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.cell = cell
        self.bidirectional = bidirectional
        self.skip_connections = skip_connections
        self.init = init
        self.forget_bias = forget_bias
        self.truncation_length = truncation_length
        self.stateful = stateful
        self.clip_grad_norm = clip_grad_norm
        self.clip_grad_value = clip_grad_value
        self.loss = loss
        self.quantiles = quantiles
        self.n_samples = n_samples
        self.scheduled_sampling = scheduled_sampling
        self.optimizer = optimizer
        self.lr = lr
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.update_epochs = update_epochs
        self.on_nonfinite = on_nonfinite
        self.random_state = random_state
        self.device = device
        self.num_threads = num_threads
        self.verbose = verbose
        super().__init__()
        # BaseForecaster creates these only while remember_data is on, but
        # sktime's suite expects them after set_config(remember_data=True) too
        self._y = getattr(self, "_y", None)
        self._X = getattr(self, "_X", None)

    def __dynamic_tags__(self):
        """Tags that follow the strategy and the loss."""
        self.set_tags(
            **{
                "requires-fh-in-fit": self.strategy != "recursive",
                "capability:pred_int": self.loss in PROBABILISTIC_LOSSES,
                # recursive and seq2seq read X at every step up to the largest
                "capability:non_contiguous_X": self.strategy == "direct",
            }
        )

    # ------------------------------------------------------------------ fit
    def _fit(self, y, X=None, fh=None):
        check_params(self)
        self._cell_name = self._resolve_cell()
        self._device = resolve_device(self.device)
        self._train_steps = self._training_steps(fh)
        check_finite(y, "y")
        if X is not None:
            X = rows_at(X, y.index, "X")
            check_finite(X, "X")
        self._check_length(y)

        self._y_columns = y.columns
        self._index_name = y.index.name
        self._x_columns = None if X is None else X.columns
        self._y_scaler = StandardScaler().fit(y.to_numpy(dtype=float))
        self._x_scaler = None if X is None else StandardScaler().fit(X.to_numpy(float))
        series = self._scaled(y, X)  # (T, C+K)

        n_exog = 0 if X is None else X.shape[1]
        n_steps = {
            "direct": len(self._train_steps),
            "recursive": 1,
            "seq2seq": int(self._train_steps.max()),
        }[self.strategy]
        with self._runtime(self.random_state):
            network = build_network(self, self._cell_name, y.shape[1], n_exog, n_steps)
            self.network_ = network.to(self._device)
            trainer = build_trainer(self, self._device, self.max_epochs)
            self._optimizer = trainer.make_optimizer(self.network_)
            self.history_ = TrainingHistory()
            self._train(series, self.max_epochs)
        self._remember(series, new_rows=len(series), retrained=True)
        return self

    # -------------------------------------------------------------- predict
    def _predict(self, fh, X=None):
        params, index = self._forecast_params(fh, X)
        point = self.network_.likelihood.point(params)  # (S, C)
        return pd.DataFrame(self._unscale(point), index=index, columns=self._y_columns)

    def _predict_quantiles(self, fh, X, alpha):
        if self._samples_paths:
            samples, index = self._sample_paths(fh, X)
            values = np.quantile(samples, alpha, axis=0)  # (A, S, C)
            values = np.moveaxis(values, 0, -1)
        else:
            params, index = self._forecast_params(fh, X)
            quantiles = self.network_.likelihood.quantiles(params, alpha)  # (S, C, A)
            values = self._unscale(quantiles.movedim(-1, 0)).transpose(1, 2, 0)
        return quantile_frame(values, index, self._y_columns, alpha)

    def _predict_var(self, fh, X=None, cov=False):
        if cov:
            raise NotImplementedError(
                f"{type(self).__name__} forecasts marginal variances only; "
                "call predict_var with cov=False"
            )
        if self._samples_paths:
            samples, index = self._sample_paths(fh, X)
            variance = samples.var(axis=0)
        else:
            params, index = self._forecast_params(fh, X)
            variance = self.network_.likelihood.variance(params).numpy()
            variance = variance * self._y_scaler.var_
        return pd.DataFrame(variance, index=index, columns=self._y_columns)

    def _predict_proba(self, fh, X, marginal=True):
        """Normal for ``loss="normal"``, else an empirical distribution.

        The recursive strategy's distribution is that of its sample paths; the
        quantile loss's is its piecewise-linear quantile function at
        ``n_samples`` evenly spaced probabilities.
        """
        if self._samples_paths:
            samples, index = self._sample_paths(fh, X)
            return empirical_distribution(samples, index, self._y_columns)
        params, index = self._forecast_params(fh, X)
        likelihood = self.network_.likelihood
        if self.loss == "normal":
            mean = self._unscale(params[..., 0])
            std = params[..., 1].numpy() * np.sqrt(self._y_scaler.var_)
            return normal_distribution(mean, std, index, self._y_columns)
        grid = (torch.arange(self.n_samples) + 0.5) / self.n_samples
        draws = self._unscale(likelihood.quantiles(params, grid).movedim(-1, 0))
        return empirical_distribution(draws, index, self._y_columns)

    # --------------------------------------------------------------- update
    def _update(self, y, X=None, update_params=True):
        """Append ``y`` (and ``X``) to the context the next forecast starts from.

        With ``update_params=True`` and ``update_epochs > 0``, the network is
        also fine-tuned for ``update_epochs`` epochs, continuing the optimiser
        of ``fit``: on the training windows whose targets lie in the new data,
        or, if ``stateful``, on the whole history streamed again (after which
        the state is warmed up anew). The scaling fitted in ``fit`` is kept.
        """
        check_same_columns(y, self._y_columns, "y")
        check_finite(y, "y")
        X = self._exog_at(X, y.index, "update")
        extended = np.concatenate([self._context, self._scaled(y, X)])
        retrain = update_params and self.update_epochs > 0
        if retrain:
            with self._runtime(self.random_state):
                self._train(extended, self.update_epochs)
        self._remember(extended, new_rows=len(y), retrained=retrain)
        return self

    def _get_fitted_params(self):
        return {
            "network": self.network_,
            "loss_history": list(self.history_.epoch_losses),
            "grad_norms": list(self.history_.grad_norms),
            "clipped_share": self.history_.clipped_share,
            "gradient_flow": self.history_.gradient_flow,
        }

    # ----------------------------------------------------- training helpers
    def _training_steps(self, fh) -> np.ndarray:
        """Horizon steps of the training windows' targets."""
        if fh is None:  # recursive without fh: one-step training
            if self.scheduled_sampling > 0:
                raise ValueError(
                    "scheduled_sampling > 0 needs fh in fit: training rolls the "
                    "one-step model out over the horizon; pass fh to fit or set "
                    "scheduled_sampling=0"
                )
            return np.array([1])
        steps = fh.to_relative(self.cutoff).to_numpy().astype(int)
        if self.strategy == "direct":
            return steps
        if self.strategy == "recursive" and self.scheduled_sampling == 0:
            return np.array([1])
        return np.arange(1, int(steps.max()) + 1)

    def _train(self, series: np.ndarray, epochs: int) -> None:
        """Train ``network_`` on ``series`` for ``epochs``; record in ``history_``."""
        windows = self._windows(series)
        streams = None
        if self.stateful:
            streams = SeriesStreams(
                windows.series,
                self._train_steps,
                len(self._y_columns),
                n_streams=self.batch_size,
                chunk_length=self.window_length,
            )
        build_trainer(self, self._device, epochs).fit(
            self.network_, windows, self._optimizer, self.history_, streams
        )

    def _remember(self, series: np.ndarray, new_rows: int, retrained: bool) -> None:
        """Keep what the next forecast (and update) starts from.

        Window mode keeps the last window plus what an update's windows need.
        Stateful mode keeps the whole history, to warm the state up anew after
        the weights change, and the state after its last step.
        """
        if not self.stateful:
            context_length = self.window_length + int(self._train_steps.max()) - 1
            self._context = series[-context_length:]
            return
        self._context = series
        start_state = None if retrained else self._hidden_state
        rows = series if retrained else series[-new_rows:]
        with self._runtime(None), torch.inference_mode():
            inputs = torch.as_tensor(rows, device=self._device).unsqueeze(0)
            output, self._hidden_state = self.network_.encoder(inputs, start_state)
        self._features = output[:, -1]  # (1, H), the summary of all data seen

    def _resolve_cell(self) -> str:
        allowed = self._cells
        cell = self.cell if self.cell is not None else (allowed or ("lstm",))[0]
        if allowed is not None and cell not in allowed:
            raise ValueError(
                f"cell must be one of {list(allowed)} for {type(self).__name__} "
                f"(or use RecurrentForecaster for any registered cell), got {cell!r}"
            )
        get_cell(cell)  # raises with the registered names if unknown
        return cell

    def _check_length(self, y: pd.DataFrame) -> None:
        largest = int(self._train_steps.max())
        needed = self.window_length + largest
        if len(y) < needed:
            raise ValueError(
                f"y is too short: training needs at least {needed} observations "
                f"(window_length={self.window_length} + largest horizon step "
                f"{largest}), got {len(y)}. Use a smaller window_length or a "
                "shorter fh."
            )

    def _scaled(self, y: pd.DataFrame, X: pd.DataFrame | None) -> np.ndarray:
        parts = [self._y_scaler.transform(y.to_numpy(dtype=float))]
        if self._x_columns is not None:
            parts.append(self._x_scaler.transform(X.to_numpy(dtype=float)))
        return np.concatenate(parts, axis=1).astype(np.float32)  # (T, C+K)

    def _windows(self, series: np.ndarray) -> SlidingWindows:
        return SlidingWindows(
            torch.as_tensor(series, device=self._device),
            self.window_length,
            self._train_steps,
            n_targets=len(self._y_columns),
        )

    def _runtime(self, random_state):
        return torch_runtime(draw_seed(random_state), self.num_threads, self._device)

    # --------------------------------------------------- prediction helpers
    @property
    def _samples_paths(self) -> bool:
        """Whether predictive distributions come from Monte-Carlo sample paths."""
        return self.strategy == "recursive"

    def _forecast_params(self, fh, X) -> tuple[torch.Tensor, pd.Index]:
        """Likelihood parameters (S, C, P) at the steps of ``fh``, in scaled units.

        The recursive strategy rolls its point forecast forward.
        """
        steps, horizon, past, future_exog = self._prediction_inputs(fh, X)
        with self._runtime(None), torch.inference_mode():
            if self.stateful:
                params = self.network_.forecast_from(self._features, future_exog)
            elif self.strategy == "recursive":
                params, _ = roll_out(self.network_, past, future_exog, len(horizon))
            else:
                params = self.network_(past, future_exog)  # (1, S, C, P)
        positions = np.searchsorted(horizon, steps)
        return params[0, positions].cpu(), self._index(fh)

    def _sample_paths(self, fh, X) -> tuple[np.ndarray, pd.Index]:
        """``n_samples`` Monte-Carlo paths (n, S, C) of the recursive strategy.

        Each path feeds back draws from the one-step predictive distribution;
        draws are seeded by ``random_state``.
        """
        steps, horizon, past, future_exog = self._prediction_inputs(fh, X)
        likelihood = self.network_.likelihood
        draw = likelihood.sample if likelihood.probabilistic else likelihood.point
        repeat = (self.n_samples, 1, 1)
        with self._runtime(self.random_state), torch.inference_mode():
            _, paths = roll_out(
                self.network_,
                past.repeat(*repeat),
                future_exog.repeat(*repeat),
                len(horizon),
                feed_back=draw,
            )  # (n, M, C)
        positions = np.searchsorted(horizon, steps)
        samples = paths[:, positions].cpu().double().numpy()
        return samples * np.sqrt(
            self._y_scaler.var_
        ) + self._y_scaler.mean_, self._index(fh)

    def _prediction_inputs(self, fh, X):
        """Steps asked for, steps the network produces, last window, future X."""
        steps = fh.to_relative(self.cutoff).to_numpy().astype(int)
        if self.strategy == "recursive":
            horizon = np.arange(1, int(steps.max()) + 1)
        elif self.strategy == "seq2seq":
            horizon = np.arange(1, int(self._train_steps.max()) + 1)
        else:
            horizon = self._train_steps
        future_exog = self._future_exog(fh, horizon, X).unsqueeze(0).to(self._device)
        past = torch.as_tensor(
            self._context[-self.window_length :], device=self._device
        )
        return steps, horizon, past.unsqueeze(0), future_exog  # (1, L, C+K), (1, S, K)

    def _index(self, fh) -> pd.Index:
        return fh.to_absolute_index(self.cutoff).rename(self._index_name)

    def _unscale(self, values) -> np.ndarray:
        """Undo the target scaling of (..., C) values.

        Multiplies by the standard deviation itself, not sklearn's ``scale_``
        (1 for constant columns), so a constant training series forecasts itself.
        """
        values = values.cpu().double().numpy() if torch.is_tensor(values) else values
        return values * np.sqrt(self._y_scaler.var_) + self._y_scaler.mean_

    def _exog_at(self, X, index: pd.Index, method: str) -> pd.DataFrame | None:
        """Rows of ``X`` at ``index``, checked; None if fit saw no ``X``."""
        if self._x_columns is None:
            return None
        if X is None:
            raise ValueError(
                f"X was passed to fit, so {method} needs X at the time points "
                f"{list(index[:3])}{'...' if len(index) > 3 else ''}, with columns "
                f"{list(self._x_columns)}"
            )
        X = rows_at(X, index, "X")
        check_same_columns(X, self._x_columns, "X")
        check_finite(X, "X")
        return X

    def _future_exog(self, fh, horizon: np.ndarray, X) -> torch.Tensor:
        """Scaled ``X`` (S, K) at the horizon steps the network produces."""
        if self._x_columns is None:
            return torch.zeros(len(horizon), 0)
        relative = ForecastingHorizon(horizon, is_relative=True, freq=fh.freq)
        X = self._exog_at(X, relative.to_absolute_index(self.cutoff), "predict")
        scaled = self._x_scaler.transform(X.to_numpy(dtype=float))
        return torch.as_tensor(scaled, dtype=torch.float32)  # (S, K)
