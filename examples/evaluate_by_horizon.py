"""Rolling-origin evaluation per horizon: LSTM and GRU against seasonal naive.

Evaluates the recurrent forecasters and baselines on the airline data by
rolling origin (``ExpandingWindowSplitter``: train on the first 96 months,
forecast 12, move the origin by 12 months, repeat), prints the MAE and MASE for
every step ahead and the overall figures, and saves the error-by-horizon and
forecast-per-fold plots with the CSV tables to ``report/evaluate_by_horizon/``.

The folds run on two joblib workers; each gets half of the cores as torch
threads (``limit_threads``), so the workers do not slow each other down.

Run ``python examples/evaluate_by_horizon.py``; ``SKTIME_RNN_FAST=1`` for a
smoke run. The same evaluation from the shell::

    sktime-rnn evaluate --data airline --model lstm --fh 12 --initial 96 \\
        --step 12 --baseline naive-seasonal,ets --out report/
"""

import importlib.util
import os
import time
import warnings

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402
from sktime.datasets import load_airline  # noqa: E402
from sktime.forecasting.naive import NaiveForecaster  # noqa: E402
from sktime.split import ExpandingWindowSplitter  # noqa: E402

from sktime_rnn import GRUForecaster, LSTMForecaster  # noqa: E402
from sktime_rnn.evaluation import evaluate_by_horizon, write_report  # noqa: E402

FAST = os.environ.get("SKTIME_RNN_FAST") == "1"
OUT = "report/evaluate_by_horizon"
warnings.filterwarnings("ignore", category=FutureWarning)


def main():
    y = load_airline()
    cv = ExpandingWindowSplitter(fh=range(1, 13), initial_window=96, step_length=12)
    common = {"max_epochs": 2 if FAST else 100, "random_state": 0}
    forecasters = {
        "lstm": LSTMForecaster(**common),
        "gru": GRUForecaster(**common),
        "seasonal naive": NaiveForecaster(sp=12),
    }
    if importlib.util.find_spec("statsmodels") is not None:
        from sktime.forecasting.exp_smoothing import ExponentialSmoothing

        forecasters["holt-winters"] = ExponentialSmoothing(
            trend="add", seasonal="add", sp=12
        )

    start = time.perf_counter()
    result = evaluate_by_horizon(
        forecasters,
        y,
        cv,
        sp=12,
        backend="loky",
        backend_params={"n_jobs": 2},
        progress=True,
    )
    seconds = time.perf_counter() - start

    pd.set_option("display.width", 120)
    print(f"{result.folds['fold'].nunique()} folds, {seconds:.1f} s\n")
    print(result.table(["MAE", "MASE"]).round(2).to_string())
    print("\nOverall (mean over folds):")
    print(result.overall[["MAE", "RMSE", "MASE", "fit_time"]].round(2).to_string())
    written = write_report(result, OUT)
    print(f"\nwrote {len(written)} files to {OUT}/")


if __name__ == "__main__":
    main()
