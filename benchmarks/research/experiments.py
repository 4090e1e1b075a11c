"""Which defaults win: configurations compared on the accuracy suite.

Run by hand from the repository root (results are cached per configuration and
code version in ``results/experiments*.json``, so an interrupted run resumes)::

    python -m benchmarks.research.experiments --only ref k3  # some configurations
    python -m benchmarks.research.experiments               # all stale or missing
    python -m benchmarks.research.experiments --keep-stale  # only the missing ones
    python -m benchmarks.research.experiments --report      # only the report

A cached entry is valid for the code it was computed with: its key is the
content hash of ``sktime_rnn/`` and ``prototypes.py`` (committed or not) with
the torch and sktime versions (``code_version``). An entry computed under
another key is stale: a run recomputes it (unless ``--keep-stale``), and the
report marks it with the commit it came from (``unrecorded`` for entries
cached before provenance was kept). Every configuration of ``CONFIGS`` is
~1.5 min of 2 cores per seed.

Every configuration is backtested with ``--seeds`` random states (default 3)
on the folds of ``suite.py``. Reported per configuration: the geometric mean
over data sets of MASE relative to seasonal naive, averaged over the seeds
("single"), and the same for the average of the seeds' forecasts ("ens", a
seed ensemble with ``n_models`` = number of seeds, computed from the same fits),
per data set, and the fit time on all of ``load_airline``. One factor is changed
at a time from the reference ``ref``: today's defaults with the window from the
season length (``window_length = 2 * sp``, see ``prototypes.AutoWindow``).
Ideas that need code are prototyped as wrappers in ``prototypes.py``. Writes
``EXPERIMENTS.md`` next to this file.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import _provenance
from benchmarks.accuracy import suite
from benchmarks.research.prototypes import AutoWindow, SeedEnsemble, seasonal_residual

HERE = Path(__file__).resolve().parent
CACHE = suite.RESULTS_DIR / "experiments.json"
# the code the numbers depend on (CONFIGS and the report may change freely)
CODE_PATHS = ("sktime_rnn", "benchmarks/research/prototypes.py")


def config(
    cls_name="LSTMForecaster",
    window="auto",
    k=2,
    residual=False,
    cap=0.5,
    floor=8,
    **params,
):
    """A configuration: class, window rule, residual path, forecaster parameters."""
    spec = {
        "cls": cls_name,
        "window": window,
        "k": k,
        "residual": residual,
        "params": params,
    }
    if cap != 0.5:
        spec["cap"] = cap
    if floor != 8:
        spec["floor"] = floor
    return spec


# one factor at a time from "ref"; (description, configuration)
CONFIGS = {
    "ref": ("today's defaults, window_length=2*sp", config()),
    "w24": ("window_length=24 (today)", config(window=24)),
    "k1": ("window_length=1*sp", config(k=1)),
    "k3": ("window_length=3*sp", config(k=3)),
    "h16": ("hidden_size=16", config(hidden_size=16)),
    "h64": ("hidden_size=64", config(hidden_size=64)),
    "e50": ("max_epochs=50", config(max_epochs=50)),
    "e200": ("max_epochs=200", config(max_epochs=200)),
    "lr001": ("lr=0.001", config(lr=0.001)),
    "lr01": ("lr=0.01", config(lr=0.01)),
    "b16": ("batch_size=16", config(batch_size=16)),
    "norm_mean": ('window_norm="mean"', config(window_norm="mean")),
    "norm_none": ("window_norm=None", config(window_norm=None)),
    "recursive": ('strategy="recursive"', config(strategy="recursive")),
    "adamw": ('optimizer="adamw" (weight decay 0.01)', config(optimizer="adamw")),
    "mae": ('loss="mae"', config(loss="mae")),
    "huber": ('loss="huber"', config(loss="huber")),
    "l2d": ("num_layers=2, dropout=0.1", config(num_layers=2, dropout=0.1)),
    "resid": ("seasonal naive residual (Differencer(lags=sp))", config(residual=True)),
    "gru": ("GRUForecaster, window 2*sp", config("GRUForecaster")),
    "rnn": ("RNNForecaster, window 2*sp", config("RNNForecaster")),
    # round 2: from the winner of round 1, window_length = 1*sp
    "k05": ("window_length=sp/2", config(k=0.5)),
    "k1_cap25": ("k1, window at most 1/4 of the series", config(k=1, cap=0.25)),
    "k1_h64": ("k1 + hidden_size=64", config(k=1, hidden_size=64)),
    "k1_lr01": ("k1 + lr=0.01", config(k=1, lr=0.01)),
    "k1_mean": ('k1 + window_norm="mean"', config(k=1, window_norm="mean")),
    "k1_resid": ("k1 + seasonal naive residual", config(k=1, residual=True)),
    "k1_gru": ("GRUForecaster, window 1*sp", config("GRUForecaster", k=1)),
    "k1_rnn": ("RNNForecaster, window 1*sp", config("RNNForecaster", k=1)),
    # round 3: shorter still
    "w8": ("window_length=8 for every series", config(window=8)),
    "k05_f4": ("window_length=max(sp/2, 4)", config(k=0.5, floor=4)),
    "k05_f12": ("window_length=max(sp/2, 12)", config(k=0.5, floor=12)),
    # round 4: the round-1 runners-up on top of window_length=max(sp/2, 8)
    "k05_huber": ('k05 + loss="huber"', config(k=0.5, loss="huber")),
    "k05_h64": ("k05 + hidden_size=64", config(k=0.5, hidden_size=64)),
    "k05_e50": ("k05 + max_epochs=50", config(k=0.5, max_epochs=50)),
    "k05_adamw": ('k05 + optimizer="adamw"', config(k=0.5, optimizer="adamw")),
    # round 5: the proposal, window_length=max(sp/2, 12), and lr on top of it
    "k05_f12_lr01": (
        "max(sp/2, 12) + lr=0.01",
        config(k=0.5, floor=12, lr=0.01),
    ),
    "k05_f12_gru": (
        "GRUForecaster, max(sp/2, 12)",
        config("GRUForecaster", k=0.5, floor=12),
    ),
    "k05_f12_rnn": (
        "RNNForecaster, max(sp/2, 12)",
        config("RNNForecaster", k=0.5, floor=12),
    ),
    # round 6 (fused Adam): fewer optimiser steps per fit, for speed (issue 10)
    "now": ("today's defaults (max(sp/2, 12), fused Adam)", config(k=0.5, floor=12)),
    "b64": ("now + batch_size=64", config(k=0.5, floor=12, batch_size=64)),
    "b128": ("now + batch_size=128", config(k=0.5, floor=12, batch_size=128)),
    "b64_lr01": (
        "now + batch_size=64, lr=0.01",
        config(k=0.5, floor=12, batch_size=64, lr=0.01),
    ),
    "b128_lr01": (
        "now + batch_size=128, lr=0.01",
        config(k=0.5, floor=12, batch_size=128, lr=0.01),
    ),
    "b128_lr02": (
        "now + batch_size=128, lr=0.02",
        config(k=0.5, floor=12, batch_size=128, lr=0.02),
    ),
    "b128_lr03": (
        "now + batch_size=128, lr=0.03",
        config(k=0.5, floor=12, batch_size=128, lr=0.03),
    ),
    "b256_lr02": (
        "now + batch_size=256, lr=0.02",
        config(k=0.5, floor=12, batch_size=256, lr=0.02),
    ),
    "b128_lr02_e50": (
        "now + batch_size=128, lr=0.02, max_epochs=50",
        config(k=0.5, floor=12, batch_size=128, lr=0.02, max_epochs=50),
    ),
    "b128_lr02_e150": (
        "now + batch_size=128, lr=0.02, max_epochs=150",
        config(k=0.5, floor=12, batch_size=128, lr=0.02, max_epochs=150),
    ),
    "b128_lr02_gru": (
        "GRUForecaster, now + batch_size=128, lr=0.02",
        config("GRUForecaster", k=0.5, floor=12, batch_size=128, lr=0.02),
    ),
    "b128_lr02_rnn": (
        "RNNForecaster, now + batch_size=128, lr=0.02",
        config("RNNForecaster", k=0.5, floor=12, batch_size=128, lr=0.02),
    ),
    "b128_lr01_gru": (
        "GRUForecaster, now + batch_size=128, lr=0.01",
        config("GRUForecaster", k=0.5, floor=12, batch_size=128, lr=0.01),
    ),
    "b128_lr01_rnn": (
        "RNNForecaster, now + batch_size=128, lr=0.01",
        config("RNNForecaster", k=0.5, floor=12, batch_size=128, lr=0.01),
    ),
    "b64_gru": (
        "GRUForecaster, now + batch_size=64",
        config("GRUForecaster", k=0.5, floor=12, batch_size=64),
    ),
    "b64_rnn": (
        "RNNForecaster, now + batch_size=64",
        config("RNNForecaster", k=0.5, floor=12, batch_size=64),
    ),
    "b128_lr01_e50": (
        "now + batch_size=128, lr=0.01, max_epochs=50",
        config(k=0.5, floor=12, batch_size=128, lr=0.01, max_epochs=50),
    ),
    "b128_lr01_e50_gru": (
        "GRUForecaster, now + batch_size=128, lr=0.01, max_epochs=50",
        config(
            "GRUForecaster", k=0.5, floor=12, batch_size=128, lr=0.01, max_epochs=50
        ),
    ),
    "b128_lr01_e50_rnn": (
        "RNNForecaster, now + batch_size=128, lr=0.01, max_epochs=50",
        config(
            "RNNForecaster", k=0.5, floor=12, batch_size=128, lr=0.01, max_epochs=50
        ),
    ),
    "b128_lr02_e50_gru": (
        "GRUForecaster, now + batch_size=128, lr=0.02, max_epochs=50",
        config(
            "GRUForecaster", k=0.5, floor=12, batch_size=128, lr=0.02, max_epochs=50
        ),
    ),
    "b128_lr02_e50_rnn": (
        "RNNForecaster, now + batch_size=128, lr=0.02, max_epochs=50",
        config(
            "RNNForecaster", k=0.5, floor=12, batch_size=128, lr=0.02, max_epochs=50
        ),
    ),
    "b128_lr01_e75": (
        "now + batch_size=128, lr=0.01, max_epochs=75",
        config(k=0.5, floor=12, batch_size=128, lr=0.01, max_epochs=75),
    ),
    "now_gru": (
        "GRUForecaster, today's defaults",
        config("GRUForecaster", k=0.5, floor=12),
    ),
    "now_rnn": (
        "RNNForecaster, today's defaults",
        config("RNNForecaster", k=0.5, floor=12),
    ),
}


def factory(spec, seed=0, n_models=1):
    """Factory ``f(dataset) -> forecaster`` for one configuration and seed."""

    def make(ds):
        import sktime_rnn

        cls = getattr(sktime_rnn, spec["cls"])
        net = cls(**{"random_state": seed, "num_threads": 1, **spec["params"]})
        if spec["window"] == "auto":
            net = AutoWindow(
                net,
                sp=ds.sp,
                k=spec["k"],
                floor=spec.get("floor", 8),
                cap=spec.get("cap", 0.5),
            )
        else:
            net.set_params(window_length=spec["window"])
        if n_models > 1:
            net = SeedEnsemble(net, n_models=n_models, seed=seed)
        return seasonal_residual(net, ds.sp) if spec["residual"] else net

    return make


def code_version() -> dict:
    """The key a cached entry is valid under: this code and these versions."""
    versions = _provenance.versions()
    return {
        "code": _provenance.content_hash(*CODE_PATHS),
        "torch": versions["torch"],
        "sktime": versions["sktime"],
    }


def _load_cache(path=CACHE):
    return json.loads(path.read_text()) if path.exists() else {}


def _is_fresh(name, entry, key) -> bool:
    """Computed under ``key``, with the configuration ``CONFIGS`` has today."""
    recorded = entry.get("provenance", {}).get("key")
    if key["code"] is None or recorded != key:
        return False
    return name not in CONFIGS or entry["spec"] == CONFIGS[name][1]


def load_all(key=None) -> dict:
    """One cached entry per configuration, from every ``results/experiments*.json``.

    An entry computed under ``key`` (default: ``code_version()``) is fresh and
    preferred; a configuration without one keeps its most recent entry,
    marked ``fresh=False``. Each entry also says which ``file`` it is from.
    Files cached before provenance was kept carry ``_provenance`` (a note,
    not a configuration) and their entries no key: they are stale.
    """
    key = key or code_version()
    chosen = {}
    for path in sorted(suite.RESULTS_DIR.glob("experiments*.json")):
        for name, entry in _load_cache(path).items():
            if name.startswith("_"):
                continue
            entry = {**entry, "file": path.name, "fresh": _is_fresh(name, entry, key)}
            if name not in chosen or _rank(entry) >= _rank(chosen[name]):
                chosen[name] = entry  # on a tie, the later file, as before
    return chosen


def _rank(entry) -> tuple:
    """Fresh before stale, then the most recent (undated: cached before)."""
    return entry["fresh"], entry.get("provenance", {}).get("date", "")


def _entry_provenance(key) -> dict:
    return {**_provenance.run_metadata(), "key": key}


def run_configs(names, seeds, path=CACHE, keep_stale=False):
    """Compute the configurations ``names`` that have no fresh entry, into ``path``.

    ``keep_stale``: only those with no entry at all. Seasonal naive, the
    baseline, is recomputed too when stale (seconds).
    """
    datasets = suite.DATASETS
    key = code_version()
    current = load_all(key)
    cache = _load_cache(path)  # the file written to; the others stay as they are
    if not current.get(suite.SNAIVE, {}).get("fresh"):
        runs = suite.run({suite.SNAIVE: suite.seasonal_naive}, datasets)
        cache[suite.SNAIVE] = {
            "runs": runs[suite.SNAIVE],
            "provenance": _entry_provenance(key),
        }
        path.write_text(json.dumps(cache))
        current[suite.SNAIVE] = {**cache[suite.SNAIVE], "fresh": True}
    for name in names:
        _, spec = CONFIGS[name]
        entry = current.get(name)
        if entry and (entry["fresh"] or keep_stale) and len(entry["seeds"]) >= seeds:
            continue
        start = time.perf_counter()
        entry = {"spec": spec, "seeds": []}
        for seed in range(seeds):
            runs = suite.run({name: factory(spec, seed)}, datasets, verbose=False)
            entry["seeds"].append(runs[name])
        entry["airline_fit_time"] = suite.airline_fit_time(factory(spec, 0))
        entry["provenance"] = _entry_provenance(key)
        cache[name] = entry
        path.write_text(json.dumps(cache))
        current[name] = {**entry, "fresh": True}
        row = score(current, name)
        print(
            f"{name:<10} single {row['single']:.3f} ens {row['ens']:.3f} "
            f"airline fit {entry['airline_fit_time']:.2f}s "
            f"({time.perf_counter() - start:.0f}s)",
            flush=True,
        )
    return current


def score(cache, name):
    """Geo-mean relative MASE: mean over seeds, and of the seed ensemble."""
    base = cache[suite.SNAIVE]["runs"]
    seeds = cache[name]["seeds"]
    names = [ds.name for ds in suite.DATASETS]
    single = {ds: [] for ds in names}
    ens = {}
    for ds in names:
        ref = suite.mase(suite.same_folds(base[ds], seeds[0][ds]))
        for runs in seeds:
            single[ds].append(suite.mase(runs[ds]) / ref)
        preds = np.mean([[f["y_pred"] for f in runs[ds]["folds"]] for runs in seeds], 0)
        ens[ds] = suite.mase(seeds[0][ds], pred=preds) / ref
    per_seed = [
        suite.geo_mean(single[ds][i] for ds in names) for i in range(len(seeds))
    ]
    row = {
        "single": float(np.mean(per_seed)),
        "single sd": float(np.std(per_seed)),
        "ens": suite.geo_mean(ens.values()),
    }
    row.update({f"{ds}": ens[ds] for ds in names})
    row["airline fit s"] = cache[name].get("airline_fit_time", np.nan)
    row["code"] = code_label(cache[name])
    return row


def code_label(entry) -> str:
    """``current``, or ``stale`` with the commit the entry was computed at."""
    if entry.get("fresh"):
        return "current"
    source = entry.get("provenance", {}).get("source")
    if source is None:
        return "stale, unrecorded"
    commit = (source.get("commit") or "no git")[:7]
    return f"stale, {commit}" + ("+dirty" if source.get("dirty") else "")


def report(cache, path=HERE / "EXPERIMENTS.md"):
    names = [n for n in CONFIGS if n in cache] + [
        n for n in cache if n not in CONFIGS and n != suite.SNAIVE
    ]
    rows = {n: score(cache, n) for n in names}
    table = pd.DataFrame(rows).T.infer_objects()
    table.insert(0, "what", [CONFIGS.get(n, (n,))[0] for n in names])
    ref = table.loc["ref", "single"] if "ref" in table.index else np.nan
    table.insert(3, "vs ref", table["single"] / ref - 1)
    seeds = max(len(cache[n]["seeds"]) for n in names)
    lines = [
        "# Which defaults win: one factor at a time",
        "",
        "Generated by `python -m benchmarks.research.experiments`. Same folds as "
        "RESULTS.md. `single`: geometric mean over the data sets of MASE relative "
        f"to seasonal naive, averaged over {seeds} seeds (`single sd`: spread over "
        "seeds); `vs ref`: change of `single` against `ref`; `ens`: the same for "
        "the average of the seeds' forecasts (a seed ensemble of that size). "
        "Per data set columns: relative MASE of the ensemble. `airline fit s`: "
        "one fit of one member on all of load_airline, fh=1..12, 1 thread, "
        "measured while other runs shared the 2 cores (indicative only).",
        "",
        "Window rules: `k` and `floor` give `window_length = max(round(k * sp), "
        "floor)`, capped at half of (training length - h) (only shampoo, sp=1 and "
        "18 points in its first fold, reaches the cap: 6); `ref` has k=2, "
        "floor=8; `k1`: k=1; `k05`: k=0.5; `_f4`/`_f12`: floor 4/12. Fixed "
        "windows (`w24`, `w8`) are capped to half the first training window "
        "where they do not fit (shampoo).",
        "",
        *_staleness(table["code"], cache),
        suite._md(table, floatfmt=".3f"),
        "",
    ]
    missing = [n for n in CONFIGS if n not in cache]
    if missing:
        lines += [f"Defined but not run (time): {', '.join(missing)}.", ""]
    meta = _provenance.run_metadata()
    lines += [_provenance.markdown(meta, label="Report written by")]
    path.write_text("\n".join(lines))
    return table


def _staleness(labels, cache) -> list[str]:
    """The paragraph that says which rows are current and which are stale."""
    key = code_version()
    stale = labels[labels != "current"]
    text = (
        "`code`: `current` when the row was computed with the code of this "
        f"checkout (content hash `{key['code']}` of {', '.join(CODE_PATHS)}, torch "
        f"{key['torch']}, sktime {key['sktime']}); otherwise `stale` and the commit "
        "it was computed at (`+dirty`: with uncommitted changes; `unrecorded`: "
        "cached before provenance was kept, commit unknown). Stale rows may not "
        "hold for today's code: `python -m benchmarks.research.experiments --only "
        "NAME` recomputes them."
    )
    if len(stale):
        baseline = code_label(cache[suite.SNAIVE])
        text += (
            f" {len(stale)} of {len(labels)} rows are stale (seasonal naive, the "
            f"baseline: {baseline})."
        )
    return [text, ""]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="configuration names")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--report", action="store_true", help="only the report")
    parser.add_argument(
        "--keep-stale",
        action="store_true",
        help="run only the configurations with no entry; stale ones stay, marked",
    )
    parser.add_argument(
        "--cache",
        default=str(CACHE),
        help="results/experiments*.json to write (one per parallel run)",
    )
    args = parser.parse_args(argv)
    unknown = set(args.only or ()) - set(CONFIGS)
    if unknown:
        parser.error(f"unknown configurations {sorted(unknown)}")
    cache = Path(args.cache).resolve()
    if cache.parent != suite.RESULTS_DIR or not cache.match("experiments*.json"):
        # elsewhere, its entries would never be read back
        parser.error(f"--cache must be {suite.RESULTS_DIR}/experiments*.json")
    suite.RESULTS_DIR.mkdir(exist_ok=True)
    if not args.report:
        names = args.only or list(CONFIGS)
        run_configs(names, args.seeds, cache, args.keep_stale)
    table = report(load_all())
    print(table.drop(columns="what").round(3).to_string())


if __name__ == "__main__":
    main()
