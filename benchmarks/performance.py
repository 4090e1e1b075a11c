"""Speed and memory of the forecasters against the bare-PyTorch floor and the peers.

Run by hand from the repository root (not part of the tests), on a quiet machine:

    python -m benchmarks.performance                   # ours, ~15 min on 2 cores
    python -m benchmarks.performance --peers           # + Darts and neuralforecast
    python -m benchmarks.performance --quick           # smaller, ~1 min
    python -m benchmarks.performance --device cuda --sections fit airline

``--peers`` runs the peers in the environment ``benchmarks/make_peers_env.sh``
builds (built on first use; ``--peers-python`` names another). Writes
``benchmarks/results/performance[_SECTION...][_quick][_cuda].json`` and ``.md``
(``_SECTION``: each section run, when not all are), with the
commit, versions and machine (``benchmarks/_provenance.py``), and prints the
tables; ``benchmarks/README.md`` says how to read them.

1. Fit throughput on a fixed configuration: a synthetic series of 20,000
   points, window 48, horizons 1..12, hidden size 64, one layer, batch 64,
   5 epochs, direct strategy; for LSTM, GRU and Elman RNN.
2. The floor: a bare PyTorch loop (``nn.LSTM`` + ``Linear`` on random tensors
   already in memory, same shapes, same number of steps, Adam), timed in the
   same process. "ours / floor" is the overhead the package adds. The peers
   (Darts ``BlockRNNModel``, neuralforecast ``LSTM``), when a Python that has
   them is given, run the same configuration and number of steps.
3. A user-shaped job: a 10-fold expanding-window backtest of the airline data
   (initial window 96, step 4, horizons 1..12, refit each fold) with each
   system's defaults: total wall time, median fit time, median predict
   latency, MASE.
4. Memory: peak resident memory of one epoch of fit on 1,000,000 and
   10,000,000-point series, each in a fresh process.
5. Profile: where the time of one fit of the fixed configuration goes, by
   torch operator (``torch.profiler``).
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from benchmarks import _provenance
from benchmarks._common import (
    add_peers_arguments,
    in_fresh_process,
    peak_memory_mib,
    peers_python,
    reset_peak_memory,
)

MODULE = "benchmarks.performance"
RESULTS = Path(__file__).parent / "results"
FIXED = {
    "window_length": 48,
    "hidden_size": 64,
    "num_layers": 1,
    "batch_size": 64,
    "max_epochs": 5,
    "strategy": "direct",
    "random_state": 0,
    # the floor's loop: the plain network, every epoch, no validation
    "base": None,
    "loss": "mse",
    "max_steps": None,
    "validation_size": None,
    "early_stopping": False,
}
HORIZON = 12
SECTIONS = ("fit", "airline", "memory", "profile")
PEER_NAMES = ("Darts BlockRNN", "neuralforecast LSTM")


def synthetic_series(n: int, seed: int = 0) -> pd.Series:
    """Two seasonal sines and noise, built in place (no n-sized temporaries kept)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=np.float64)
    values = np.sin(t * (2 * np.pi / 24))
    t *= 2 * np.pi / 168
    np.sin(t, out=t)
    values += 0.5 * t
    del t
    values += 0.1 * rng.standard_normal(n)
    return pd.Series(values, name="y")


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def bare_loop_seconds(n_windows: int, epochs: int, cell: str, device) -> float:
    """The floor: the same optimiser steps with nothing but PyTorch."""
    device = torch.device(device)
    torch.manual_seed(0)
    layer = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn_tanh": torch.nn.RNN}[cell]
    recurrent = layer(1, FIXED["hidden_size"], batch_first=True).to(device)
    head = torch.nn.Linear(FIXED["hidden_size"], HORIZON).to(device)
    params = list(recurrent.parameters()) + list(head.parameters())
    optimizer = torch.optim.Adam(params, lr=0.005)
    inputs = torch.randn(n_windows, FIXED["window_length"], 1, device=device)
    targets = torch.randn(n_windows, HORIZON, device=device)
    _synchronize(device)
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n_windows, device=device)
        for first in range(0, n_windows, FIXED["batch_size"]):
            batch = order[first : first + FIXED["batch_size"]]
            output, _ = recurrent(inputs[batch])
            loss = torch.nn.functional.mse_loss(head(output[:, -1]), targets[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    _synchronize(device)
    return time.perf_counter() - start


def _spread(seconds: list[float]) -> str:
    return f"{min(seconds):.2f}-{max(seconds):.2f}"


def _n_windows(n_points: int) -> int:
    return n_points - FIXED["window_length"] - HORIZON + 1


def fit_throughput(
    n_points: int, epochs: int, threads: int, device: str, repeats: int
) -> list[dict]:
    """Ours (matched to the floor, then with the defaults' extras) and the floor.

    Each is timed ``repeats`` times, interleaved (floor, matched, defaults,
    floor, ...) so that warm-up and drifts of the machine hit all three alike.
    The fastest of the repeats is reported, as ``timeit`` advises: on a shared
    machine a run is only ever slowed down by others, and a median of three
    still moved the floor by 20% between two runs here. The ranges show the
    spread.
    """
    from sktime_rnn import GRUForecaster, LSTMForecaster, RNNForecaster

    y = synthetic_series(n_points)
    n_windows = _n_windows(n_points)
    fh = list(range(1, HORIZON + 1))
    common = {**FIXED, "max_epochs": epochs, "num_threads": threads, "device": device}
    if (
        device != "cpu"
    ):  # a GPU's first use pays its start-up: not ours, not the floor's
        LSTMForecaster(**{**common, "max_epochs": 1}).fit(y.iloc[:500], fh=fh)
    settings = {
        "matched (no clipping, no window norm)": {
            "clip_grad_norm": None,
            "window_norm": None,
        },
        "defaults (clipping, window norm)": {},
    }
    rows = []
    for cls, cell in [
        (LSTMForecaster, "lstm"),
        (GRUForecaster, "gru"),
        (RNNForecaster, "rnn_tanh"),
    ]:
        floors, ours = [], {label: [] for label in settings}
        for _ in range(repeats):
            floors.append(bare_loop_seconds(n_windows, epochs, cell, device))
            for label, extras in settings.items():
                forecaster = cls(**{**common, **extras})
                start = time.perf_counter()
                forecaster.fit(y, fh=fh)
                ours[label].append(time.perf_counter() - start)
        floor = min(floors)
        for label, times in ours.items():
            seconds = min(times)
            rows.append(
                {
                    "model": cls.__name__,
                    "setting": label,
                    "fit_seconds": seconds,
                    "fit_seconds_range": _spread(times),
                    "windows_per_second": n_windows * epochs / seconds,
                    "bare_loop_seconds": floor,
                    "bare_loop_seconds_range": _spread(floors),
                    "ours_over_floor": seconds / floor,
                }
            )
    return rows


def peer_fit(peer: str, n_points: int, epochs: int) -> dict:
    """A peer on the fixed configuration (run in the peers' environment)."""
    from benchmarks.peers import matched

    y = synthetic_series(n_points).to_numpy(np.float32)
    n_windows = _n_windows(n_points)
    model = matched(
        peer,
        FIXED["window_length"],
        HORIZON,
        FIXED["hidden_size"],
        FIXED["batch_size"],
        epochs,
        n_windows,
    )
    bare_loop_seconds(n_windows, 1, "lstm", "cpu")  # warm-up, as ours gets
    floor = bare_loop_seconds(n_windows, epochs, "lstm", "cpu")
    start = time.perf_counter()
    model.fit(y)
    seconds = time.perf_counter() - start
    return {
        "model": peer,
        "setting": "matched (its own loss, scaling and loop)",
        "fit_seconds": seconds,
        "fit_seconds_range": _spread([seconds]),  # the peers are timed once
        "windows_per_second": n_windows * epochs / seconds,
        "bare_loop_seconds": floor,
        "bare_loop_seconds_range": _spread([floor]),
        "ours_over_floor": seconds / floor,
    }


class _Ours:
    """``LSTMForecaster`` with its defaults, behind the peers' fit/predict interface."""

    name = "sktime-rnn LSTM"

    def __init__(self, threads: int, device: str):
        from sktime_rnn import LSTMForecaster

        self.forecaster = LSTMForecaster(
            sp=12, random_state=0, num_threads=threads, device=device
        )

    def fit(self, y: pd.Series):
        self.forecaster.fit(y, fh=list(range(1, HORIZON + 1)))
        return self

    def predict(self) -> np.ndarray:
        return self.forecaster.predict().to_numpy()


def _system(name: str, threads: int, device: str):
    if name == _Ours.name:
        return _Ours(threads, device)
    from benchmarks.peers import DartsBlockRNN, NeuralForecastLSTM

    if name == DartsBlockRNN.name:
        # Darts has no default window: ours ("auto" from sp=12) is 12 here
        return DartsBlockRNN(input_chunk_length=12, h=HORIZON)
    return NeuralForecastLSTM(h=HORIZON)


def _series_for(system: str, y: pd.Series):
    """Ours takes the pandas series, the peers' adapters a float array."""
    return y if system == _Ours.name else y.to_numpy(np.float64)


def airline_backtest(
    system: str, n_folds: int, threads: int, device: str = "cpu", repeats: int = 3
) -> dict:
    """10 refits of an expanding window on the airline data, defaults throughout.

    ``total_seconds`` covers the 10 folds (fit, 5 predicts and scoring each)
    after one untimed warm-up fit (``first_fit_seconds``: that cold fit). The
    backtest runs ``repeats`` times while one takes under a minute (so
    neuralforecast, ~10 minutes, runs once) and the median total is reported:
    one run on this machine varies by up to 15%.
    """
    from sktime.datasets import load_airline
    from sktime.split import ExpandingWindowSplitter

    y = load_airline()
    fh = np.arange(1, HORIZON + 1)
    cv = ExpandingWindowSplitter(fh=fh, initial_window=96, step_length=4)
    splits = list(cv.split(y))[-n_folds:]
    # a first fit pays one-off costs of the process (torch imports torch._dynamo
    # when the first optimiser is built, ~0.8 s): timed apart, for every system
    begin = time.perf_counter()
    _system(system, threads, device).fit(_series_for(system, y.iloc[splits[0][0]]))
    first_fit = time.perf_counter() - begin
    totals, fits, predicts, errors = [], [], [], []
    while len(totals) < repeats and sum(totals) < 60:
        errors = []
        start = time.perf_counter()
        for train, test in splits:
            y_train, y_test = y.iloc[train], y.iloc[test].to_numpy()
            model = _system(system, threads, device)
            begin = time.perf_counter()
            model.fit(_series_for(system, y_train))
            fits.append(time.perf_counter() - begin)
            for _ in range(5):
                begin = time.perf_counter()
                forecast = model.predict()[:HORIZON]
                predicts.append(time.perf_counter() - begin)
            history = y_train.to_numpy()
            scale = np.mean(np.abs(history[12:] - history[:-12]))
            errors.append(np.mean(np.abs(y_test - forecast)) / scale)
        totals.append(time.perf_counter() - start)
    return {
        "system": system,
        "folds": len(splits),
        "repeats": len(totals),
        "total_seconds": float(np.median(totals)),
        "total_seconds_range": f"{min(totals):.2f}-{max(totals):.2f}",
        "first_fit_seconds": first_fit,
        "median_fit_seconds": float(np.median(fits)),
        "median_predict_ms": 1000 * float(np.median(predicts)),
        "mean_mase": float(np.mean(errors)),
    }


def memory_run(n_points: int, threads: int) -> dict:
    """One epoch of fit; peak resident memory of the fit alone (data made before)."""
    from sktime_rnn import LSTMForecaster

    y = synthetic_series(n_points)
    data_mib = y.memory_usage(deep=True) / 2**20
    params = {**FIXED, "hidden_size": 16, "batch_size": 2048, "max_epochs": 1}
    forecaster = LSTMForecaster(**params, num_threads=threads)
    before_mib = peak_memory_mib() if reset_peak_memory() else float("nan")
    start = time.perf_counter()
    forecaster.fit(y, fh=list(range(1, HORIZON + 1)))
    return {
        "n_points": n_points,
        "fit_seconds": time.perf_counter() - start,
        "peak_rss_mib": peak_memory_mib(),
        "rss_before_fit_mib": before_mib,
        "data_mib": data_mib,
    }


def profile_fit(threads: int) -> str:
    """Operator table of one LSTM fit of the fixed configuration (1 epoch)."""
    from torch.profiler import ProfilerActivity, profile

    from sktime_rnn import LSTMForecaster

    y = synthetic_series(20_000)
    forecaster = LSTMForecaster(**{**FIXED, "max_epochs": 1}, num_threads=threads)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        forecaster.fit(y, fh=list(range(1, HORIZON + 1)))
    return prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=20)


def _markdown(result: dict) -> str:
    parts = [
        f"{_provenance.markdown(result.get('provenance'))}\n",
        f"torch threads: {result['threads']}; device: {result['device']}; "
        f"{result['machine']}\n",
    ]
    tables = [
        ("Fit on the fixed configuration", "fit", ".3f"),
        ("Airline backtest, each system's defaults", "airline_backtest", ".3f"),
        ("Peak memory, one epoch", "memory", ".1f"),
    ]
    for title, key, fmt in tables:
        if result.get(key):
            frame = pd.DataFrame(result[key])
            parts.append(
                f"## {title}\n\n{frame.to_markdown(index=False, floatfmt=fmt)}\n"
            )
    if result.get("profile"):
        parts.append(f"## Profile, one epoch\n\n```\n{result['profile']}\n```\n")
    return "\n".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1)")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument(
        "--sections", nargs="*", choices=SECTIONS, default=list(SECTIONS)
    )
    add_peers_arguments(parser)
    parser.add_argument("--run", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    torch.set_num_threads(args.threads)
    if args.run:  # one measurement in a fresh process; prints its JSON
        kind, *rest = args.run
        runs = {
            "memory": lambda n: memory_run(int(n), args.threads),
            "peer-fit": lambda peer, n, e: peer_fit(peer, int(n), int(e)),
            "airline": lambda system, folds: airline_backtest(
                system, int(folds), args.threads, args.device
            ),
        }
        print(json.dumps(runs[kind](*rest)))
        return
    quick, threads, device = args.quick, args.threads, args.device
    python = peers_python(args)
    peers = PEER_NAMES if python else ()
    n_points, epochs = (5_000, 2) if quick else (20_000, 5)
    n_folds = 3 if quick else 10
    result = {
        "provenance": _provenance.run_metadata(peers_python=python),
        "threads": threads,
        "device": device,
        "machine": f"{torch.__version__}, {torch.get_num_threads()} threads, "
        + (torch.cuda.get_device_name() if device != "cpu" else "CPU"),
    }
    if "fit" in args.sections:
        repeats = 1 if quick else 5
        result["fit"] = fit_throughput(n_points, epochs, threads, device, repeats)
        for peer in peers:
            result["fit"].append(
                in_fresh_process(
                    MODULE,
                    *(
                        "--threads",
                        threads,
                        "--run",
                        "peer-fit",
                        peer,
                        n_points,
                        epochs,
                    ),
                    python=python,
                )
            )
    if "airline" in args.sections:
        # every system in a fresh process of its own, under the same conditions
        result["airline_backtest"] = [
            in_fresh_process(
                MODULE,
                *("--threads", threads, "--device", device),
                *("--run", "airline", _Ours.name, n_folds),
            )
        ] + [
            in_fresh_process(
                MODULE,
                *("--threads", threads, "--run", "airline", peer, n_folds),
                python=python,
            )
            for peer in peers
        ]
    if "memory" in args.sections:
        sizes = (100_000, 1_000_000) if quick else (1_000_000, 10_000_000)
        result["memory"] = [
            in_fresh_process(MODULE, "--threads", threads, "--run", "memory", n)
            for n in sizes
        ]
    if "profile" in args.sections:
        result["profile"] = profile_fit(threads)
    RESULTS.mkdir(exist_ok=True)
    # a run of some sections does not overwrite the results of the others
    chosen = [section for section in SECTIONS if section in args.sections]
    name = (
        "performance"
        + ("" if chosen == list(SECTIONS) else "".join(f"_{s}" for s in chosen))
        + ("_quick" if quick else "")
        + ("" if device == "cpu" else f"_{device}")
    )
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2))
    markdown = _markdown(result)
    (RESULTS / f"{name}.md").write_text(markdown)
    print(markdown)


if __name__ == "__main__":
    main()
