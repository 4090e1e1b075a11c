"""M1 competition benchmark: the RNN forecasters against statistical baselines.

Run from the repository root (``-m`` puts the repository first on the import
path, so the working tree's ``sktime_rnn`` is the one measured)::

    python -m benchmarks.competition                      # everything, ~25 min
    python -m benchmarks.competition --arima              # + AutoARIMA, ~50 min
    python -m benchmarks.competition --limit 20           # first 20 series a frequency
    python -m benchmarks.competition --jobs 2             # two worker processes
    python -m benchmarks.competition --frequencies yearly --candidates lstm lstm-global
    python -m benchmarks.competition --extra benchmarks.research.m1.configs \
        --candidates final:global stat:theta+damped   # research prototypes too

(``python benchmarks/competition.py`` works too, but imports whichever
``sktime_rnn`` is installed; the results file says which one was used.)

Every candidate and baseline is fitted in the same run on the M1 competition's
own splits (``benchmarks/data/m1.csv``: 1001 series, training parts of 9-132
observations, horizons 6 / 8 / 18). Scores are those of the competitions:
sMAPE (%) and MASE (in-sample seasonal-naive scale, lag ``period``, lag 1 where
the training part is not longer than ``period``), averaged over the series of a
frequency, relative to AutoETS, and their geometric means over frequencies.

Candidates are a dict of name to :class:`Candidate`: a per-series factory
``f(period, horizon) -> forecaster`` (an sktime forecaster, or any object with
``fit_predict(y, h)``), or a global factory ``f(period, horizon)`` fitted once on
the panel of a frequency (``pd-multiindex``). Add a configuration by adding an
entry to :data:`CANDIDATES`. A fit that raises is recorded with its message and
scored with the seasonal naive forecast, so every mean is over the same series.

Writes ``benchmarks/results/competition.json`` and ``competition.md``
(``--tag`` adds a suffix), with the package's git commit, whether the tree was
dirty, the versions and the machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy/torch load their pools

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=UserWarning)

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "m1.csv"
RESULTS_DIR = HERE / "results"
FREQUENCIES = ("yearly", "quarterly", "monthly")
PANDAS_FREQ = {"yearly": "Y", "quarterly": "Q", "monthly": "M"}
REFERENCE = "AutoETS"


# --------------------------------------------------------------------- data
@dataclass
class Series:
    """One competition series: training values, test values and its metadata."""

    name: str
    frequency: str
    period: int
    horizon: int
    train: np.ndarray
    test: np.ndarray

    def as_pandas(self) -> pd.Series:
        """The training part with a PeriodIndex of the series' frequency.

        M1 gives positions, not dates; every series starts in 1970 so that
        forecasters can read the frequency (``sp="auto"``) from the index.
        """
        index = pd.period_range(
            "1970", periods=len(self.train), freq=PANDAS_FREQ[self.frequency]
        )
        return pd.Series(self.train, index=index, name="y")


def load_m1(path: Path = DATA, frequencies=FREQUENCIES, limit=None) -> list[Series]:
    """The M1 series of ``frequencies`` (the first ``limit`` of each), in file order."""
    data = pd.read_csv(path)
    out = []
    for frequency in frequencies:
        rows = data[data["type"] == frequency]
        names = list(dict.fromkeys(rows["series"]))[:limit]
        for name, group in rows[rows["series"].isin(names)].groupby(
            "series", sort=False
        ):
            group = group.sort_values("t")
            out.append(
                Series(
                    name=name,
                    frequency=frequency,
                    period=int(group["period"].iloc[0]),
                    horizon=int(group["horizon"].iloc[0]),
                    train=group.loc[group["part"] == "train", "value"].to_numpy(float),
                    test=group.loc[group["part"] == "test", "value"].to_numpy(float),
                )
            )
    return out


# ------------------------------------------------------------------ metrics
def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Mean of 200 |y - f| / (|y| + |f|), in %."""
    denominator = np.abs(actual) + np.abs(forecast)
    terms = np.where(denominator > 0, 200 * np.abs(actual - forecast) / denominator, 0)
    return float(np.mean(terms))


def mase_scale(train: np.ndarray, period: int) -> float:
    """In-sample MAE of the seasonal naive forecast (lag 1 if too short)."""
    lag = period if len(train) > period else 1
    return float(np.mean(np.abs(train[lag:] - train[:-lag])))


def mase(
    train: np.ndarray, actual: np.ndarray, forecast: np.ndarray, period: int
) -> float:
    """MAE of the forecast over the in-sample seasonal naive MAE."""
    return float(np.mean(np.abs(actual - forecast)) / mase_scale(train, period))


def seasonal_naive(train: np.ndarray, horizon: int, period: int) -> np.ndarray:
    """Repeat the last season (the last value when the series is too short)."""
    lag = period if len(train) >= period else 1
    last = train[-lag:]
    return np.resize(last, horizon) if lag > 1 else np.repeat(train[-1], horizon)


# --------------------------------------------------------------- candidates
@dataclass
class Candidate:
    """A configuration to score: per series (``kind="local"``) or per panel."""

    factory: Callable
    kind: str = "local"  # "local" | "global" | "pretrain"
    note: str = ""
    default: bool = True  # in the default --candidates list


def _rnn(cls_name: str, **params):
    def factory(period, horizon):
        import sktime_rnn

        return getattr(sktime_rnn, cls_name)(**params)

    return factory


def _with_sp(cls_name: str):
    def factory(period, horizon):
        return _rnn(cls_name, sp=period)(period, horizon)

    return factory


def _statsforecast(model_name: str, **params):
    def factory(period, horizon):
        import statsforecast.models as models

        return StatsForecastModel(
            getattr(models, model_name), season_length=period, **params
        )

    return factory


class StatsForecastModel:
    """A statsforecast model as ``fit_predict(y, h)`` on a numpy array."""

    def __init__(self, model_cls, **params):
        self.model_cls = model_cls
        self.params = params

    def fit_predict(self, y: np.ndarray, h: int) -> np.ndarray:
        model = self.model_cls(**self.params)
        return np.asarray(model.forecast(y=np.asarray(y, float), h=h)["mean"])


class SeasonalNaiveModel:
    """Seasonal naive as ``fit_predict``: the reference of MASE."""

    def __init__(self, period):
        self.period = period

    def fit_predict(self, y: np.ndarray, h: int) -> np.ndarray:
        return seasonal_naive(np.asarray(y, float), h, self.period)


CANDIDATES: dict[str, Candidate] = {
    # baselines (statsforecast, season length = the series' period)
    "seasonal naive": Candidate(lambda p, h: SeasonalNaiveModel(p), "baseline"),
    "AutoETS": Candidate(_statsforecast("AutoETS"), "baseline"),
    "Theta": Candidate(
        _statsforecast("Theta"),
        "baseline",
        "standard theta method, multiplicative decomposition",
    ),
    "AutoARIMA": Candidate(_statsforecast("AutoARIMA"), "baseline"),
    # the package's forecasters with their defaults
    "lstm": Candidate(_with_sp("LSTMForecaster"), "local", "LSTMForecaster(sp)"),
    "gru": Candidate(_with_sp("GRUForecaster"), "local", "GRUForecaster(sp)"),
    "rnn": Candidate(_with_sp("RNNForecaster"), "local", "RNNForecaster(sp)"),
    "lstm-global": Candidate(
        _with_sp("LSTMForecaster"),
        "global",
        "LSTMForecaster(sp) fitted once on the frequency's panel",
    ),
    "lstm-pretrain": Candidate(
        _with_sp("LSTMForecaster"),
        "pretrain",
        "pretrain on the other half of the panel (odd/even positions), then "
        "fit(series) and predict: the path for a new series",
        default=False,
    ),
    # nothing given (meaningful once sp="auto" is the default)
    "lstm-nothing": Candidate(
        _rnn("LSTMForecaster"), "local", "LSTMForecaster()", default=False
    ),
    "gru-nothing": Candidate(
        _rnn("GRUForecaster"), "local", "GRUForecaster()", default=False
    ),
    "rnn-nothing": Candidate(
        _rnn("RNNForecaster"), "local", "RNNForecaster()", default=False
    ),
}


def _prepare(forecaster, seed: int):
    """Fix the seed and the thread count of the package's forecasters."""
    if hasattr(forecaster, "get_params"):
        params = forecaster.get_params(deep=False)
        update = {
            k: v for k, v in (("random_state", seed), ("num_threads", 1)) if k in params
        }
        if update:
            forecaster.set_params(**update)
    elif hasattr(forecaster, "random_state"):
        forecaster.random_state = seed
    return forecaster


def _fit_predict_one(forecaster, series: Series) -> np.ndarray:
    if hasattr(forecaster, "fit_predict") and not hasattr(forecaster, "get_tags"):
        return np.asarray(forecaster.fit_predict(series.train, series.horizon), float)
    fh = list(range(1, series.horizon + 1))
    forecaster.fit(series.as_pandas(), fh=fh)
    return np.asarray(forecaster.predict(), float).ravel()


def _panel(series: list[Series]) -> pd.DataFrame:
    frames = [s.as_pandas().to_frame() for s in series]
    return pd.concat(frames, keys=[s.name for s in series], names=["series", "time"])


def _panel_forecasts(predictions: pd.DataFrame, series: list[Series]) -> list:
    out = []
    for s in series:
        values = predictions.xs(s.name, level=0).to_numpy(float).ravel()
        out.append(values)
    return out


@dataclass
class Outcome:
    """Forecasts of one candidate on one frequency, with times and failures."""

    forecasts: list = field(default_factory=list)
    fit_seconds: list = field(default_factory=list)  # per series, or one per panel
    failures: dict = field(default_factory=dict)  # series name -> message


def _check(forecast, series: Series) -> np.ndarray:
    forecast = np.asarray(forecast, float).ravel()
    if forecast.shape != (series.horizon,) or not np.all(np.isfinite(forecast)):
        raise ValueError(f"bad forecast {forecast[:5]}... of shape {forecast.shape}")
    return forecast


def run_local(candidate: Candidate, series: list[Series], seed: int) -> Outcome:
    """Fit a new forecaster on every series, one after the other."""
    outcome = Outcome()
    for s in series:
        start = time.perf_counter()
        try:
            forecaster = _prepare(candidate.factory(s.period, s.horizon), seed)
            forecast = _check(_fit_predict_one(forecaster, s), s)
        except Exception as error:  # noqa: BLE001 - recorded, scored as naive
            outcome.failures[s.name] = _message(error)
            forecast = seasonal_naive(s.train, s.horizon, s.period)
        outcome.fit_seconds.append(time.perf_counter() - start)
        outcome.forecasts.append(forecast)
    return outcome


def run_global(candidate: Candidate, series: list[Series], seed: int) -> Outcome:
    """Fit one forecaster on the panel of ``series`` and forecast all of them."""
    outcome = Outcome()
    s0 = series[0]
    start = time.perf_counter()
    try:
        forecaster = _prepare(candidate.factory(s0.period, s0.horizon), seed)
        if hasattr(forecaster, "fit_predict_panel"):
            forecasts = forecaster.fit_predict_panel(
                [s.train for s in series], s0.horizon
            )
        else:
            forecaster.fit(_panel(series), fh=list(range(1, s0.horizon + 1)))
            forecasts = _panel_forecasts(forecaster.predict(), series)
        outcome.fit_seconds.append(time.perf_counter() - start)
        for s, forecast in zip(series, forecasts, strict=True):
            try:
                outcome.forecasts.append(_check(forecast, s))
            except ValueError as error:
                outcome.failures[s.name] = _message(error)
                outcome.forecasts.append(seasonal_naive(s.train, s.horizon, s.period))
    except Exception as error:  # noqa: BLE001
        outcome.fit_seconds.append(time.perf_counter() - start)
        outcome.failures["<panel>"] = _message(error)
        outcome.forecasts = [
            seasonal_naive(s.train, s.horizon, s.period) for s in series
        ]
    return outcome


def run_pretrain(candidate: Candidate, series: list[Series], seed: int) -> Outcome:
    """Pretrain on one half of the panel, fit and forecast each series of the other.

    Halves are the even and the odd positions; each series is forecast by the
    network that never saw it. ``fit_seconds``: the two pretraining fits, then
    every series' ``fit`` (which only computes its scaling and context).
    """
    outcome = Outcome()
    s0 = series[0]
    fh = list(range(1, s0.horizon + 1))
    by_name = {}
    pretrain_seconds, fit_seconds = [], []
    for half in (0, 1):
        seen = series[half::2]
        unseen = series[1 - half :: 2]
        start = time.perf_counter()
        try:
            forecaster = _prepare(candidate.factory(s0.period, s0.horizon), seed)
            forecaster.pretrain(_panel(seen), fh=fh)
        except Exception as error:  # noqa: BLE001
            outcome.failures[f"<pretrain half {half}>"] = _message(error)
            forecaster = None
        pretrain_seconds.append(time.perf_counter() - start)
        for s in unseen:
            start = time.perf_counter()
            try:
                if forecaster is None:
                    raise RuntimeError("pretraining failed")
                forecaster.fit(s.as_pandas(), fh=fh)
                by_name[s.name] = _check(forecaster.predict(), s)
            except Exception as error:  # noqa: BLE001
                outcome.failures[s.name] = _message(error)
                by_name[s.name] = seasonal_naive(s.train, s.horizon, s.period)
            fit_seconds.append(time.perf_counter() - start)
    outcome.forecasts = [by_name[s.name] for s in series]
    outcome.fit_seconds = pretrain_seconds + fit_seconds
    return outcome


RUNNERS = {
    "local": run_local,
    "baseline": run_local,
    "global": run_global,
    "pretrain": run_pretrain,
}


def _message(error: Exception) -> str:
    text = f"{type(error).__name__}: {error}"
    return text if len(text) < 300 else text[:297] + "..."


# ------------------------------------------------------------------- scores
def score(outcome: Outcome, series: list[Series]) -> dict:
    """Mean sMAPE and MASE over ``series`` and fit-time summary."""
    smapes = [smape(s.test, f) for s, f in zip(series, outcome.forecasts, strict=True)]
    mases = [
        mase(s.train, s.test, f, s.period)
        for s, f in zip(series, outcome.forecasts, strict=True)
    ]
    return {
        "n_series": len(series),
        "smape": float(np.mean(smapes)),
        "mase": float(np.mean(mases)),
        "n_failed": len(outcome.failures),
        "failures": dict(list(outcome.failures.items())[:20]),
        "fit_seconds_median": float(np.median(outcome.fit_seconds)),
        "fit_seconds_total": float(np.sum(outcome.fit_seconds)),
        "per_series_smape": smapes,
        "per_series_mase": mases,
    }


def relative(results: dict, frequencies, reference: str = REFERENCE) -> dict:
    """Scores relative to ``reference`` per frequency, and their geometric means."""
    out = {}
    for name, by_frequency in results.items():
        if reference not in results:
            break
        rel = {}
        for metric in ("smape", "mase"):
            ratios = {
                f: by_frequency[f][metric] / results[reference][f][metric]
                for f in frequencies
                if f in by_frequency
            }
            rel[metric] = ratios
            rel[f"{metric}_geomean"] = float(
                math.exp(np.mean([math.log(r) for r in ratios.values()]))
            )
        out[name] = rel
    return out


# ------------------------------------------------------------- provenance
def provenance() -> dict:
    """Commit, dirty flag, versions and machine of this run."""
    import sktime_rnn

    package_dir = Path(sktime_rnn.__file__).resolve().parent

    def git(*args):
        try:
            return subprocess.run(
                ["git", "-C", str(package_dir), *args],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None

    versions = {"python": platform.python_version()}
    for module in ("torch", "sktime", "statsforecast", "numpy", "pandas"):
        try:
            versions[module] = __import__(module).__version__
        except ImportError:
            versions[module] = None
    versions["sktime_rnn"] = sktime_rnn.__version__
    status = git("status", "--porcelain")
    return {
        "package_path": str(package_dir),
        "package_is_this_repository": package_dir.parent == HERE.parent,
        "commit": git("rev-parse", "HEAD"),
        "dirty": None if status is None else bool(status),
        "versions": versions,
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
        },
        "torch_threads": 1,
    }


# ------------------------------------------------------------------- report
def markdown(report: dict) -> str:
    """The results as Markdown tables."""
    frequencies = report["frequencies"]
    rel = report["relative_to_autoets"]
    lines = [
        "# M1 competition benchmark",
        "",
        f"`python -m benchmarks.competition {' '.join(report['argv'])}`".replace(
            "  ", " "
        ).replace(" `", "`"),
        "",
        f"commit `{report['provenance']['commit']}`"
        f"{' (dirty tree)' if report['provenance']['dirty'] else ''}, "
        f"seed {report['seed']}, {report['limit'] or 'all'} series a frequency, "
        f"{report['wall_seconds'] / 60:.1f} min; "
        + ", ".join(f"{k} {v}" for k, v in report["provenance"]["versions"].items())
        + f"; {report['provenance']['machine']['cpu_count']} CPUs, 1 torch thread.",
        "",
        "Mean sMAPE (%) and MASE per frequency; `rel` = relative to AutoETS; `geo` = "
        "geometric mean of the relative values over the frequencies. Fit time: "
        "median seconds per series (per-series candidates, predict included) or "
        "the one panel fit (global candidates). `failed`: fits that raised, "
        "scored with the seasonal naive forecast.",
        "",
    ]
    header = ["candidate"]
    for f in frequencies:
        header += [f"{f} sMAPE", f"{f} MASE"]
    header += [
        "sMAPE rel " + "/".join(f[0] for f in frequencies),
        "sMAPE geo",
        "MASE rel " + "/".join(f[0] for f in frequencies),
        "MASE geo",
        "fit s " + "/".join(f[0] for f in frequencies),
        "failed",
    ]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for name, by_frequency in report["results"].items():
        row = [name]
        for f in frequencies:
            row += [f"{by_frequency[f]['smape']:.2f}", f"{by_frequency[f]['mase']:.3f}"]
        r = rel.get(name)
        for metric in ("smape", "mase"):
            if r:
                row += [
                    "/".join(f"{r[metric][f]:.3f}" for f in frequencies),
                    f"**{r[metric + '_geomean']:.3f}**",
                ]
            else:
                row += ["", ""]
        row.append(
            "/".join(
                f"{by_frequency[f]['fit_seconds_median']:.3g}" for f in frequencies
            )
        )
        row.append(str(sum(by_frequency[f]["n_failed"] for f in frequencies)))
        lines.append("| " + " | ".join(row) + " |")
    failures = {
        (name, f): by_frequency[f]["failures"]
        for name, by_frequency in report["results"].items()
        for f in frequencies
        if by_frequency[f]["failures"]
    }
    if failures:
        lines += ["", "## Failed fits (first few)", ""]
        for (name, f), messages in failures.items():
            first = next(iter(messages.items()))
            lines.append(
                f"- {name}, {f}: {report['results'][name][f]['n_failed']} "
                f"failed; e.g. {first[0]}: `{first[1]}`"
            )
    notes = [
        f"- `{name}`: {c.note}"
        for name, c in CANDIDATES.items()
        if name in report["results"] and c.note
    ]
    if notes:
        lines += ["", "## Candidates", "", *notes]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- main
def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--frequencies", nargs="+", default=list(FREQUENCIES), choices=FREQUENCIES
    )
    parser.add_argument(
        "--candidates",
        nargs="+",
        default=None,
        help="names in CANDIDATES (default: those marked default); "
        "the baselines always run",
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="first N series of each frequency"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--arima",
        action="store_true",
        help="add AutoARIMA (~1-2 s a series: +25 min for all of M1)",
    )
    parser.add_argument("--tag", default="", help="suffix of the results files")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="worker processes, each running whole (candidate, frequency) tasks "
        "with one torch thread (at most the number of cores, for honest times)",
    )
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument(
        "--extra",
        default=None,
        metavar="MODULE",
        help="import MODULE and add its CONFIGS (name -> Candidate) "
        "to the candidates, e.g. benchmarks.research.m1.configs",
    )
    args = parser.parse_args(argv)
    extra = {}
    if args.extra:
        import importlib

        extra = importlib.import_module(args.extra).CONFIGS
        for name, candidate in extra.items():
            CANDIDATES.setdefault(name, candidate)
        for name in args.candidates or []:  # configurations made from their names
            if name not in CANDIDATES and name in extra:
                CANDIDATES[name] = extra[name]

    import torch

    torch.set_num_threads(1)
    baselines = [
        n
        for n, c in CANDIDATES.items()
        if c.kind == "baseline" and (args.arima or n != "AutoARIMA")
    ]
    chosen = args.candidates or [
        n for n, c in CANDIDATES.items() if c.default and c.kind != "baseline"
    ]
    unknown = [n for n in chosen if n not in CANDIDATES]
    if unknown:
        parser.error(f"unknown candidates {unknown}; known: {list(CANDIDATES)}")
    names = baselines + [n for n in chosen if n not in baselines]

    prov = provenance()
    if not prov["package_is_this_repository"]:
        print(
            f"note: measuring sktime_rnn from {prov['package_path']}, not this "
            "repository; run `python -m benchmarks.competition` from its root",
            file=sys.stderr,
        )
    all_series = load_m1(args.data, args.frequencies, args.limit)
    tasks = [(name, f) for f in args.frequencies for name in names]
    started = time.perf_counter()
    results = {name: {} for name in names}
    for (name, frequency), r, seconds in _run_all(tasks, all_series, args):
        results[name][frequency] = r
        print(
            f"{frequency:9s} {name:16s} sMAPE {r['smape']:7.3f} MASE "
            f"{r['mase']:6.3f} failed {r['n_failed']:3d} ({seconds:6.1f} s)",
            flush=True,
        )
    results = {name: {f: results[name][f] for f in args.frequencies} for name in names}
    report = {
        "benchmark": "M1 competition, official train/test splits",
        "argv": list(sys.argv[1:] if argv is None else argv),
        "frequencies": args.frequencies,
        "limit": args.limit,
        "seed": args.seed,
        "series": {
            f: [s.name for s in all_series if s.frequency == f]
            for f in args.frequencies
        },
        "provenance": prov,
        "wall_seconds": time.perf_counter() - started,
        "results": results,
        "relative_to_autoets": relative(results, args.frequencies),
        "candidates": {
            n: {"kind": CANDIDATES[n].kind, "note": CANDIDATES[n].note} for n in names
        },
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    stem = "competition" + (f"_{args.tag}" if args.tag else "")
    (RESULTS_DIR / f"{stem}.json").write_text(json.dumps(report, indent=1))
    text = markdown(report)
    (RESULTS_DIR / f"{stem}.md").write_text(text)
    print(text)
    return report


def _run_one(task, all_series, seed):
    """Fit and score one candidate on one frequency: (task, scores, seconds)."""
    name, frequency = task
    series = [s for s in all_series if s.frequency == frequency]
    candidate = CANDIDATES[name]
    t0 = time.perf_counter()
    outcome = RUNNERS[candidate.kind](candidate, series, seed)
    return task, score(outcome, series), time.perf_counter() - t0


def _start_worker(names) -> None:
    import torch

    torch.set_num_threads(1)
    _warm_up(names)


def _run_all(tasks, all_series, args):
    """Every (candidate, frequency) task, in this process or in ``--jobs`` ones.

    Each worker process runs whole tasks with one torch thread, so a task's
    fit times are those of one core; the longest tasks (per-series networks
    on monthly data) start first.
    """
    names = sorted({name for name, _ in tasks})
    if args.jobs == 1:
        _start_worker(names)
        for task in tasks:
            yield _run_one(task, all_series, args.seed)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    cost = {"monthly": 3, "quarterly": 1, "yearly": 1}
    kinds = {"local": 10, "pretrain": 2, "global": 2, "baseline": 1}
    ordered = sorted(
        tasks, key=lambda t: -cost.get(t[1], 1) * kinds[CANDIDATES[t[0]].kind]
    )
    with ProcessPoolExecutor(
        args.jobs,
        mp_context=multiprocessing.get_context("fork"),  # inherits --extra's entries
        initializer=_start_worker,
        initargs=(names,),
    ) as pool:
        futures = [pool.submit(_run_one, t, all_series, args.seed) for t in ordered]
        for future in as_completed(futures):
            yield future.result()


def _warm_up(names) -> None:
    """One fit of each per-series candidate outside the timings.

    statsforecast compiles its numba code on first use; torch imports
    ``torch._dynamo`` when the first optimiser is built (~1 s).
    """
    y = np.sin(np.arange(40.0)) + 10
    toy = Series("warm-up", "quarterly", 4, 4, y, y[:4])
    for name in names:
        candidate = CANDIDATES[name]
        if candidate.kind in ("baseline", "local"):
            try:
                _fit_predict_one(_prepare(candidate.factory(4, 4), 0), toy)
            except Exception:  # noqa: BLE001, S110 - the real run records it
                pass


if __name__ == "__main__":
    main()
