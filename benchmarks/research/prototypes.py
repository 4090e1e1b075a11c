"""Prototypes of default ideas that need code, as wrappers around today's forecasters.

Nothing here changes ``sktime_rnn``: each idea is a small sktime forecaster that
wraps an unchanged ``LSTMForecaster`` (or any sktime forecaster), so the accuracy
suite can measure the idea before it is built into the core.

- :class:`AutoWindow`: ``window_length="auto"``, the window taken from the season
  length ``sp`` at fit time and capped so that the series still gives enough
  training windows.
- :class:`SeedEnsemble`: ``n_models``, forecasters with different
  ``random_state`` fitted on the same data and averaged at predict time.
- :func:`seasonal_residual`: the network fitted on the seasonally differenced
  series (``y_t - y_{t-sp}``), i.e. on the residual of the seasonal naive
  forecast, and integrated back at predict time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sktime.forecasting.base import BaseForecaster

from benchmarks._common import auto_window_length


class _Wrapper(BaseForecaster):
    _tags = {
        "requires-fh-in-fit": True,
        "y_inner_mtype": "pd.Series",
        "X_inner_mtype": "pd.DataFrame",
        "scitype:y": "univariate",
        "ignores-exogeneous-X": False,
        "capability:missing_values": False,
        "authors": "sktime-rnn developers",
    }


class AutoWindow(_Wrapper):
    """Set ``window_length`` of ``forecaster`` from ``sp`` and the data at fit time.

    Parameters
    ----------
    forecaster : sktime forecaster with a ``window_length`` parameter
    sp : int, default=1
        Season length.
    k, floor, cap : see :func:`auto_window_length`.
    """

    def __init__(self, forecaster, sp=1, k=0.5, floor=12, cap=0.5):
        self.forecaster = forecaster
        self.sp = sp
        self.k = k
        self.floor = floor
        self.cap = cap
        super().__init__()

    def _fit(self, y, X=None, fh=None):
        horizon = int(max(fh.to_relative(self.cutoff)))
        self.window_length_ = auto_window_length(
            len(y), horizon, self.sp, self.k, self.floor, self.cap
        )
        self.forecaster_ = self.forecaster.clone().set_params(
            window_length=self.window_length_
        )
        self.forecaster_.fit(y, X=X, fh=fh)
        return self

    def _predict(self, fh, X=None):
        return self.forecaster_.predict(fh=fh, X=X)


class SeedEnsemble(_Wrapper):
    """Average ``n_models`` copies of ``forecaster`` with seeds ``0..n_models-1``.

    Parameters
    ----------
    forecaster : sktime forecaster
        Its parameter ``random_state`` (also nested, ``...__random_state``) is set
        to ``seed + i`` for copy ``i``.
    n_models : int, default=5
    seed : int, default=0
    """

    def __init__(self, forecaster, n_models=5, seed=0):
        self.forecaster = forecaster
        self.n_models = n_models
        self.seed = seed
        super().__init__()

    def _fit(self, y, X=None, fh=None):
        names = [
            name
            for name in self.forecaster.get_params(deep=True)
            if name == "random_state" or name.endswith("__random_state")
        ]
        self.forecasters_ = []
        for i in range(self.n_models):
            member = self.forecaster.clone()
            member.set_params(**dict.fromkeys(names, self.seed + i))
            self.forecasters_.append(member.fit(y, X=X, fh=fh))
        return self

    def _predict(self, fh, X=None):
        preds = [member.predict(fh=fh, X=X) for member in self.forecasters_]
        mean = np.mean([np.asarray(p, dtype=float) for p in preds], axis=0)
        return pd.Series(mean, index=preds[0].index, name=preds[0].name)


def seasonal_residual(forecaster, sp):
    """``forecaster`` fitted on ``y_t - y_{t-sp}`` and integrated back.

    The network then learns the correction to the seasonal naive forecast
    (to the naive forecast when ``sp`` is 1).
    """
    from sktime.forecasting.compose import TransformedTargetForecaster
    from sktime.transformations.series.difference import Differencer

    return TransformedTargetForecaster(
        [("diff", Differencer(lags=int(sp))), ("net", forecaster)]
    )
