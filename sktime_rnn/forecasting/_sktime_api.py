"""Where these forecasters' public sktime methods differ from sktime's, and why.

sktime's template asks estimators to implement only the private ``_fit``,
``_predict``, ...; this mixin holds the few public methods sktime's own
bookkeeping cannot express, each with the reason, so that the forecaster
class itself stays sktime glue:

- ``fit``, ``update`` and ``pretrain`` check ``y`` and ``X`` before sktime
  does, naming how many values are missing and where, and which column is not
  numeric (sktime says only that data "contained missing data");
- ``fit``, ``update`` and ``pretrain`` are transactions: when they fail (bad
  data, divergence, Ctrl-C, a raising callback) the forecaster is put back
  exactly as it was, as sktime resets it (``fit``) or moves its cutoff
  (``update``) before the training runs;
- while they train, ``fit``, ``update``, ``pretrain`` and ``set_params`` are
  refused: a callback must not refit the forecaster or change its
  hyper-parameters;
- the ``predict`` methods pass on only the rows of ``X`` the network reads,
  and refuse intervals of a point forecaster naming the two ways to get them;
- ``_check_fh`` lets ``predict`` ask for any subset of the fitted horizon;
- ``predict_residuals`` with ``y`` gives NaN where no forecast can be made;
- ``predict_residuals`` without ``y`` uses the data the forecaster keeps
  (sktime's looks only in its own copy, which these do not keep);
- ``fh_of_fit``, ``config_from_params`` and ``from_fitted_state`` are what
  the file codec needs of a forecaster: the hyper-parameters checked, and sktime's
  bookkeeping rebuilt for a loaded state.
"""

from __future__ import annotations

__all__ = ["SktimeApiAdaptations"]

import contextlib
import functools

import numpy as np
import pandas as pd
from sktime.datatypes import convert_to
from sktime.forecasting.base import BaseForecaster, ForecastingHorizon
from sktime.utils.validation.forecasting import check_fh

from sktime_rnn.exceptions import InvalidDataError, PersistenceError
from sktime_rnn.forecasting._checks import check_numeric, refuse_missing
from sktime_rnn.forecasting._horizon import (
    checked_steps,
    forecastable,
    in_sample_steps,
    needed_exog_rows,
    relative_steps,
)
from sktime_rnn.forecasting._params import resolve_params


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


# the method a forecaster runs; "__" in the name: sktime's reset keeps it
_TRAINING = "_running__"


class SktimeApiAdaptations:
    """Public sktime methods as these forecasters need them (see the module)."""

    # ------------------------------------------------------------ public API
    # fit, update and pretrain check the input first: sktime's own check only
    # says that data "contained missing data"; these say how much and where
    def fit(self, y, X=None, fh=None):
        with self._transaction("fit"):
            _refuse_empty(y, "fit")
            _refuse_bad_input(y, X)
            return super().fit(y, X=X, fh=fh)

    def update(self, y, X=None, update_params=True):
        with self._transaction("update"):
            _refuse_bad_input(y, X)
            return super().update(y, X=X, update_params=update_params)

    def pretrain(self, y, X=None, fh=None):
        with self._transaction("pretrain"):
            _refuse_empty(y, "pretrain")
            _refuse_bad_input(y, X)
            return super().pretrain(y, X=X, fh=fh)

    def set_params(self, **params):
        self._refuse_while_training("set_params")
        return super().set_params(**params)

    set_params.__doc__ = BaseForecaster.set_params.__doc__

    @contextlib.contextmanager
    def _transaction(self, method: str):
        """Run ``method``'s body; if it fails, put the forecaster back as it was.

        sktime resets the forecaster (``fit``) or moves its cutoff
        (``update``) before the training runs, so a failure would otherwise
        leave it unfitted, or fitted under a date that belongs to no fit. The
        attributes are restored as they were (dicts among them copied, as
        sktime may change those in place); fitted states are never changed in
        place, so the old one is the one restored. While the body runs, the
        forecaster is marked as training (under a name sktime's ``reset``
        keeps), so that a callback's ``fit`` or ``set_params`` is refused.
        """
        self._refuse_while_training(method)
        before = {
            name: dict(value) if type(value) is dict else value
            for name, value in self.__dict__.items()
        }
        self.__dict__[_TRAINING] = method
        try:
            yield
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise
        self.__dict__.pop(_TRAINING, None)

    def _refuse_while_training(self, method: str) -> None:
        training = self.__dict__.get(_TRAINING)
        if training is not None:
            raise RuntimeError(
                f"{type(self).__name__}.{method} was called while the forecaster "
                f"runs {training} (from a callback?): callbacks must not refit the "
                "forecaster or change its hyper-parameters. A callback reads the "
                "forecaster and the epoch's info, logs them, and stops training "
                "by returning True or raising sktime_rnn.StopTraining; refit "
                f"after {training} returns"
            )

    fit.__doc__ = BaseForecaster.fit.__doc__
    update.__doc__ = BaseForecaster.update.__doc__
    pretrain.__doc__ = BaseForecaster.pretrain.__doc__
    predict = _reading_only_needed_X(BaseForecaster.predict)
    predict_interval = _reading_only_needed_X(BaseForecaster.predict_interval, True)
    predict_quantiles = _reading_only_needed_X(BaseForecaster.predict_quantiles, True)
    predict_var = _reading_only_needed_X(BaseForecaster.predict_var, True)
    predict_proba = _reading_only_needed_X(BaseForecaster.predict_proba, True)

    def predict_residuals(self, y=None, X=None):
        """Residuals of forecasts: of the kept data's in-sample forecasts if no ``y``.

        sktime looks for ``y`` only in its own copy of the data, which these
        forecasters do not keep (``remember_data=False``: they keep their
        context). Without ``y``, the residuals are those of the in-sample
        forecasts of the context's latest observations, each made from
        ``in_sample_lead`` steps before it (the hybrid keeps whole series, the
        plain network its window plus the largest step less one). With ``y``,
        as sktime's: ``y`` minus the forecast of ``y``'s time points, NaN at
        those it cannot forecast (as sktime's forecasters give what they
        cannot forecast), such as the first points of the training data.

        Examples
        --------
        >>> from sktime.datasets import load_airline
        >>> from sktime_rnn import LSTMForecaster
        >>> y = load_airline()
        >>> forecaster = LSTMForecaster(max_epochs=2).fit(y, fh=[1, 2, 3])
        >>> len(forecaster.predict_residuals()) == len(y) - 3
        True
        """
        state = getattr(self, "fitted_state_", None)
        if y is None and state is not None:
            n_kept = len(in_sample_steps(state))
            if not n_kept:
                raise InvalidDataError(
                    "predict_residuals without y needs in-sample forecasts, but "
                    f"this forecaster keeps too little data to make any (its "
                    f"window, {state.window} observations, and no more); pass y, "
                    "observations after the cutoff, to score its forecasts"
                )
            y, _ = _kept_data(state, n_kept)
            # steps relative to every series' own end: panels of any ends
            return y - self.predict(fh=list(range(1 - n_kept, 1)))
        if state is not None and isinstance(y, pd.Series | pd.DataFrame):
            return self._residuals_where_forecastable(state, y, X)
        return super().predict_residuals(y, X)

    def _residuals_where_forecastable(self, state, y, X):
        """``y`` minus its forecast where there is one, NaN elsewhere."""
        times = y.index.get_level_values(-1).unique().sort_values()
        fh = ForecastingHorizon(times, is_relative=False, freq=self.cutoff)
        steps = relative_steps(fh, self.cutoff, state.layout.freq)
        keep = forecastable(state, steps)
        forecast = y * np.nan
        if keep.any():
            absolute = ForecastingHorizon(times[keep], is_relative=False)
            fh = self._fh  # sktime keeps a predict's fh where fit needs none
            try:
                predicted = self.predict(fh=absolute, X=X)
            finally:
                self._fh = fh
            if isinstance(y, pd.DataFrame) and isinstance(predicted, pd.Series):
                predicted = predicted.to_frame(y.columns[0])
            elif isinstance(y, pd.Series) and isinstance(predicted, pd.DataFrame):
                predicted = predicted.iloc[:, 0]
            forecast = predicted.reindex(y.index)
        return y - forecast

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
        # of them is accepted here (and other steps refused in _predict, naming
        # what is possible) without replacing the fh of fit
        if (
            fh is None
            or not self.is_fitted
            or self._fh is None
            or not self.get_tag("requires-fh-in-fit")
        ):
            return super()._check_fh(fh, pred_int=pred_int)
        return check_fh(fh=fh, freq=self._cutoff)

    @property
    def fh_of_fit(self):
        """The horizon ``fit`` was given, or None (where sktime's ``fh`` raises)."""
        return self._fh

    @classmethod
    def config_from_params(cls, params: dict):
        """The checked hyper-parameters ``params`` of this class (a ``Config``).

        Raises
        ------
        InvalidParameterError
            As the constructor's rules do in ``fit``.
        """
        return resolve_params(cls(**params))

    @classmethod
    def from_fitted_state(cls, params: dict, state, cutoff: pd.Index, fh):
        """A fitted forecaster with hyper-parameters ``params`` and ``state``.

        What :func:`sktime_rnn.load` uses: sktime's own bookkeeping (cutoff,
        fitting horizon, the types of ``y`` and ``X``) is rebuilt from the
        state through sktime's input checks, without training or replaying
        ``fit``. The fitting horizon ``fh`` must be one the network forecasts.
        """
        if fh is not None:
            try:
                checked_steps(state, fh, cutoff)
            except (InvalidDataError, TypeError, ValueError) as error:
                raise PersistenceError(f"the saved fh is invalid: {error}") from None
        forecaster = cls(**params)
        y_stub, x_stub = _kept_data(state)
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


def _refuse_empty(y, method: str) -> None:
    # other types of y are sktime's to check (and name)
    if isinstance(y, pd.Series | pd.DataFrame | np.ndarray) and len(y) == 0:
        raise InvalidDataError(
            f"y is empty: it has no observations, and {method} needs at least "
            "one (the plain network: window_length plus the largest fh step)"
        )


def _refuse_bad_input(y, X) -> None:
    check_numeric(y, "y", allow_bool=False)
    check_numeric(X, "X", allow_bool=True)
    refuse_missing(y, "y")
    refuse_missing(X, "X")


def _kept_data(state, n: int = 1):
    """Every series' last ``n`` kept observations, in the type ``fit`` received.

    With ``n=1``, enough for sktime's input checks to rebuild what they record
    about ``y`` and ``X`` when a forecaster is loaded.
    """
    y, x = state.last_observations(n)
    mtype = state.layout.output_mtype
    if mtype == "pd.Series":
        y = y.iloc[:, 0].rename(state.layout.y_name)
    elif mtype not in ("pd.DataFrame", "pd-multiindex", "pd_multiindex_hier"):
        y = convert_to(y, to_type=mtype)
    return y, x
