"""Global models: one LSTM trained across many series, then used on new ones.

Builds a panel of 60 monthly series (three seasonal shapes, each series with its
own level and noise), holds out the last 12 months of every series, and

1. fits one global ``LSTMForecaster`` on all series at once and the same
   network on each series alone, and prints the mean MASE of both;
2. pretrains the network on 50 series, then fits it on the 10 others, which it
   has never seen: ``fit`` takes no training step, it only computes the new
   series' scaling and context.

Run ``python examples/global_models.py``; ``SKTIME_RNN_FAST=1`` for a smoke run.
"""

import os
import time
import warnings

import numpy as np
import pandas as pd

from sktime_rnn import LSTMForecaster

FAST = os.environ.get("SKTIME_RNN_FAST") == "1"
warnings.filterwarnings(
    "ignore", message="The default of config", category=FutureWarning
)
HORIZON = 12


def make_panel(n_series, seed=0):
    rng = np.random.default_rng(seed)
    month = np.arange(12)
    shapes = [
        np.sin(2 * np.pi * month / 12),
        np.where(month < 6, 1.0, -1.0),
        np.cos(4 * np.pi * month / 12),
    ]
    frames = []
    for number in range(n_series):
        length = int(rng.integers(48, 97))
        index = pd.period_range(end="2020-12", periods=length, freq="M")
        season = np.tile(shapes[number % 3], length // 12 + 1)[:length]
        values = rng.uniform(10, 100) * (
            1 + 0.2 * season + 0.05 * rng.normal(size=length)
        )
        keys = pd.MultiIndex.from_product(
            [[f"s{number:02d}"], index], names=["id", "t"]
        )
        frames.append(pd.DataFrame({"y": values}, index=keys))
    return pd.concat(frames)


def mean_mase(forecast, train, test):
    scores = []
    for series_id in test.index.unique(level="id"):
        history = train.loc[series_id]["y"].to_numpy()
        scale = np.mean(np.abs(history[12:] - history[:-12]))
        error = (
            test.loc[series_id]["y"].to_numpy()
            - forecast.loc[series_id]["y"].to_numpy()
        )
        scores.append(np.mean(np.abs(error)) / scale)
    return float(np.mean(scores))


def main():
    panel = make_panel(60)
    train = panel.groupby(level="id").head(-HORIZON)
    test = panel.groupby(level="id").tail(HORIZON)
    fh = list(range(1, HORIZON + 1))
    params = {"window_length": 24, "max_epochs": 2 if FAST else 60, "random_state": 0}

    start = time.perf_counter()
    global_forecast = LSTMForecaster(**params).fit(train, fh=fh).predict()
    global_seconds = time.perf_counter() - start

    start = time.perf_counter()
    local_forecasts = []
    for series_id in train.index.unique(level="id"):
        local = LSTMForecaster(**params).fit(train.loc[series_id]["y"], fh=fh).predict()
        keys = pd.MultiIndex.from_product([[series_id], local.index], names=["id", "t"])
        local_forecasts.append(pd.DataFrame({"y": local.to_numpy()}, index=keys))
    local_seconds = time.perf_counter() - start
    local_forecast = pd.concat(local_forecasts)

    print("mean MASE over 60 series, 12 months ahead")
    print(
        f"  global LSTM (one network):  {mean_mase(global_forecast, train, test):.3f}"
        f"  fit {global_seconds:.1f} s"
    )
    print(
        f"  one LSTM per series:        {mean_mase(local_forecast, train, test):.3f}"
        f"  fit {local_seconds:.1f} s"
    )

    seen, unseen = (
        train.loc[[f"s{i:02d}" for i in range(50)]],
        train.loc[[f"s{i:02d}" for i in range(50, 60)]],
    )
    forecaster = LSTMForecaster(**params).pretrain(seen, fh=fh)
    steps = len(forecaster.pretrain_history_.grad_norms)
    forecaster.fit(unseen, fh=fh)
    new_forecast = forecaster.predict()
    print(
        f"pretrained on 50 series ({steps} optimiser steps), then fit on 10 new ones:"
    )
    print(
        f"  training steps taken by fit: {len(forecaster.history_.grad_norms) - steps}"
    )
    unseen_test = test.loc[unseen.index.unique(level="id")]
    new_mase = mean_mase(new_forecast, train, unseen_test)
    print(f"  mean MASE on the new series: {new_mase:.3f}")


if __name__ == "__main__":
    main()
