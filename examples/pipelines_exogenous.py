"""Pipelines: recurrent forecasters inside sktime pipelines, with exogenous data.

1. ``TransformedTargetForecaster``: log-transform and detrend the airline
   passengers, let an ``LSTMForecaster`` forecast what is left, and undo both
   transformations on the forecast, against the LSTM alone (whose per-window
   normalisation copes with the trend by itself) and the seasonal naive
   forecast.
2. ``ForecastingPipeline`` with exogenous ``X``: US consumption growth with
   income, production, savings and unemployment growth as ``X``; the pipeline
   standardises ``X`` and a ``GRUForecaster`` reads past ``y`` and ``X`` and the
   values of ``X`` at the forecast quarters, which must be passed to
   ``predict``. Compared with the same GRU without ``X`` and the mean forecast.

Run ``python examples/pipelines_exogenous.py``; ``SKTIME_RNN_FAST=1`` for a smoke
run.
"""

import os
import warnings

import pandas as pd
from sklearn.preprocessing import StandardScaler
from sktime.datasets import load_airline, load_uschange
from sktime.forecasting.compose import ForecastingPipeline, TransformedTargetForecaster
from sktime.forecasting.trend import PolynomialTrendForecaster
from sktime.performance_metrics.forecasting import mean_absolute_error
from sktime.transformations.adapt import TabularToSeriesAdaptor
from sktime.transformations.boxcox import LogTransformer
from sktime.transformations.detrend import Detrender

from sktime_rnn import GRUForecaster, LSTMForecaster

FAST = os.environ.get("SKTIME_RNN_FAST") == "1"
EPOCHS = 2 if FAST else 100
# sktime 1.2 announces a default change at every construction of its forecasters
warnings.filterwarnings(
    "ignore", message="The default of config", category=FutureWarning
)


def target_transformations():
    y = load_airline()
    y_train, y_test = y[:-12], y[-12:]
    fh = list(range(1, 13))
    lstm = dict(window_length=24, max_epochs=EPOCHS, random_state=0)
    candidates = {
        "log + detrend + LSTM": TransformedTargetForecaster(
            [
                ("log", LogTransformer()),
                ("detrend", Detrender(PolynomialTrendForecaster(degree=1))),
                # the pipeline removed the level and trend: no per-window norm
                ("lstm", LSTMForecaster(window_norm=None, **lstm)),
            ]
        ),
        "LSTM alone": LSTMForecaster(**lstm),
    }
    errors = {}
    for name, forecaster in candidates.items():
        forecast = forecaster.fit(y_train, fh=fh).predict()
        errors[name] = mean_absolute_error(y_test, forecast)
    errors["seasonal naive"] = mean_absolute_error(
        y_test, y_train[-12:].set_axis(y_test.index)
    )
    return pd.Series(errors, name="MAE, airline, last 12 months")


def exogenous_pipeline():
    y, X = load_uschange()
    test = 8
    y_train, y_test = y[:-test], y[-test:]
    X_train, X_test = X[:-test], X[-test:]
    fh = list(range(1, test + 1))
    # 179 quarters: a small network, trained briefly, overfits least
    gru = dict(
        window_length=4,
        window_norm=None,
        hidden_size=4,
        max_epochs=2 if FAST else 50,
        random_state=0,
    )

    with_x = ForecastingPipeline(
        [
            ("scale X", TabularToSeriesAdaptor(StandardScaler())),
            ("gru", GRUForecaster(**gru)),
        ]
    )
    with_x.fit(y_train, X=X_train, fh=fh)
    # X at the forecast quarters: the network reads these known future values
    forecast_with_x = with_x.predict(X=X_test)

    forecast_without_x = GRUForecaster(**gru).fit(y_train, fh=fh).predict()
    mean_forecast = pd.Series(y_train.mean(), index=y_test.index)
    return pd.Series(
        {
            "scale X + GRU with X": mean_absolute_error(y_test, forecast_with_x),
            "GRU without X": mean_absolute_error(y_test, forecast_without_x),
            "mean of training data": mean_absolute_error(y_test, mean_forecast),
        },
        name=f"MAE, US consumption growth, last {test} quarters",
    )


def main():
    for errors in (target_transformations(), exogenous_pipeline()):
        print(errors.round(3).to_string(), end="\n\n")


if __name__ == "__main__":
    main()
