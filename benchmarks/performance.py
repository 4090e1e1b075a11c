"""Speed and memory of the forecasters against the bare-PyTorch floor.

Run by hand (not part of the tests), on a quiet machine:

    python benchmarks/performance.py             # everything, ~10 min on 2 cores
    python benchmarks/performance.py --quick     # smaller, ~1 min

Writes ``benchmarks/results/performance.json`` and ``.md`` and prints the
tables. ``benchmarks/README.md`` says how to read them.

1. Fit throughput on a fixed configuration: a synthetic series of 20,000
   points, window 48, horizons 1..12, hidden size 64, one layer, batch 64,
   5 epochs, direct strategy, CPU; for LSTM, GRU and Elman RNN.
2. The floor: a bare PyTorch loop (``nn.LSTM`` + ``Linear`` on random tensors
   already in memory, same shapes, same number of steps, Adam), timed in the
   same process. "ours / floor" is the overhead the package adds.
3. A user-shaped job: a 10-fold expanding-window backtest of the airline data
   (initial window 96, step 4, horizons 1..12, refit each fold) with the
   defaults: total wall time, median fit time, median predict latency, MASE.
4. Memory: peak resident memory of one epoch of fit on 1,000,000 and
   10,000,000-point series, each in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

RESULTS = Path(__file__).parent / "results"
FIXED = {
    "window_length": 48,
    "hidden_size": 64,
    "num_layers": 1,
    "batch_size": 64,
    "max_epochs": 5,
    "strategy": "direct",
    "random_state": 0,
}
HORIZON = 12


def synthetic_series(n: int, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = np.sin(2 * np.pi * t / 24) + 0.5 * np.sin(2 * np.pi * t / 168)
    return pd.Series(values + 0.1 * rng.normal(size=n), name="y")


def bare_loop_seconds(n_windows: int, epochs: int, cell: str = "lstm") -> float:
    """The floor: the same optimiser steps with nothing but PyTorch."""
    torch.manual_seed(0)
    layer = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn_tanh": torch.nn.RNN}[cell]
    recurrent = layer(1, FIXED["hidden_size"], batch_first=True)
    head = torch.nn.Linear(FIXED["hidden_size"], HORIZON)
    params = list(recurrent.parameters()) + list(head.parameters())
    optimizer = torch.optim.Adam(params, lr=0.005)
    inputs = torch.randn(n_windows, FIXED["window_length"], 1)
    targets = torch.randn(n_windows, HORIZON)
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n_windows)
        for first in range(0, n_windows, FIXED["batch_size"]):
            batch = order[first : first + FIXED["batch_size"]]
            output, _ = recurrent(inputs[batch])
            loss = torch.nn.functional.mse_loss(head(output[:, -1]), targets[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    return time.perf_counter() - start


def fit_throughput(n_points: int, epochs: int) -> list[dict]:
    from sktime_rnn import GRUForecaster, LSTMForecaster, RNNForecaster

    y = synthetic_series(n_points)
    n_windows = n_points - FIXED["window_length"] - HORIZON + 1
    fh = list(range(1, HORIZON + 1))
    rows = []
    for cls, cell in [
        (LSTMForecaster, "lstm"),
        (GRUForecaster, "gru"),
        (RNNForecaster, "rnn_tanh"),
    ]:
        floor = bare_loop_seconds(n_windows, epochs, cell)
        for label, extras in [
            (
                "matched (no clipping, no window norm)",
                {"clip_grad_norm": None, "window_norm": None},
            ),
            ("defaults (clipping, window norm)", {}),
        ]:
            forecaster = cls(**{**FIXED, "max_epochs": epochs, **extras})
            start = time.perf_counter()
            forecaster.fit(y, fh=fh)
            seconds = time.perf_counter() - start
            rows.append(
                {
                    "model": cls.__name__,
                    "setting": label,
                    "fit_seconds": seconds,
                    "windows_per_second": n_windows * epochs / seconds,
                    "bare_loop_seconds": floor,
                    "ours_over_floor": seconds / floor,
                }
            )
    return rows


def airline_backtest(n_folds: int) -> dict:
    from sktime.datasets import load_airline
    from sktime.split import ExpandingWindowSplitter

    from sktime_rnn import LSTMForecaster

    y = load_airline()
    fh = np.arange(1, HORIZON + 1)
    cv = ExpandingWindowSplitter(fh=fh, initial_window=96, step_length=4)
    splits = list(cv.split(y))[-n_folds:]
    fits, predicts, errors = [], [], []
    start = time.perf_counter()
    for train, test in splits:
        y_train, y_test = y.iloc[train], y.iloc[test]
        forecaster = LSTMForecaster(random_state=0)
        begin = time.perf_counter()
        forecaster.fit(y_train, fh=fh)
        fits.append(time.perf_counter() - begin)
        for _ in range(5):
            begin = time.perf_counter()
            forecast = forecaster.predict()
            predicts.append(time.perf_counter() - begin)
        history = y_train.to_numpy()
        scale = np.mean(np.abs(history[12:] - history[:-12]))
        errors.append(np.mean(np.abs(y_test.to_numpy() - forecast.to_numpy())) / scale)
    return {
        "folds": len(splits),
        "total_seconds": time.perf_counter() - start,
        "median_fit_seconds": float(np.median(fits)),
        "median_predict_ms": 1000 * float(np.median(predicts)),
        "mean_mase": float(np.mean(errors)),
    }


def _memory_run(n_points: int) -> dict:
    from sktime_rnn import LSTMForecaster

    y = synthetic_series(n_points)
    data_mib = y.memory_usage(deep=True) / 2**20
    params = {**FIXED, "hidden_size": 16, "batch_size": 2048, "max_epochs": 1}
    start = time.perf_counter()
    LSTMForecaster(**params).fit(y, fh=list(range(1, HORIZON + 1)))
    return {
        "n_points": n_points,
        "fit_seconds": time.perf_counter() - start,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "data_mib": data_mib,
    }


def memory(sizes) -> list[dict]:
    runs = []
    for n_points in sizes:
        output = subprocess.run(
            [sys.executable, __file__, "--memory-run", str(n_points)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    return runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--threads", type=int, default=None, help="torch threads")
    parser.add_argument("--memory-run", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.memory_run:
        print(json.dumps(_memory_run(args.memory_run)))
        return
    quick = args.quick
    result = {
        "torch_threads": torch.get_num_threads(),
        "fit": fit_throughput(5_000 if quick else 20_000, 2 if quick else 5),
        "airline_backtest": airline_backtest(3 if quick else 10),
        "memory": memory((100_000, 1_000_000) if quick else (1_000_000, 10_000_000)),
    }
    RESULTS.mkdir(exist_ok=True)
    name = "performance_quick" if quick else "performance"
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2))
    markdown = (
        f"torch threads: {result['torch_threads']}\n\n"
        "## Fit on the fixed configuration\n\n"
        + pd.DataFrame(result["fit"]).to_markdown(index=False, floatfmt=".3f")
        + "\n\n## Airline backtest with the defaults\n\n"
        + pd.DataFrame([result["airline_backtest"]]).to_markdown(
            index=False, floatfmt=".3f"
        )
        + "\n\n## Peak memory, one epoch\n\n"
        + pd.DataFrame(result["memory"]).to_markdown(index=False, floatfmt=".1f")
        + "\n"
    )
    (RESULTS / f"{name}.md").write_text(markdown)
    print(markdown)


if __name__ == "__main__":
    main()
