"""Accuracy development suite: rolling-origin MASE of the RNN forecasters.

One command (from the repository root) runs everything and writes the report::

    python -m benchmarks.accuracy.suite --peers

(about 50 min on 2 cores, most of it neuralforecast's 1000 training steps per
fit; without ``--peers`` ~5 min, merging the peers' results of an earlier run;
``--quick``: the last fold only, a smoke test; ``--datasets airline``: one
series.)

It backtests every candidate on the univariate series that ship with sktime (and
statsmodels, which sktime's loaders use) and load offline: an expanding window,
the last 3-5 cutoffs spaced by the horizon, a refit at every cutoff. Scores are
MASE per horizon step and overall, scaled by the in-sample seasonal naive error
of each fold's training window, and fit time. It writes
``benchmarks/accuracy/RESULTS.md`` (with a per-horizon figure) and
``benchmarks/accuracy/results/suite.json``.

Baselines run side by side: seasonal naive and sktime's ``AutoETS``. The peers,
Darts ``BlockRNNModel`` and neuralforecast ``LSTM`` (``benchmarks/peers.py``),
need their own environment: ``--peers`` uses the one that
``benchmarks/make_peers_env.sh`` builds (building it if missing), and
``--peers-python`` names another interpreter. That interpreter runs
``benchmarks.accuracy.suite --peers-only`` in parallel and writes
``results/peers.json``. Every JSON file and the report record the commit, the
versions (the peers' too) and the machine (``benchmarks/_provenance.py``).
Candidates are a dict of name to factory ``f(dataset) -> forecaster`` (an
sktime forecaster, or any object with ``fit_predict(y, h)``), so
``experiments.py`` compares configurations with the same code.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import subprocess
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import _provenance
from benchmarks._common import (
    REPO,
    add_peers_arguments,
    auto_window_length,
    peers_python,
)

warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", category=DeprecationWarning)

HERE = Path(__file__).resolve().parent
RESULTS_DIR = HERE / "results"
MODULE = "benchmarks.accuracy.suite"

SNAIVE = "seasonal naive"


# --------------------------------------------------------------------- data
@dataclass(frozen=True)
class Dataset:
    """One series of the suite: its season length, horizon and number of folds."""

    name: str
    loader: Callable[[], pd.Series]
    sp: int
    h: int
    n_folds: int
    note: str = ""

    def load(self) -> pd.Series:
        y = self.loader().astype(float)
        y.name = self.name
        return y

    def first_train_length(self, n: int, n_folds: int | None = None) -> int:
        return n - (n_folds or self.n_folds) * self.h


def _sktime(name, *args, **kwargs):
    def load():
        import sktime.datasets as datasets

        out = getattr(datasets, name)(*args, **kwargs)
        return out[0] if isinstance(out, tuple) else out

    return load


def _macro(column):
    def load():
        from sktime.datasets import load_macroeconomic

        return load_macroeconomic()[column]

    return load


def _co2():
    import statsmodels.api as sm

    weekly = sm.datasets.co2.load_pandas().data["co2"]
    monthly = weekly.resample("MS").mean().interpolate().iloc[-240:]
    return pd.Series(monthly.to_numpy(), index=monthly.index.to_period("M"))


def _sunspots():
    import statsmodels.api as sm

    data = sm.datasets.sunspots.load_pandas().data
    index = pd.period_range(str(int(data["YEAR"].iloc[0])), periods=len(data), freq="Y")
    return pd.Series(data["SUNACTIVITY"].to_numpy(), index=index)


DATASETS = [
    Dataset("airline", _sktime("load_airline"), 12, 12, 4, "monthly passengers"),
    Dataset("lynx", _sktime("load_lynx"), 10, 10, 4, "annual, ~10-year cycle"),
    Dataset(
        "shampoo", _sktime("load_shampoo_sales"), 1, 6, 3, "monthly, 36 obs, trend"
    ),
    Dataset(
        "uschange",
        _sktime("load_uschange"),
        4,
        8,
        4,
        "quarterly consumption growth (target)",
    ),
    Dataset(
        "solar",
        _sktime("load_solar", api_version=None),
        48,
        24,
        4,
        "half-hourly, stored sample",
    ),
    Dataset("unemp", _macro("unemp"), 4, 8, 4, "quarterly US unemployment rate"),
    Dataset("sunspots", _sunspots, 11, 11, 4, "annual (statsmodels), ~11-year cycle"),
    Dataset("co2", _co2, 12, 12, 4, "Mauna Loa CO2 (statsmodels), last 20 years"),
]
EXCLUDED = {
    "load_PBS_dataset": "zero from 2006 on (the last 30+ months): MASE undefined",
    "load_longley": "16 observations",
    "load_macroeconomic others": "one macro series (unemp) is enough; most trend",
    "load_hierarchical_sales_toydata": "synthetic panel of 60-month series",
    "load_forecastingdata, load_m5, load_fpp3": "download, not offline",
}


# ---------------------------------------------------------------- candidates
def ours(cls_name, **params):
    """Factory of one of our forecasters; fixed seed and one torch thread."""

    def make(ds):
        import sktime_rnn

        cls = getattr(sktime_rnn, cls_name)
        # the season length is the one thing that may differ between series
        season = {"sp": ds.sp} if "sp" in cls.get_param_names() else {}
        return cls(**{"random_state": 0, "num_threads": 1, **season, **params})

    return make


def class_defaults():
    """The defaults of our forecasters as installed, for the report."""
    import sktime_rnn

    shown = (
        "window_length",
        "n_models",
        "window_norm",
        "strategy",
        "hidden_size",
        "lr",
        "batch_size",
        "max_epochs",
        "loss",
    )
    out = {}
    for name in ("LSTMForecaster", "GRUForecaster", "RNNForecaster"):
        params = getattr(sktime_rnn, name)().get_params(deep=False)
        out[name] = {k: params[k] for k in shown if k in params}
    return out


def seasonal_naive(ds):
    from sktime.forecasting.naive import NaiveForecaster

    return NaiveForecaster(strategy="last", sp=ds.sp)


def auto_ets(ds):
    from sktime.forecasting.ets import AutoETS

    return AutoETS(auto=True, sp=ds.sp, n_jobs=1)


class Peer:
    """A peer of ``benchmarks.peers`` with its defaults, one torch thread.

    Darts has no default window: it gets ours (``window_length="auto"``).
    """

    def __init__(self, ds, name):
        self.ds = ds
        self.name = name

    def fit_predict(self, y, h):
        import torch

        from benchmarks.peers import DartsBlockRNN, NeuralForecastLSTM

        torch.set_num_threads(1)  # as our forecasters in this suite
        if self.name == DartsBlockRNN.name:
            model = DartsBlockRNN(auto_window_length(len(y), h, self.ds.sp), h)
        else:
            model = NeuralForecastLSTM(h)
        return model.fit_predict(y.to_numpy(float), h)


PROPOSED_NOTE = (
    "`(defaults)`: the class defaults of sktime_rnn as installed for this run "
    "(below), with `sp` set to the data set's season length (the one thing "
    "that differs between series), `random_state=0`, `num_threads=1`. "
    "`LSTM (n_models=5)`: the same with a seed ensemble of 5 networks whose "
    "forecasts are averaged (`fit s/fold` counts all 5). `LSTM "
    "(patience=None)`: the defaults but training the whole epoch budget "
    "(and keeping the best epoch) instead of stopping after 10 epochs "
    "without improvement on one series."
)


def default_candidates():
    """Our forecasters with their defaults, a seed ensemble, and the baselines."""
    return {
        "LSTM (defaults)": ours("LSTMForecaster"),
        "GRU (defaults)": ours("GRUForecaster"),
        "RNN (defaults)": ours("RNNForecaster"),
        "LSTM (n_models=5)": ours("LSTMForecaster", n_models=5),
        # the whole epoch budget on one series, the advice for long series
        "LSTM (patience=None)": ours("LSTMForecaster", patience=None),
        SNAIVE: seasonal_naive,
        "AutoETS": auto_ets,
    }


def peer_candidates():
    """The peers that are importable here."""
    import importlib.util

    peers = {}
    for module, name in [
        ("darts", "Darts BlockRNN"),
        ("neuralforecast", "neuralforecast LSTM"),
    ]:
        if importlib.util.find_spec(module) is not None:
            peers[name] = lambda ds, name=name: Peer(ds, name)
    return peers


# ----------------------------------------------------------------- backtest
def mase_scale(y_train: np.ndarray, sp: int) -> float:
    """In-sample mean absolute error of the seasonal naive forecast."""
    return float(np.mean(np.abs(y_train[sp:] - y_train[:-sp])))


def _fit_predict(model, y_train, h):
    if hasattr(model, "fit_predict") and not hasattr(model, "get_params"):
        start = time.perf_counter()
        pred = np.asarray(model.fit_predict(y_train, h), dtype=float)
        return pred, time.perf_counter() - start, 0.0
    fh = np.arange(1, h + 1)
    start = time.perf_counter()
    model.fit(y_train, fh=fh)
    fit_time = time.perf_counter() - start
    start = time.perf_counter()
    pred = np.asarray(model.predict(), dtype=float).ravel()
    return pred, fit_time, time.perf_counter() - start


def _fit_window(model, min_train, h):
    """Cap an integer ``window_length`` that does not fit the shortest fold."""
    if not hasattr(model, "get_params"):
        return model, None
    window = model.get_params(deep=False).get("window_length")
    if isinstance(window, int) and window + h > min_train:
        capped = max(1, min_train // 2)
        return model.set_params(window_length=capped), capped
    return model, None


def backtest(factory, ds, y, n_folds=None, verbose=False):
    """Expanding-window backtest of one candidate on one series.

    Returns a dict with, per fold, the cutoff, training length, forecasts, true
    values, MASE scale and fit/predict times (and an error message if any fold
    failed).
    """
    from sktime.split import ExpandingWindowSplitter

    n_folds = n_folds or ds.n_folds
    h = ds.h
    initial = ds.first_train_length(len(y), n_folds)
    splitter = ExpandingWindowSplitter(
        fh=np.arange(1, h + 1), initial_window=initial, step_length=h
    )
    out = {"folds": [], "note": None}
    for train_idx, test_idx in splitter.split(y):
        y_train, y_test = y.iloc[train_idx], y.iloc[test_idx]
        model, capped = _fit_window(factory(ds), initial, h)
        if capped is not None:
            out["note"] = f"window_length capped to {capped}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                pred, fit_time, pred_time = _fit_predict(model, y_train, h)
                error = None
            except Exception as exc:  # noqa: BLE001 - recorded in the report
                pred, fit_time, pred_time = np.full(h, np.nan), np.nan, np.nan
                error = f"{type(exc).__name__}: {exc}"[:300]
        fold = {
            "cutoff": str(y_train.index[-1]),
            "n_train": len(y_train),
            "y_pred": [float(v) for v in pred],
            "y_true": [float(v) for v in y_test.to_numpy(float)],
            "scale": mase_scale(y_train.to_numpy(float), ds.sp),
            "fit_time": fit_time,
            "pred_time": pred_time,
        }
        if error:
            fold["error"] = error
            out["note"] = error
        out["folds"].append(fold)
        if verbose:
            print(f"    fold {fold['cutoff']}: fit {fit_time:.2f}s", flush=True)
    return out


def run(candidates, datasets, n_folds=None, verbose=True, runs=None):
    """Backtest every candidate on every data set; ``runs`` is extended in place."""
    runs = {} if runs is None else runs
    series = {ds.name: ds.load() for ds in datasets}
    for name, factory in candidates.items():
        runs.setdefault(name, {})
        for ds in datasets:
            start = time.perf_counter()
            runs[name][ds.name] = backtest(factory, ds, series[ds.name], n_folds)
            if verbose:
                score = mase(runs[name][ds.name])
                print(
                    f"{name:<28} {ds.name:<10} MASE {score:7.3f}  "
                    f"{time.perf_counter() - start:6.1f}s",
                    flush=True,
                )
    return runs


def airline_fit_time(factory, repeats=1):
    """Seconds to fit on all of ``load_airline`` for fh=1..12 (best of repeats)."""
    ds = DATASETS[0]
    y = ds.load()
    times = []
    for _ in range(repeats):
        model = factory(ds)
        if not hasattr(model, "get_params"):
            return None
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(y, fh=np.arange(1, 13))
        times.append(time.perf_counter() - start)
    return min(times)


# ------------------------------------------------------------------ scoring
def forecast_folds(result) -> dict:
    """``result`` without the folds where the candidate failed to forecast.

    A failure (an exception, recorded under the fold's ``error`` and in the
    report's notes) is not scored: the candidate is compared with seasonal
    naive on the folds it did forecast.
    """
    return {**result, "folds": [f for f in result["folds"] if "error" not in f]}


def errors(result, pred=None):
    """Scaled absolute errors, folds x horizon steps."""
    rows = []
    for i, fold in enumerate(result["folds"]):
        if pred is None and "error" in fold:  # failed: see forecast_folds
            continue
        y_pred = np.asarray(fold["y_pred"] if pred is None else pred[i], dtype=float)
        rows.append(np.abs(np.asarray(fold["y_true"]) - y_pred) / fold["scale"])
    return np.vstack(rows)


def mase(result, pred=None) -> float:
    """MASE over all folds and horizon steps."""
    return float(np.mean(errors(result, pred)))


def mase_by_horizon(result) -> np.ndarray:
    return errors(result).mean(axis=0)


def geo_mean(values) -> float:
    values = np.asarray(list(values), dtype=float)
    if values.size == 0 or not np.all(np.isfinite(values)) or np.any(values <= 0):
        return float("nan")
    return float(np.exp(np.mean(np.log(values))))


def same_folds(result, like) -> dict:
    """The folds of ``result`` whose cutoffs are those of ``like``."""
    cutoffs = {f["cutoff"] for f in like["folds"]}
    return {**result, "folds": [f for f in result["folds"] if f["cutoff"] in cutoffs]}


def relative(runs, name, datasets=None, baseline=SNAIVE) -> dict:
    """MASE of ``name`` over MASE of ``baseline`` on the same folds, per data set."""
    datasets = datasets or list(runs[baseline])
    out = {}
    for ds in datasets:
        if ds not in runs.get(name, {}):
            continue
        mine = same_folds(forecast_folds(runs[name][ds]), runs[baseline][ds])
        out[ds] = mase(mine) / mase(same_folds(runs[baseline][ds], mine))
    return out


def summary(runs, datasets) -> pd.DataFrame:
    """One row per candidate: relative MASE per data set, geo-mean, fit time."""
    rows = {}
    for name in runs:
        rel = relative(runs, name, datasets)
        fit = [
            f["fit_time"]
            for ds in datasets
            for f in forecast_folds(runs[name].get(ds, {"folds": []}))["folds"]
        ]
        row = {ds: rel.get(ds, np.nan) for ds in datasets}
        row["geo-mean"] = geo_mean(row[ds] for ds in datasets)
        row["fit s/fold"] = float(np.nanmean(fit)) if fit else np.nan
        row["folds"] = str(len(fit))
        rows[name] = row
    return pd.DataFrame(rows).T


def by_horizon_third(runs, datasets) -> pd.DataFrame:
    """Geo-mean relative MASE over data sets, for the first/middle/last third of h."""
    rows = {}
    for name in runs:
        parts = {"steps 1/3": [], "steps 2/3": [], "steps 3/3": []}
        for ds in datasets:
            if ds not in runs[name]:
                continue
            mine_folds = forecast_folds(runs[name][ds])
            mine = mase_by_horizon(mine_folds)
            base = mase_by_horizon(same_folds(runs[SNAIVE][ds], mine_folds))
            for key, idx in zip(
                parts, np.array_split(np.arange(len(mine)), 3), strict=True
            ):
                parts[key].append(mine[idx].mean() / base[idx].mean())
        rows[name] = {key: geo_mean(v) for key, v in parts.items()}
    return pd.DataFrame(rows).T


# ------------------------------------------------------------------- report
def _md(frame, floatfmt=".3f", index=True):
    from tabulate import tabulate

    return tabulate(
        frame, headers="keys", tablefmt="github", floatfmt=floatfmt, showindex=index
    )


def write_report(payload, path):
    """Write RESULTS.md from the JSON payload of a run (plus merged peers)."""
    runs = payload["runs"]
    meta = payload["meta"]
    datasets = [d["name"] for d in meta["datasets"]]
    ranked = summary(runs, datasets).sort_values("geo-mean")
    absolute = pd.DataFrame(
        {
            name: {ds: mase(runs[name][ds]) for ds in datasets if ds in runs[name]}
            for name in ranked.index
        }
    ).T[datasets]
    lines = [
        "# Accuracy development suite",
        "",
        f"Generated by `{meta['command']}` on {meta['date']} "
        f"({meta['machine']}; torch threads per fit: 1, candidates run one after "
        "another). Do not edit by hand.",
        "",
        _provenance.markdown(meta.get("provenance")),
        "",
        "Rolling origin, expanding window, refit at every cutoff; the last "
        "`folds` cutoffs are spaced by the horizon `h`. MASE is scaled by the "
        "in-sample seasonal naive MAE (period `sp`) of each fold's training "
        "window. Relative MASE is a candidate's MASE over seasonal naive's on "
        "the same folds; the overall score is its geometric mean over the data "
        "sets (below 1 beats seasonal naive).",
        "",
        "## Data sets",
        "",
        _md(pd.DataFrame(meta["datasets"]).set_index("name"), index=True),
        "",
        "Not used: "
        + "; ".join(f"`{name}` ({why})" for name, why in EXCLUDED.items())
        + ".",
        "",
        "## Overall: relative MASE (candidate / seasonal naive)",
        "",
        _md(ranked),
        "",
        PROPOSED_NOTE,
        "",
        *(
            [
                "Defaults in this run: "
                + "; ".join(
                    f"{cls}: " + ", ".join(f"{k}={v!r}" for k, v in params.items())
                    for cls, params in meta["defaults"].items()
                )
                + ".",
                "",
            ]
            if meta.get("defaults")
            else []
        ),
        "`fit s/fold`: mean fit time per fold over all data sets. "
        "Fit on all of load_airline (fh=1..12), seconds: "
        + ", ".join(
            f"{name} {sec:.2f}"
            for name, sec in payload.get("airline_fit_time", {}).items()
            if sec is not None
        )
        + ".",
        "",
        "## MASE per data set",
        "",
        _md(absolute),
        "",
        "## Relative MASE by part of the horizon (geo-mean over data sets)",
        "",
        _md(by_horizon_third(runs, datasets).loc[ranked.index]),
        "",
        "## MASE per horizon step",
        "",
        f"![MASE per horizon step]({_horizon_figure(runs, meta, ranked.index, path)})",
        "",
    ]
    for spec in meta["datasets"]:
        ds, h = spec["name"], spec["h"]
        steps = list(range(1, h + 1))
        if h > 12:
            steps = sorted({1, *range(h // 12, h + 1, max(1, h // 12))})
        table = pd.DataFrame(
            {
                name: {f"h={s}": mase_by_horizon(runs[name][ds])[s - 1] for s in steps}
                for name in ranked.index
                if ds in runs[name]
            }
        ).T
        lines += [
            f"### {ds} (sp={spec['sp']}, h={h}, {spec['folds']} folds)",
            "",
            _md(table),
            "",
        ]
    lines += [
        "How the defaults were chosen, one factor at a time, is research: "
        "`benchmarks/research/experiments.py`, its table in "
        "`benchmarks/research/EXPERIMENTS.md`.",
        "",
    ]
    peers = meta.get("peers")
    if peers:
        folds = {
            name: sum(len(forecast_folds(res)["folds"]) for res in runs[name].values())
            for name in peers["names"]
        }
        every = sum(len(res["folds"]) for res in runs[SNAIVE].values())
        fewest = min(folds, key=folds.get)
        coverage = ", ".join(
            f"{name} on "
            + ("every fold" if k == every else f"{k} of the {every} folds")
            for name, k in folds.items()
        )
        lines += [
            "## Peers",
            "",
            f"From `{peers['from']}` ({peers['date']}): {coverage}; one torch "
            "thread each, as ours. " + _peers_provenance(meta),
            "",
        ]
        if folds[fewest] < every:
            lines += [
                f"All candidates on exactly the folds of {fewest}:",
                "",
                _md(_on_folds(runs, fewest, datasets)),
                "",
            ]
    notes = [
        f"- {name} on {ds}: {res['note']}"
        for name in runs
        for ds, res in runs[name].items()
        if res.get("note")
    ]
    if notes:
        failed = {
            f"{name} on {ds}": sum("error" in f for f in res["folds"])
            for name in runs
            for ds, res in runs[name].items()
            if any("error" in f for f in res["folds"])
        }
        lines += ["## Notes", "", *notes, ""]
        if failed:
            lines += [
                "Folds where a candidate raised an error are not scored for it; "
                "it is compared with seasonal naive on the folds it forecast ("
                + ", ".join(f"{key}: {n} failed" for key, n in failed.items())
                + ").",
                "",
            ]
    Path(path).write_text("\n".join(lines))


def _peers_provenance(meta) -> str:
    """Where the peers' numbers come from, and whether that is our commit."""
    theirs = meta["peers"].get("provenance")
    text = _provenance.markdown(theirs, label="The peers' run")
    ours = (meta.get("provenance") or {}).get("source", {}).get("commit")
    commit = (theirs or {}).get("source", {}).get("commit")
    if ours and commit and commit != ours:
        text += f" (not this run's commit: the peers ran at `{commit[:12]}`.)"
    return text


def _horizon_figure(runs, meta, names, report_path) -> str:
    """Plot MASE per horizon step, one panel per data set; return its relative path.

    Shows the class defaults, the baselines and the peers (the ensemble is in
    the tables only, to keep the figure readable).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [n for n in names if "n_models" not in n]
    specs = meta["datasets"]
    fig, axes = plt.subplots(2, -(-len(specs) // 2), figsize=(16, 7), sharex=False)
    for ax, spec in zip(axes.flat, specs, strict=False):
        for name in shown:
            if spec["name"] in runs[name]:
                curve = mase_by_horizon(runs[name][spec["name"]])
                style = "-" if name.endswith("(defaults)") else "--"
                ax.plot(range(1, len(curve) + 1), curve, style, label=name)
        ax.set_title(f"{spec['name']} (sp={spec['sp']}, {spec['folds']} folds)")
        ax.set_xlabel("horizon step")
        ax.set_ylabel("MASE")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=9)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    figure = RESULTS_DIR / f"{Path(report_path).stem}_per_horizon.png"
    fig.savefig(figure, dpi=80)
    plt.close(fig)
    return str(figure.relative_to(Path(report_path).resolve().parent))


def _on_folds(runs, like, datasets):
    """The summary with every candidate restricted to the folds of ``like``."""
    cut = {
        name: {ds: same_folds(res, runs[like][ds]) for ds, res in mine.items()}
        for name, mine in runs.items()
    }
    return summary(cut, datasets).sort_values("geo-mean")


def _dataset_meta(datasets, n_folds):
    meta = []
    for ds in datasets:
        n = len(ds.load())
        folds = n_folds or ds.n_folds
        meta.append(
            {
                "name": ds.name,
                "n": n,
                "sp": ds.sp,
                "h": ds.h,
                "folds": folds,
                "first train": ds.first_train_length(n, folds),
                "note": ds.note,
            }
        )
    return meta


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="last fold only")
    parser.add_argument(
        "--folds", type=int, help="only the last FOLDS cutoffs of every data set"
    )
    parser.add_argument(
        "--peers-only", action="store_true", help="run the peers into peers.json"
    )
    parser.add_argument("--only", nargs="*", help="candidate names to run")
    parser.add_argument(
        "--datasets", nargs="*", help="only these data sets (a smoke test: airline)"
    )
    parser.add_argument(
        "--report", action="store_true", help="only rewrite the report from the JSON"
    )
    parser.add_argument("--out", help="report path (default: RESULTS.md here)")
    # the peers run there in parallel with ours and are merged (without
    # either, an earlier peers.json is merged)
    add_peers_arguments(parser)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the other candidates' results of the last run (with --only)",
    )
    args = parser.parse_args(argv)
    unknown = set(args.datasets or ()) - {ds.name for ds in DATASETS}
    if unknown:
        parser.error(f"unknown data sets {sorted(unknown)}")
    n_folds = 1 if args.quick else args.folds
    RESULTS_DIR.mkdir(exist_ok=True)
    # a smoke test (quick, some data sets) writes files of its own, in results/
    tag = ("_quick" if args.quick else "") + "".join(
        f"_{name}" for name in args.datasets or ()
    )
    out = Path(args.out or (RESULTS_DIR if tag else HERE) / f"RESULTS{tag}.md")
    peers_json = RESULTS_DIR / f"peers{tag}.json"
    if args.report:
        payload = json.loads((RESULTS_DIR / f"suite{tag}.json").read_text())
        write_report(payload, out)
        print(f"wrote {out}")
        return payload

    datasets = [ds for ds in DATASETS if ds.name in (args.datasets or [ds.name])]
    python = None if args.peers_only else peers_python(args)
    peers_run = None
    if python:
        peers_run = _start_peers(python, args.folds, args.quick, args.datasets)
    candidates = {} if args.peers_only else default_candidates()
    candidates.update(peer_candidates())
    if args.peers_only:
        candidates[SNAIVE] = seasonal_naive
    if args.only:
        candidates = {k: v for k, v in candidates.items() if k in args.only}
    runs = run(candidates, datasets, n_folds)
    fit_times = {
        name: airline_fit_time(factory)
        for name, factory in candidates.items()
        if name != SNAIVE and not args.peers_only
    }
    provenance = _provenance.run_metadata(peers_python=python)
    if argv is not None:
        provenance["command"] = " ".join(["python -m", MODULE, *argv])
    payload = {
        "meta": {
            "command": provenance["command"],
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "machine": f"{platform.machine()}, {_cores()} cores, "
            f"Python {platform.python_version()}",
            "provenance": provenance,
            "datasets": _dataset_meta(datasets, n_folds),
            "defaults": class_defaults(),
        },
        "runs": runs,
        "airline_fit_time": fit_times,
    }
    if args.peers_only:
        if args.keep and peers_json.exists():
            before = json.loads(peers_json.read_text())
            for name, res in before["runs"].items():
                payload["runs"].setdefault(name, res)
        peers_json.write_text(json.dumps(payload, indent=1))
        print(f"wrote {peers_json}")
        return payload
    if peers_run is not None and peers_run.wait() != 0:
        raise RuntimeError(f"the peers' run failed (exit {peers_run.returncode})")
    if peers_json.exists() and (peers_run is not None or not args.quick):
        peers = json.loads(peers_json.read_text())
        merged = [n for n in peers["runs"] if n != SNAIVE and n not in runs]
        for name in merged:
            payload["runs"][name] = peers["runs"][name]
        payload["meta"]["peers"] = {
            "names": merged,
            "from": str(peers_json.relative_to(HERE)),
            "date": peers["meta"]["date"],
            "provenance": peers["meta"].get(
                "provenance", _provenance.BEFORE_PROVENANCE
            ),
        }
    last = RESULTS_DIR / f"suite{tag}.json"
    if args.keep and last.exists():
        before = json.loads(last.read_text())
        for name, res in before["runs"].items():
            payload["runs"].setdefault(name, res)
        for name, sec in before.get("airline_fit_time", {}).items():
            payload["airline_fit_time"].setdefault(name, sec)
    last.write_text(json.dumps(payload, indent=1))
    write_report(payload, out)
    names = [d.name for d in datasets]
    print(_md(summary(payload["runs"], names).sort_values("geo-mean")))
    print(f"wrote {out}")
    return payload


def _start_peers(python: str, folds: int | None, quick: bool, datasets=None):
    """Start ``--peers-only`` under another Python (the peers' environment).

    It runs on the second core while ours run on the first, from the
    repository root (so on this checkout's code); its output goes to
    ``results/peers.log``.
    """
    args = [python, "-m", MODULE, "--peers-only"]
    if quick:
        args.append("--quick")
    elif folds:
        args += ["--folds", str(folds)]
    if datasets:
        args += ["--datasets", *datasets]
    log = (RESULTS_DIR / "peers.log").open("w")
    return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)


def _cores():
    try:
        import os

        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        return math.nan


if __name__ == "__main__":
    main()
