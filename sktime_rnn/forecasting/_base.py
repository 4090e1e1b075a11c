"""Shared sktime glue of the recurrent forecasters: data in, network, forecasts out."""

from __future__ import annotations

__all__ = ["BaseRecurrentForecaster"]

import numpy as np
import pandas as pd
import torch
from sklearn.preprocessing import StandardScaler
from sktime.forecasting.base import BaseForecaster

from sktime_rnn.forecasting._data import check_finite, check_same_columns, rows_at
from sktime_rnn.forecasting._params import check_params
from sktime_rnn.networks import DirectForecastNetwork, RecurrentEncoder, get_cell
from sktime_rnn.training import SlidingWindows, Trainer, TrainingHistory
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

    # ------------------------------------------------------------------ fit
    def _fit(self, y, X=None, fh=None):
        check_params(self)
        self._cell_name = self._resolve_cell()
        self._device = resolve_device(self.device)
        check_finite(y, "y")
        if X is not None:
            X = rows_at(X, y.index, "X")
            check_finite(X, "X")
        self._steps = fh.to_relative(self.cutoff).to_numpy().astype(int)
        self._check_length(y)

        self._y_columns = y.columns
        self._index_name = y.index.name
        self._x_columns = None if X is None else X.columns
        self._y_scaler = StandardScaler().fit(y.to_numpy(dtype=float))
        self._x_scaler = None if X is None else StandardScaler().fit(X.to_numpy(float))
        series = self._scaled(y, X)  # (T, C+K)

        with self._runtime(self.random_state):
            self.network_ = self._build_network().to(self._device)
            self._optimizer = self._trainer().make_optimizer(self.network_)
            self.history_ = TrainingHistory()
            self._train(series, self.max_epochs)
        self._remember(series, new_rows=len(series), retrained=True)
        return self

    # -------------------------------------------------------------- predict
    def _predict(self, fh, X=None):
        future_exog = self._future_exog(fh, X).unsqueeze(0).to(self._device)
        with self._runtime(None), torch.inference_mode():
            if self.stateful:
                forecast = self.network_.forecast_from(self._features, future_exog)
            else:
                past = torch.as_tensor(self._context[-self.window_length :])
                forecast = self.network_(
                    past.unsqueeze(0).to(self._device), future_exog
                )
            # (1, S, C)
        # scale by the standard deviation itself, not sklearn's scale_ (which is
        # 1 for constant columns), so a constant training series forecasts itself
        values = forecast[0].cpu().double().numpy() * np.sqrt(self._y_scaler.var_)
        values += self._y_scaler.mean_
        index = fh.to_absolute_index(self.cutoff).rename(self._index_name)
        return pd.DataFrame(values, index=index, columns=self._y_columns)

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

    # -------------------------------------------------------------- helpers
    def _train(self, series: np.ndarray, epochs: int) -> None:
        """Train ``network_`` on ``series`` for ``epochs``; record in ``history_``."""
        windows = self._windows(series)
        streams = None
        if self.stateful:
            streams = SeriesStreams(
                windows.series,
                self._steps,
                len(self._y_columns),
                n_streams=self.batch_size,
                chunk_length=self.window_length,
            )
        self._trainer(epochs).fit(
            self.network_, windows, self._optimizer, self.history_, streams
        )

    def _remember(self, series: np.ndarray, new_rows: int, retrained: bool) -> None:
        """Keep what the next forecast (and update) starts from.

        Window mode keeps the last window plus what an update's windows need.
        Stateful mode keeps the whole history, to warm the state up anew after
        the weights change, and the state after its last step.
        """
        if not self.stateful:
            self._context = series[-self._context_length :]
            return
        self._context = series
        start_state = None if retrained else self._hidden_state
        rows = series if retrained else series[-new_rows:]
        with self._runtime(None), torch.inference_mode():
            inputs = torch.as_tensor(rows, device=self._device).unsqueeze(0)
            output, self._hidden_state = self.network_.encoder(inputs, start_state)
        self._features = output[:, -1]  # (1, H), the summary of all data seen

    @property
    def _context_length(self) -> int:
        """Rows kept after fit: the last window plus what an update needs."""
        return self.window_length + int(self._steps.max()) - 1

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
        needed = self.window_length + int(self._steps.max())
        if len(y) < needed:
            raise ValueError(
                f"y is too short: training needs at least {needed} observations "
                f"(window_length={self.window_length} + largest horizon step "
                f"{int(self._steps.max())}), got {len(y)}. Use a smaller "
                "window_length or a shorter fh."
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
            self._steps,
            n_targets=len(self._y_columns),
        )

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

    def _future_exog(self, fh, X) -> torch.Tensor:
        X = self._exog_at(X, fh.to_absolute_index(self.cutoff), "predict")
        if X is None:
            return torch.zeros(len(self._steps), 0)
        scaled = self._x_scaler.transform(X.to_numpy(dtype=float))
        return torch.as_tensor(scaled, dtype=torch.float32)  # (S, K)

    def _build_network(self) -> DirectForecastNetwork:
        n_targets = len(self._y_columns)
        n_exog = 0 if self._x_columns is None else len(self._x_columns)
        encoder = RecurrentEncoder(
            self._cell_name,
            input_size=n_targets + n_exog,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            dropout=self.dropout,
            bidirectional=self.bidirectional,
            skip_connections=self.skip_connections,
            init=self.init,
            forget_bias=self.forget_bias,
        )
        return DirectForecastNetwork(
            encoder, n_targets, len(self._steps), n_exog, self.window_norm
        )

    def _trainer(self, max_epochs: int | None = None) -> Trainer:
        return Trainer(
            max_epochs=max_epochs or self.max_epochs,
            batch_size=self.batch_size,
            lr=self.lr,
            optimizer=self.optimizer,
            loss=self.loss,
            clip_grad_norm=self.clip_grad_norm,
            clip_grad_value=self.clip_grad_value,
            truncation_length=self.truncation_length,
            on_nonfinite=self.on_nonfinite,
            device=self._device,
            verbose=self.verbose,
        )

    def _runtime(self, random_state):
        return torch_runtime(draw_seed(random_state), self.num_threads, self._device)
