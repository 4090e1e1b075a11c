"""Run research configurations on M1 (or a half of it) and cache per-series scores.

From the repository root::

    python -m benchmarks.research.m1.run CONFIG [CONFIG ...] \
        [--frequencies yearly ...] [--half even|odd|all] [--seeds 0 1]
    python -m benchmarks.research.m1.run --table [--half even]

Scores go to ``results/m1_research.json`` (per series, so any subset can be
summarised later); baselines' per-series scores are read from
``benchmarks/results/competition.json`` (the same run's AutoETS etc.).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch

from benchmarks.competition import DATA, FREQUENCIES, RUNNERS, load_m1, score
from benchmarks.research.m1.configs import CONFIGS

HERE = Path(__file__).resolve().parent
COLLECTIONS = {
    # name: (data file, baselines' results file, cache of research scores)
    "m1": (
        DATA,
        Path(__file__).resolve().parents[2] / "results" / "competition.json",
        HERE / "results" / "m1_research.json",
    ),
    "other": (
        HERE / "results" / "other.csv",
        Path(__file__).resolve().parents[2] / "results" / "competition_other.json",
        HERE / "results" / "m1_research_other.json",
    ),
}
DATA_PATH, BASELINES, CACHE = COLLECTIONS["m1"]


def use_collection(name: str) -> None:
    global DATA_PATH, BASELINES, CACHE
    DATA_PATH, BASELINES, CACHE = COLLECTIONS[name]


def load_cache() -> dict:
    return json.loads(CACHE.read_text()) if CACHE.exists() else {}


def baseline_scores() -> dict:
    """Per-series scores of the competition run's candidates, by name."""
    report = json.loads(BASELINES.read_text())
    out = {}
    for name, by_frequency in report["results"].items():
        out[name] = {}
        for f, r in by_frequency.items():
            names = report["series"][f]
            out[name][f] = {
                "series": dict(
                    zip(
                        names,
                        zip(r["per_series_smape"], r["per_series_mase"], strict=True),
                        strict=True,
                    )
                ),
                "fit_seconds_median": r["fit_seconds_median"],
                "fit_seconds_total": r["fit_seconds_total"],
                "n_failed": r["n_failed"],
            }
    return out


def select(series_names: list[str], half: str) -> list[str]:
    if half == "all":
        return series_names
    return series_names[0 if half == "even" else 1 :: 2]


def run(config: str, frequencies, seed: int, half: str) -> dict:
    candidate = CONFIGS[config]
    out = {}
    for f in frequencies:
        all_series = load_m1(DATA_PATH, frequencies=[f])
        names = set(select([s.name for s in all_series], half))
        series = [s for s in all_series if s.name in names]
        t0 = time.perf_counter()
        outcome = RUNNERS[candidate.kind](candidate, series, seed)
        r = score(outcome, series)
        out[f] = {
            "series": {
                s.name: (a, b)
                for s, a, b in zip(
                    series, r["per_series_smape"], r["per_series_mase"], strict=True
                )
            },
            "fit_seconds_median": r["fit_seconds_median"],
            "fit_seconds_total": r["fit_seconds_total"],
            "n_failed": r["n_failed"],
            "failures": r["failures"],
            "wall": time.perf_counter() - t0,
        }
        print(
            f"{config:28s} {f:9s} seed {seed} sMAPE {r['smape']:6.2f} MASE "
            f"{r['mase']:.3f} fit {r['fit_seconds_median']:.3f}s "
            f"failed {r['n_failed']} ({out[f]['wall']:.0f}s)",
            flush=True,
        )
    return out


def summarise(entry_by_f: dict, reference: dict, frequencies, half: str):
    """Mean sMAPE/MASE on the half, relative to the reference on the same series."""
    row = {}
    for f in frequencies:
        if f not in entry_by_f:
            return None
        names = select(list(reference[f]["series"]), half)
        mine = [entry_by_f[f]["series"].get(n) for n in names]
        if any(v is None for v in mine):
            return None
        ref = [reference[f]["series"][n] for n in names]
        row[f] = {
            "smape": np.mean([v[0] for v in mine]),
            "mase": np.mean([v[1] for v in mine]),
            "rel_smape": np.mean([v[0] for v in mine]) / np.mean([v[0] for v in ref]),
            "rel_mase": np.mean([v[1] for v in mine]) / np.mean([v[1] for v in ref]),
            "fit": entry_by_f[f]["fit_seconds_median"],
        }
    for metric in ("rel_smape", "rel_mase"):
        row[metric + "_geo"] = math.exp(
            np.mean([math.log(row[f][metric]) for f in frequencies])
        )
    return row


def table(half: str, frequencies=FREQUENCIES, only=None) -> str:
    cache = load_cache()
    baselines = baseline_scores()
    reference = baselines["AutoETS"]
    entries = {**{k: {"0": v} for k, v in baselines.items()}, **cache}
    lines = [
        f"half: {half}; relative to AutoETS on the same series",
        "| configuration | seeds | "
        + " | ".join(f"{f[0]} sMAPE (rel) | {f[0]} MASE (rel)" for f in frequencies)
        + " | geo sMAPE | geo MASE | fit s "
        + "/".join(f[0] for f in frequencies)
        + " |",
        "|" + "---|" * (4 + 2 * len(frequencies) + 1),
    ]
    for name, by_seed in entries.items():
        if only and name not in only:
            continue
        rows = [summarise(v, reference, frequencies, half) for v in by_seed.values()]
        rows = [r for r in rows if r is not None]
        if not rows:
            continue

        def avg(key, f=None, rows=rows):
            return np.mean([(r[f][key] if f else r[key]) for r in rows])

        cells = []
        for f in frequencies:
            cells.append(f"{avg('smape', f):.2f} ({avg('rel_smape', f):.3f})")
            cells.append(f"{avg('mase', f):.3f} ({avg('rel_mase', f):.3f})")
        lines.append(
            f"| {name} | {len(rows)} | "
            + " | ".join(cells)
            + f" | **{avg('rel_smape_geo'):.3f}** | **{avg('rel_mase_geo'):.3f}** | "
            + "/".join(f"{avg('fit', f):.3g}" for f in frequencies)
            + " |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("configs", nargs="*")
    parser.add_argument("--frequencies", nargs="+", default=list(FREQUENCIES))
    parser.add_argument("--half", default="even", choices=["even", "odd", "all"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--table", action="store_true")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--collection", default="m1", choices=list(COLLECTIONS))
    args = parser.parse_args()
    use_collection(args.collection)
    torch.set_num_threads(1)
    for config in args.configs:
        for seed in args.seeds:
            cache = load_cache()
            entry = cache.setdefault(config, {}).setdefault(str(seed), {})
            todo = [
                f
                for f in args.frequencies
                if args.force
                or f not in entry
                or not set(
                    select(
                        [s.name for s in load_m1(DATA_PATH, frequencies=[f])], args.half
                    )
                )
                <= set(entry[f]["series"])
            ]
            if not todo:
                continue
            result = run(config, todo, seed, args.half)
            cache = load_cache()  # merge: another run may have written meanwhile
            entry = cache.setdefault(config, {}).setdefault(str(seed), {})
            for f, r in result.items():
                if f in entry and not args.force:
                    r["series"] = {**entry[f]["series"], **r["series"]}
                entry[f] = r
            CACHE.parent.mkdir(exist_ok=True)
            CACHE.write_text(json.dumps(cache))
    if args.table or args.configs:
        print(
            table(
                args.half,
                args.frequencies,
                only=None
                if args.table and not args.configs
                else set(args.configs) | {"AutoETS", "Theta", "seasonal naive"},
            )
        )


if __name__ == "__main__":
    main()
