"""Check the CUDA path end to end on a machine with a GPU (run by hand).

    python -m benchmarks.gpu_check      # ~1 min; exits 1 if any check fails
    python -m benchmarks.gpu_check cpu  # the script's own dry run, without a GPU

The test suite runs on CPUs only, so this script is how ``device="cuda"`` is
checked: every strategy, loss family and training control fits on the GPU and
forecasts (point, interval, update, save and load) finitely and close to the
same model fitted on the CPU, a second GPU fit with the same seed forecasts
the same (the GPU's generator is seeded), a diverging fit rolls back to finite
weights, and a fit keeps its data on the device (host to device copies counted
by ``torch.profiler`` do not grow with the number of optimiser steps). Writes
``benchmarks/results/gpu_check_cuda.json`` (``_cpu`` for the dry run), with the
commit, versions and machine (``benchmarks/_provenance.py``).
"""

from __future__ import annotations

import json
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from benchmarks import _provenance

RESULTS = Path(__file__).parent / "results"
DEVICE = sys.argv[1] if len(sys.argv) > 1 else "cuda"
CONFIGS = {
    "direct (defaults)": {},
    "recursive, normal": {"strategy": "recursive", "loss": "normal"},
    "seq2seq, quantile": {"strategy": "seq2seq", "loss": "quantile"},
    "stateful, TBPTT": {"stateful": True, "truncation_length": 6, "window_norm": None},
    "bidirectional, skip, 2 layers": {
        "bidirectional": True,
        "skip_connections": True,
        "num_layers": 2,
    },
    "lstm_no_forget": {"cell": "lstm_no_forget"},
    "ensemble of 2": {"n_models": 2},
    "scheduled sampling": {"strategy": "recursive", "scheduled_sampling": 0.3},
}


def _fit_all(make, y, fh) -> dict:
    """Fit ``make(device)`` on the CPU, on the GPU, and on the GPU again."""
    return {
        key: make(device).fit(y, fh=fh)
        for key, device in (("cpu", "cpu"), (DEVICE, DEVICE), ("refit", DEVICE))
    }


def _fit_both(y, fh, params):
    from sktime_rnn import LSTMForecaster

    return _fit_all(
        lambda device: LSTMForecaster(
            **params, sp=12, max_epochs=30, random_state=0, device=device
        ),
        y,
        fh,
    )


def _compare(name: str, fitted: dict) -> dict:
    """The GPU fit's forecast: finite, close to the CPU fit's, network on the GPU,
    and the same when refitted with the same seed (the GPU's generator is seeded).
    """
    cpu, gpu = fitted["cpu"].predict(), fitted[DEVICE].predict()
    return {
        "config": name,
        "finite": bool(np.isfinite(gpu.to_numpy()).all()),
        "gpu_vs_cpu_rel_diff": float(np.mean(np.abs(gpu - cpu)) / np.mean(np.abs(cpu))),
        "on_gpu": next(fitted[DEVICE].network_.parameters()).device.type == DEVICE,
        "refit_same_forecast": bool(
            np.allclose(fitted["refit"].predict(), gpu, rtol=1e-4)
        ),
    }


def check_config(name, params, y, y_new, fh) -> dict:
    """Fit on both devices; forecast, interval, update, save/load on the GPU."""
    from sktime_rnn import load, save

    fitted = _fit_both(y, fh, params)
    row = _compare(name, fitted)
    if fitted[DEVICE].get_tag("capability:pred_int"):
        interval = fitted[DEVICE].predict_interval(coverage=0.8)
        row["interval_ordered"] = bool(
            (interval.iloc[:, 0] <= interval.iloc[:, 1]).all()
        )
    updated = fitted[DEVICE].update(y_new).predict()
    row["update_finite"] = bool(np.isfinite(updated.to_numpy()).all())
    with tempfile.TemporaryDirectory() as folder:
        path = save(fitted[DEVICE], Path(folder) / "model")
        row["load_same_forecast"] = bool(np.allclose(load(path).predict(), updated))
    return row


def check_panel(fh) -> dict:
    from sktime.utils._testing.hierarchical import _make_hierarchical

    from sktime_rnn import GRUForecaster

    y = _make_hierarchical(hierarchy_levels=(6,), min_timepoints=60, max_timepoints=80)
    fitted = _fit_all(
        lambda device: GRUForecaster(max_epochs=10, random_state=0, device=device),
        y,
        fh,
    )
    return _compare("panel of 6 series (GRU)", fitted)


def check_divergence(y, fh) -> dict:
    """A diverging fit on the GPU rolls back to finite weights and forecasts."""
    from sktime_rnn import LSTMForecaster

    forecaster = LSTMForecaster(
        window_length=12,
        optimizer="sgd",
        lr=1e3,  # diverges in epoch 9 on a CPU
        clip_grad_norm=None,
        max_epochs=15,
        random_state=0,
        device=DEVICE,
    ).fit(y, fh=fh)
    forecast = forecaster.predict()
    return {
        "config": "diverging (SGD, lr=1000)",
        "finite": bool(np.isfinite(forecast.to_numpy()).all()),
        "on_gpu": next(forecaster.network_.parameters()).device.type == DEVICE,
        "rolled_back": forecaster.history_.stopped_early == "non-finite loss",
    }


def host_to_device_copies(n_points: int) -> dict:
    """Host-to-device copies during one fit; they must not scale with the steps."""
    from torch.profiler import ProfilerActivity, profile

    from sktime_rnn import LSTMForecaster

    rng = np.random.default_rng(0)
    y = pd.Series(np.sin(np.arange(n_points) / 4) + 0.1 * rng.normal(size=n_points))
    forecaster = LSTMForecaster(
        window_length=48, batch_size=64, max_epochs=2, device=DEVICE, random_state=0
    )
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        forecaster.fit(y, fh=list(range(1, 13)))
    copies = sum(
        event.count
        for event in prof.key_averages()
        if "Memcpy HtoD" in event.key or "memcpy HtoD" in event.key.lower()
    )
    return {
        "n_points": n_points,
        "optimiser_steps": len(forecaster.history_.grad_norms),
        "host_to_device_copies": copies,
    }


def main() -> int:
    warnings.simplefilter("ignore")
    if DEVICE == "cuda" and not torch.cuda.is_available():
        print("no CUDA device: nothing to check")
        return 1
    from sktime.datasets import load_airline

    y = load_airline()
    y_train, y_new = y.iloc[:-12], y.iloc[-12:]
    fh = list(range(1, 13))
    rows = [check_config(name, p, y_train, y_new, fh) for name, p in CONFIGS.items()]
    rows += [check_panel(fh), check_divergence(y_train, fh)]
    copies = [host_to_device_copies(n) for n in (5_000, 20_000)]
    failures = [
        row["config"]
        for row in rows
        if not row["finite"]
        or not row["on_gpu"]
        or not row.get("update_finite", True)
        or not row.get("load_same_forecast", True)
        or not row.get("interval_ordered", True)
        or not row.get("refit_same_forecast", True)
        or not row.get("rolled_back", True)
        or row.get("gpu_vs_cpu_rel_diff", 0) > 0.25
    ]
    steps_ratio = copies[1]["optimiser_steps"] / copies[0]["optimiser_steps"]
    copies_ratio = copies[1]["host_to_device_copies"] / max(
        copies[0]["host_to_device_copies"], 1
    )
    if copies_ratio > 1.5:
        failures.append(
            f"host-to-device copies grow with the steps ({copies_ratio:.1f}x for "
            f"{steps_ratio:.1f}x the steps)"
        )
    result = {
        "provenance": _provenance.run_metadata(),
        "device": torch.cuda.get_device_name() if DEVICE == "cuda" else DEVICE,
        "torch": torch.__version__,
        "configs": rows,
        "host_to_device": copies,
        "failures": failures,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"gpu_check_{DEVICE}.json").write_text(json.dumps(result, indent=2))
    print(pd.DataFrame(rows).to_string(index=False))
    print(pd.DataFrame(copies).to_string(index=False))
    print("FAILED: " + "; ".join(failures) if failures else "all GPU checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
