"""Quickstart: an LSTM forecast of the airline passengers, against seasonal naive.

Fits an ``LSTMForecaster`` on all but the last 12 months of sktime's airline
data set, forecasts those 12 months, and prints the forecast next to the truth
and the mean absolute error of the LSTM and of a seasonal naive forecast.

Run ``python examples/quickstart.py``; set ``SKTIME_RNN_FAST=1`` for a smoke run.
"""

import os
import time
import warnings

import pandas as pd
from sktime.datasets import load_airline
from sktime.forecasting.naive import NaiveForecaster
from sktime.performance_metrics.forecasting import mean_absolute_error

from sktime_rnn import LSTMForecaster

FAST = os.environ.get("SKTIME_RNN_FAST") == "1"
# sktime 1.2 announces a default change at every construction of its forecasters
warnings.filterwarnings(
    "ignore", message="The default of config", category=FutureWarning
)


def main():
    y = load_airline()
    y_train, y_test = y[:-12], y[-12:]
    fh = list(range(1, 13))

    start = time.perf_counter()
    lstm = LSTMForecaster(max_epochs=2 if FAST else 100, random_state=0)
    lstm.fit(y_train, fh=fh)
    forecast = lstm.predict()
    seconds = time.perf_counter() - start

    naive = NaiveForecaster(strategy="last", sp=12).fit(y_train, fh=fh).predict()

    table = pd.DataFrame(
        {"actual": y_test, "lstm": forecast.round(1), "seasonal_naive": naive}
    )
    print(table.to_string())
    print(f"\nLSTM fit + predict: {seconds:.1f} s")
    print(f"MAE LSTM:           {mean_absolute_error(y_test, forecast):.1f}")
    print(f"MAE seasonal naive: {mean_absolute_error(y_test, naive):.1f}")


if __name__ == "__main__":
    main()
