"""sktime glue of the recurrent forecasters: inputs in, one fitted state, forecasts out.

The forecaster owns one :class:`~sktime_rnn.forecasting._state.FittedState`
(``fitted_state_``), which ``fit``, ``update`` and ``pretrain`` replace as a
whole; data preparation, training runs and forecasting live in their own
modules (``_preparation``, ``_fitting``, ``_forecast``).
"""

from __future__ import annotations

__all__ = ["BaseRecurrentForecaster"]

import functools

import numpy as np
import pandas as pd
from sktime.datatypes import convert_to, get_cutoff
from sktime.forecasting.base import BaseForecaster
from sktime.utils.validation.forecasting import check_fh

from sktime_rnn.exceptions import InvalidDataError
from sktime_rnn.forecasting import _files, _fitting
from sktime_rnn.forecasting._checks import check_numeric, refuse_missing
from sktime_rnn.forecasting._horizon import checked_steps, needed_exog_rows, with_freq
from sktime_rnn.forecasting._params import (
    DEFAULT_QUANTILES,
    PROBABILISTIC_LOSSES,
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
from sktime_rnn.training.runtime import draw_seed, make_generator


def _reading_only_needed_X(method, probabilistic=False):
    """Wrap a public predict method so that it passes on only the rows of X it reads.

    sktime refuses NaN anywhere in ``X``; the network reads ``X`` at the
    forecast times only, so only those rows go on to sktime's checks (rows it
    does not read may be missing or NaN). A probabilistic method of a point
    forecaster is refused naming the two ways to get intervals.
    """
    what = {
        "predict_interval": "prediction intervals",
        "predict_quantiles": "quantile predictions",
        "predict_var": "variance predictions",
        "predict_proba": "probabilistic predictions",
    }.get(method.__name__)

    @functools.wraps(method)
    def wrapper(self, fh=None, X=None, *args, **kwargs):
        if probabilistic and not self.get_tag("capability:pred_int"):
            raise NotImplementedError(
                f"{type(self).__name__} with loss={self.loss!r} forecasts points "
                f"only, so it makes no {what}. Either train a distribution "
                "(loss='normal' or loss='quantile'), or calibrate the point "
                "forecast's errors on held-out windows "
                "(interval_calibration='conformal' with validation_size set)"
            )
        return method(self, fh, self._needed_X(fh, X), *args, **kwargs)

    return wrapper


class BaseRecurrentForecaster(BaseForecaster):
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
        "capability:insample": False,
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
        sp=1,
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
        lr=0.01,
        weight_decay=0.0,
        lr_schedule=None,
        max_epochs=100,
        batch_size=128,
        validation_size=None,
        early_stopping=False,
        patience=10,
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
        self.max_epochs = max_epochs
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
                "capability:pred_int": self.loss in PROBABILISTIC_LOSSES
                or self.interval_calibration is not None,
                # recursive and seq2seq read X at every step up to the largest
                "capability:non_contiguous_X": self.strategy == "direct",
            }
        )

    # ------------------------------------------------------------ public API
    # fit, update and pretrain check the input first: sktime's own check only
    # says that data "contained missing data"; these say how much and where
    def fit(self, y, X=None, fh=None):
        _refuse_bad_input(y, X)
        return super().fit(y, X=X, fh=fh)

    def update(self, y, X=None, update_params=True):
        _refuse_bad_input(y, X)
        # sktime moves the cutoff before _update runs: a failing update (bad
        # data, divergence, Ctrl-C) must leave the forecaster as it was
        before = self.__dict__.copy()
        try:
            return super().update(y, X=X, update_params=update_params)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    def pretrain(self, y, X=None, fh=None):
        _refuse_bad_input(y, X)
        return super().pretrain(y, X=X, fh=fh)

    fit.__doc__ = BaseForecaster.fit.__doc__
    update.__doc__ = BaseForecaster.update.__doc__
    pretrain.__doc__ = BaseForecaster.pretrain.__doc__
    predict = _reading_only_needed_X(BaseForecaster.predict)
    predict_interval = _reading_only_needed_X(BaseForecaster.predict_interval, True)
    predict_quantiles = _reading_only_needed_X(BaseForecaster.predict_quantiles, True)
    predict_var = _reading_only_needed_X(BaseForecaster.predict_var, True)
    predict_proba = _reading_only_needed_X(BaseForecaster.predict_proba, True)

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
            self.fitted_state_ = self._train_new(config, data, layout, fh, self.cutoff)
            return self
        _fitting.check_fits_pretraining(layout, fh, self.cutoff, pretrained, config)
        _fitting.check_lengths(data, pretrained.window, pretrained.train_steps)
        self.fitted_state_ = _fitting.fit_from_pretrained(
            config,
            data,
            layout,
            pretrained,
            _generator(config),
            self._callbacks(config),
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
        state = self._train_new(
            config, data, layout, with_freq(fh, layout.freq), cutoff
        )
        self.pretrained_state_ = _fitting.pretrained_from(state)
        return self

    def _pretrain_update(self, y, X=None, fh=None):
        """Continue pretraining a copy of the network for ``max_epochs`` epochs."""
        config = resolve_params(self)
        pretrained = self.pretrained_state_
        cutoff = get_cutoff(y, return_index=True)
        data = split_data(y, X, pretrained.layout)
        _fitting.check_pretrained_horizon(fh, cutoff, pretrained, config)
        _fitting.check_lengths(data, pretrained.window, pretrained.train_steps)
        self.pretrained_state_ = _fitting.continue_pretraining(
            config, pretrained, data, _generator(config), self._callbacks(config)
        )
        return self

    def _train_new(self, config, data, layout, fh, cutoff):
        owner = type(self).__name__
        cell = resolve_cell(config, self._cells, owner)
        train_steps = _fitting.training_steps(config, fh, cutoff)
        window = _fitting.resolve_window(config, data, train_steps, owner)
        _fitting.check_lengths(data, window, train_steps)
        checkpointing = None
        if config.checkpoint_dir is not None:
            digest = _fitting.params_digest(self.get_params(), owner)
            checkpointing = (config.checkpoint_dir, digest)
        return _fitting.fit_new(
            config,
            data,
            layout,
            cell,
            train_steps,
            window,
            _generator(config),
            self._callbacks(config),
            checkpointing,
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
        unknown = [key for key in data.keys if key not in state.layout.keys]
        if unknown:
            raise InvalidDataError(
                f"update got series not seen in fit: {unknown[:3]}; fit (or "
                "pretrain) on them first"
            )
        positions = [state.layout.keys.index(key) for key in data.keys]
        config = state.config
        self.fitted_state_ = _fitting.updated_state(
            state,
            data,
            positions,
            update_params,
            _generator(config),
            self._callbacks(config),
        )
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
        return point_forecast(self.fitted_state_, self._steps(fh), X)

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
        return checked_steps(self.fitted_state_, fh, self.cutoff)

    def _needed_X(self, fh, X):
        state = getattr(self, "fitted_state_", None)
        if state is None:
            return X
        try:
            fh = self.fh if fh is None else check_fh(fh, freq=self.cutoff)
            return needed_exog_rows(state, fh, self.cutoff, X)
        except (TypeError, ValueError):  # sktime's checks will say what is wrong
            return X

    def _check_fh(self, fh, pred_int=False):
        # sktime refuses any predict fh that differs from fit's when fh is
        # needed in fit; the network forecasts every fitted step, so a subset
        # of them is accepted here (and other steps refused by _steps, naming
        # what is possible) without replacing the fh of fit
        if (
            fh is None
            or not self.is_fitted
            or self._fh is None
            or not self.get_tag("requires-fh-in-fit")
        ):
            return super()._check_fh(fh, pred_int=pred_int)
        return check_fh(fh=fh, freq=self._cutoff)

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
            return _files.save(self, path)
        return super().save(path=path, serialization_format=serialization_format)

    @classmethod
    def from_fitted_state(cls, params: dict, state, cutoff: pd.Index, fh):
        """A fitted forecaster with hyper-parameters ``params`` and ``state``.

        What :func:`sktime_rnn.load` uses: sktime's own bookkeeping (cutoff,
        fitting horizon, the types of ``y`` and ``X``) is rebuilt from the
        state through sktime's input checks, without training or replaying
        ``fit``.
        """
        forecaster = cls(**params)
        y_stub, x_stub = _stubs(state)
        forecaster._check_X_y(X=x_stub, y=y_stub)
        forecaster._set_cutoff(cutoff)
        forecaster._fh = None
        if fh is not None:
            forecaster._fh = check_fh(fh, freq=cutoff)
        forecaster.fitted_state_ = state
        forecaster._is_vectorized = False
        forecaster._is_fitted = True
        forecaster._state = "fitted"
        return forecaster


def _refuse_bad_input(y, X) -> None:
    check_numeric(y, "y", allow_bool=False)
    check_numeric(X, "X", allow_bool=True)
    refuse_missing(y, "y")
    refuse_missing(X, "X")


def _generator(config):
    """The fit's private random generator, seeded from ``random_state``."""
    return make_generator(draw_seed(config.random_state), config.torch_device)


def _stubs(state):
    """Every series' last observation, in the type ``fit`` received ``y`` in.

    Enough for sktime's input checks to rebuild what they record about ``y``
    and ``X`` when a forecaster is loaded.
    """
    y, x = state.last_observations()
    mtype = state.layout.output_mtype
    if mtype == "pd.Series":
        y = y.iloc[:, 0].rename(state.layout.y_name)
    elif mtype not in ("pd.DataFrame", "pd-multiindex", "pd_multiindex_hier"):
        y = convert_to(y, to_type=mtype)
    return y, x
