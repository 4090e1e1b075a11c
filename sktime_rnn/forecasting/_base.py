"""sktime glue of the recurrent forecasters: inputs in, one fitted state, forecasts out.

The forecaster owns one :class:`~sktime_rnn.forecasting._engine._state.FittedState`
(``fitted_state_``), which ``fit``, ``update`` and ``pretrain`` replace as a
whole; data preparation, training runs and forecasting live in their own
modules (``_preparation``, ``_fitting``, ``_forecast``).
"""

from __future__ import annotations

__all__ = ["BaseRecurrentForecaster"]


import numpy as np
from sktime.datatypes import get_cutoff
from sktime.forecasting.base import BaseForecaster

from sktime_rnn.forecasting._engine import _fitting, _updating
from sktime_rnn.forecasting._files import _document
from sktime_rnn.forecasting._horizon import checked_steps, with_freq
from sktime_rnn.forecasting._params import (
    DEFAULT_QUANTILES,
    resolve_cell,
    resolve_params,
)
from sktime_rnn.forecasting._predict import (
    distribution,
    point_forecast,
    quantile_forecast,
    variance_forecast,
)
from sktime_rnn.forecasting._preparation import layout_of, split_data
from sktime_rnn.forecasting._sktime_api import SktimeApiAdaptations
from sktime_rnn.networks.likelihoods import probabilistic_losses


class BaseRecurrentForecaster(SktimeApiAdaptations, BaseForecaster):
    """Base class of the forecasters; subclasses choose the cell and docstring.

    See :class:`~sktime_rnn.forecasting.LSTMForecaster` for the parameters.
    """

    _tags = {
        "authors": ["sktime-rnn developers"],
        "maintainers": ["sktime-rnn developers"],
        "python_dependencies": "torch",
        "y_inner_mtype": ["pd.DataFrame", "pd-multiindex", "pd_multiindex_hier"],
        "X_inner_mtype": ["pd.DataFrame", "pd-multiindex", "pd_multiindex_hier"],
        "capability:multivariate": True,
        "capability:exogenous": True,
        "requires-fh-in-fit": True,
        # in-sample point forecasts: from the kept data where it allows, else NaN
        "capability:insample": True,
        # the class can forecast intervals; an instance can with a probabilistic
        # loss or a calibration (see __dynamic_tags__)
        "capability:pred_int": True,
        "capability:pred_int:insample": False,
        "capability:missing_values": False,
        "capability:update": True,
        "capability:random_state": True,
        "capability:pretrain": True,
        # the one pretrained attribute; pretrained_network_ and pretrain_history_
        # are read-only views of it, which sktime's reset could not set back
        "pretrain:fitted_params": ["pretrained_state_"],
        "property:randomness": "derandomized",
    }
    # the forecaster keeps its own context window (see _update), so sktime's
    # copy of all data seen is not needed; sktime 1.3 makes this the default
    _config = {"remember_data": False}

    # cells this class accepts, the first being its default; None: any registered
    _cells: tuple[str, ...] | None = None

    def __init__(
        self,
        window_length="auto",
        sp="auto",
        base="auto",
        shrinkage="auto",
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
        loss="mase",
        quantiles=DEFAULT_QUANTILES,
        n_samples=200,
        scheduled_sampling=0.0,
        optimizer="adam",
        lr="auto",
        weight_decay=0.0,
        lr_schedule=None,
        lr_schedule_kwargs=None,
        max_epochs=100,
        max_steps=600,
        batch_size="auto",
        validation_size="auto",
        early_stopping=True,
        patience="auto",
        min_delta=0.0,
        interval_calibration=None,
        n_models=1,
        series_embedding_dim=0,
        update_epochs=1,
        fine_tune_epochs=0,
        on_nonfinite="warn",
        checkpoint_dir=None,
        random_state=None,
        device="cpu",
        num_threads=None,
        verbose=0,
        callbacks=None,
    ):
        self.window_length = window_length
        self.sp = sp
        self.base = base
        self.shrinkage = shrinkage
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
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.lr_schedule_kwargs = lr_schedule_kwargs
        self.max_epochs = max_epochs
        self.max_steps = max_steps
        self.batch_size = batch_size
        self.validation_size = validation_size
        self.early_stopping = early_stopping
        self.patience = patience
        self.min_delta = min_delta
        self.interval_calibration = interval_calibration
        self.n_models = n_models
        self.series_embedding_dim = series_embedding_dim
        self.update_epochs = update_epochs
        self.fine_tune_epochs = fine_tune_epochs
        self.on_nonfinite = on_nonfinite
        self.checkpoint_dir = checkpoint_dir
        self.random_state = random_state
        self.device = device
        self.num_threads = num_threads
        self.verbose = verbose
        self.callbacks = callbacks
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
                "capability:pred_int": self.loss in probabilistic_losses()
                or self.interval_calibration is not None,
                # recursive and seq2seq read X at every step up to the largest
                "capability:non_contiguous_X": self.strategy == "direct",
            }
        )

    @property
    def network_(self):
        """The trained network (``torch.nn.Module``)."""
        return self.fitted_state_.network

    @property
    def history_(self):
        """The training history (:class:`~sktime_rnn.training.TrainingHistory`)."""
        return self.fitted_state_.history

    @property
    def pretrained_network_(self):
        """The network ``pretrain`` trained (``fit`` works on a copy of it)."""
        return self.pretrained_state_.network

    @property
    def pretrain_history_(self):
        """The pretraining history (of the first ensemble member)."""
        return self.pretrained_state_.histories[0]

    # ------------------------------------------------------------------ fit
    def _fit(self, y, X=None, fh=None):
        config = resolve_params(self)
        data = split_data(y, X, None)
        layout = self._layout(data, self.cutoff)
        fh = with_freq(fh, layout.freq)
        pretrained = getattr(self, "pretrained_state_", None)
        if pretrained is None:
            self.fitted_state_ = self._fit_new(config, data, layout, fh, self.cutoff)
            return self
        self.fitted_state_ = _fitting.fit_from_pretrained(
            config, data, layout, pretrained, fh, self.cutoff, self._callbacks(config)
        )
        return self

    def _pretrain(self, y, X=None, fh=None):
        """Train the shared network on a panel; ``fit`` then forecasts any series.

        After ``pretrain``, ``fit(y)`` keeps the pretrained weights: it only
        computes the new series' scaling and context (and fine-tunes a copy
        for ``fine_tune_epochs`` epochs if that is above 0).
        """
        config = resolve_params(self)
        cutoff = get_cutoff(y, return_index=True)
        data = split_data(y, X, None)
        layout = self._layout(data, cutoff)
        state = self._fit_new(config, data, layout, with_freq(fh, layout.freq), cutoff)
        self.pretrained_state_ = _fitting.pretrained_from(state)
        return self

    def _pretrain_update(self, y, X=None, fh=None):
        """Continue pretraining a copy of the network for ``max_epochs`` epochs.

        sktime calls this for a fitted forecaster too; one that was fitted
        without pretraining is pretrained afresh.
        """
        pretrained = getattr(self, "pretrained_state_", None)
        if pretrained is None:
            return self._pretrain(y, X, fh)
        config = resolve_params(self)
        cutoff = get_cutoff(y, return_index=True)
        data = split_data(y, X, pretrained.layout)
        self.pretrained_state_ = _fitting.continue_pretraining(
            config, pretrained, data, fh, cutoff, self._callbacks(config)
        )
        return self

    def _fit_new(self, config, data, layout, fh, cutoff):
        owner = type(self).__name__
        cell = resolve_cell(config, self._cells, owner)
        return _fitting.fit_new(
            config,
            data,
            layout,
            cell,
            fh,
            cutoff,
            owner,
            self.get_params(),
            self._callbacks(config),
        )

    def _layout(self, data, cutoff):
        store = getattr(self, "_converter_store_y", None) or {}
        mtype = getattr(self, "_y_mtype_last_seen", None)
        return layout_of(data, cutoff, mtype, store.get("name"))

    # --------------------------------------------------------------- update
    def _update(self, y, X=None, update_params=True):
        """Move every series' context forward to the new observations.

        Rows at times a series already has overwrite those kept (as sktime
        does for its own copy of ``y``); rows after its end extend it. With
        ``update_params=True`` and ``update_epochs > 0``, a copy of the network
        is also fine-tuned for ``update_epochs`` epochs, continuing the
        optimiser of ``fit``, on the windows whose targets lie in the new data
        (stateful: on the whole history, streamed again). The scaling fitted
        in ``fit`` is kept. With panel data, series missing from ``y`` keep
        their context; series not seen in ``fit`` are refused.
        """
        state = self.fitted_state_
        data = split_data(y, X, state.layout)
        self.fitted_state_ = _updating.updated_state(
            state, data, update_params, self._callbacks(state.config)
        )
        # sktime set the cutoff to the update's last time point, which is
        # earlier than the data's end when the update only rewrote kept rows
        latest = max(self.fitted_state_.context_index, key=lambda index: index[-1])
        if latest[-1] > self.cutoff[0]:
            self._set_cutoff(latest[-1:])
        return self

    def _get_fitted_params(self):
        history = self.history_
        return {
            "network": self.network_,
            "loss_history": list(history.epoch_losses),
            "val_loss_history": list(history.val_losses),
            "grad_norms": list(history.grad_norms),
            "clipped_share": history.clipped_share,
            "gradient_flow": history.gradient_flow,
        }

    # --------------------------------------------------------------- predict
    def _predict(self, fh, X=None):
        steps = checked_steps(self.fitted_state_, fh, self.cutoff, in_sample=True)
        return point_forecast(self.fitted_state_, steps, X)

    def _predict_quantiles(self, fh, X, alpha):
        return quantile_forecast(self.fitted_state_, self._steps(fh), X, alpha)

    def _predict_var(self, fh, X=None, cov=False):
        if cov:
            raise NotImplementedError(
                f"{type(self).__name__} forecasts marginal variances only; "
                "call predict_var with cov=False"
            )
        return variance_forecast(self.fitted_state_, self._steps(fh), X)

    def _predict_proba(self, fh, X, marginal=True):
        return distribution(self.fitted_state_, self._steps(fh), X)

    def _steps(self, fh) -> np.ndarray:
        """The steps of a probabilistic forecast: after the cutoff only."""
        steps = checked_steps(self.fitted_state_, fh, self.cutoff, in_sample=True)
        if (steps < 1).any():
            raise NotImplementedError(
                f"{type(self).__name__} can not perform in-sample prediction of "
                f"intervals, quantiles or distributions (fh steps "
                f"{steps[steps < 1].tolist()} at or before the cutoff "
                f"{self.cutoff[0]}); predict makes in-sample point forecasts"
            )
        return steps

    def _callbacks(self, config) -> list:
        return [lambda info, c=c: c(self, info) for c in config.callbacks]

    # ------------------------------------------------------------ persistence
    def save(self, path=None, serialization_format="pickle"):
        """Save the forecaster; ``serialization_format="safetensors"`` needs no pickle.

        Parameters
        ----------
        path : str or Path, optional
            Where to write. For "pickle" and "cloudpickle" this is sktime's
            ``BaseObject.save`` (a zip file, or bytes in memory if None).
        serialization_format : {"pickle", "cloudpickle", "safetensors"}
            "safetensors" writes :func:`sktime_rnn.save`'s file: weights and
            JSON metadata, loaded by :func:`sktime_rnn.load` without
            executing any code from the file.
        """
        if serialization_format == "safetensors":
            if path is None:
                raise ValueError(
                    "save with serialization_format='safetensors' needs a path"
                )
            return _document.save(self, path)
        return super().save(path=path, serialization_format=serialization_format)
