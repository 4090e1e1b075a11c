"""Prediction intervals: an LSTM with a normal likelihood on the airline data.

Fits ``LSTMForecaster(loss="normal")`` on all but the last 24 months, forecasts
them with 80% and 95% intervals, prints the interval table and the empirical
coverage, and draws the forecast with sktime's ``plot_series`` into
``airline_intervals.png`` (or the path given as the first argument).

Run ``python examples/probabilistic_forecast.py``; ``SKTIME_RNN_FAST=1`` for a
smoke run.
"""

import os
import sys
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sktime.datasets import load_airline  # noqa: E402
from sktime.utils.plotting import plot_series  # noqa: E402

from sktime_rnn import LSTMForecaster  # noqa: E402

FAST = os.environ.get("SKTIME_RNN_FAST") == "1"
warnings.filterwarnings(
    "ignore", message="The default of config", category=FutureWarning
)


def main(path="airline_intervals.png"):
    y = load_airline()
    y_train, y_test = y[:-24], y[-24:]
    forecaster = LSTMForecaster(
        loss="normal", max_epochs=2 if FAST else 100, random_state=0
    )
    forecaster.fit(y_train, fh=np.arange(1, 25))
    forecast = forecaster.predict()
    intervals = forecaster.predict_interval(coverage=[0.8, 0.95])
    print(intervals.round(1).head(12).to_string())
    for coverage in [0.8, 0.95]:
        lower = intervals[(y.name, coverage, "lower")]
        upper = intervals[(y.name, coverage, "upper")]
        inside = ((y_test >= lower) & (y_test <= upper)).mean()
        print(f"{coverage:.0%} interval: {inside:.0%} of the 24 held-out months inside")

    fig, ax = plot_series(
        y_train[-48:],
        y_test,
        forecast,
        labels=["train", "test", "LSTM (normal likelihood)"],
        pred_interval=forecaster.predict_interval(coverage=0.95),
    )
    ax.set_title("LSTMForecaster(loss='normal'): forecast and 95% interval")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    print(f"saved {path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
