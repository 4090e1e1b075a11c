"""Tuning: choose an LSTM's training controls with ``ForecastingGridSearchCV``.

Every hyper-parameter of the forecasters is a flat ``__init__`` argument, so
sktime's grid search tunes them like any other: here the hidden size, the
initial forget-gate bias (``forget_bias``) and truncated back-propagation
through time (``truncation_length``) of an ``LSTMForecaster`` on the airline
data. Each grid
point is scored by rolling-origin evaluation over the training years (an
expanding window, 12-month horizon); the best point is refitted on all of them
and scored on the last, held-out year against a seasonal naive forecast.

sktime fits the grid points in parallel processes (``backend="loky"``, its
default); results do not depend on the backend, as every fit is seeded. The
fast mode runs them in this process (``backend=None``): for a few fits of a
second each, starting the worker processes costs more than it saves.

Run ``python examples/tuning_grid_search.py``; ``SKTIME_RNN_FAST=1`` for a smoke
run (2 epochs, a 2-point grid, one fold).
"""

import os
import time
import warnings

import pandas as pd
from sktime.datasets import load_airline
from sktime.forecasting.model_selection import ForecastingGridSearchCV
from sktime.performance_metrics.forecasting import (
    MeanAbsoluteError,
    mean_absolute_error,
)
from sktime.split import ExpandingWindowSplitter

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

    if FAST:
        grid = {"hidden_size": [4, 8]}
        cv = ExpandingWindowSplitter(initial_window=len(y_train) - 12, fh=fh)
    else:
        grid = {
            "hidden_size": [16, 32],
            "forget_bias": [0.0, 1.0],
            "truncation_length": [None, 12],
        }
        cv = ExpandingWindowSplitter(initial_window=96, step_length=12, fh=fh)
    search = ForecastingGridSearchCV(
        LSTMForecaster(window_length=24, max_epochs=2 if FAST else 60, random_state=0),
        cv=cv,
        param_grid=grid,
        scoring=MeanAbsoluteError(),
        strategy="refit",
        backend=None if FAST else "loky",
    )

    start = time.perf_counter()
    search.fit(y_train, fh=fh)
    seconds = time.perf_counter() - start

    results = pd.DataFrame(search.cv_results_)
    table = pd.DataFrame(results["params"].tolist()).assign(
        cv_mae=results["mean_test_MeanAbsoluteError"].round(2),
        fit_seconds=results["mean_fit_time"].round(2),
        rank=results["rank_test_MeanAbsoluteError"],
    )
    print(f"{len(table)} grid points x {cv.get_n_splits(y_train)} folds:")
    print(table.sort_values("rank").to_string(index=False))
    print(f"\nsearch took {seconds:.1f} s; best: {search.best_params_}")

    tuned = search.predict()  # the best grid point, refitted on all training data
    print(f"held-out MAE, tuned LSTM:     {mean_absolute_error(y_test, tuned):.1f}")
    naive = y_train[-12:].set_axis(y_test.index)  # same month of the year before
    print(f"held-out MAE, seasonal naive: {mean_absolute_error(y_test, naive):.1f}")


if __name__ == "__main__":
    main()
