"""Do two versions of the package forecast M1 bit for bit alike?

A refactoring must not move a forecast. This command runs the package's own
candidates of the M1 benchmark (:mod:`benchmarks.competition`: per series,
global, pretrain -> fit, with and without ``sp``) on the checkout it is run
from and writes every forecast, as float64 bits, to an ``.npz`` file; given a
reference file, it compares them and exits 1 at the first difference::

    git stash; python -m benchmarks.same_forecasts --write before.npz; git stash pop
    python -m benchmarks.same_forecasts --write after.npz --compare before.npz

``--limit N`` takes the first N series of every frequency (the default runs all
1001, about 6 minutes with ``--jobs 2``). Failures count too: a candidate that
raises on a series is recorded with its message, which must also be the same.
Baselines (statsforecast) are not run: they do not depend on this package.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from benchmarks import competition  # noqa: E402
from benchmarks._provenance import run_metadata  # noqa: E402

CANDIDATES = (
    "lstm",
    "gru",
    "rnn",
    "lstm-global",
    "lstm-pretrain",
    "lstm-nothing",
)


def _run(task):
    name, frequency, limit, seed = task
    import torch

    torch.set_num_threads(1)
    series = competition.load_m1(competition.DATA, [frequency], limit)
    candidate = competition.CANDIDATES[name]
    outcome = competition.RUNNERS[candidate.kind](candidate, series, seed)
    return name, frequency, outcome


def forecasts(candidates, frequencies, limit, seed, jobs) -> dict:
    """``{"name/frequency": (forecasts (n, h), failures)}`` of every candidate."""
    tasks = [(n, f, limit, seed) for n in candidates for f in frequencies]
    # monthly per-series fits first: the longest tasks
    tasks.sort(key=lambda t: (t[1] != "monthly", "-" in t[0]))
    if jobs == 1:
        done = map(_run, tasks)
    else:
        done = ProcessPoolExecutor(jobs).map(_run, tasks)
    return {
        f"{name}/{frequency}": (np.stack(outcome.forecasts), outcome.failures)
        for name, frequency, outcome in done
    }


def compare(found: dict, reference: Path) -> list[str]:
    """Every difference between ``found`` and the forecasts saved in ``reference``."""
    with np.load(reference) as saved:
        wanted = {
            key: saved[key]
            for key in saved.files
            if key not in ("failures", "provenance")
        }
        wanted_failures = json.loads(str(saved["failures"]))
    problems = []
    for key in sorted(set(wanted) | set(found)):
        if key not in wanted or key not in found:
            problems.append(f"{key}: only in {'this run' if key in found else 'ref'}")
            continue
        values, failures = found[key]
        if values.shape != wanted[key].shape:
            problems.append(f"{key}: shape {values.shape} != {wanted[key].shape}")
        elif values.tobytes() != wanted[key].tobytes():
            rows = np.flatnonzero((values != wanted[key]).any(axis=1))
            largest = np.max(np.abs(values - wanted[key]) / np.abs(wanted[key]))
            problems.append(
                f"{key}: {len(rows)} series differ (first row {rows[0]}, largest "
                f"relative difference {largest:.3g})"
            )
        if failures != wanted_failures.get(key, {}):
            problems.append(f"{key}: failures differ")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", type=Path, required=True, help="npz to write")
    parser.add_argument("--compare", type=Path, help="reference npz")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--candidates", nargs="+", default=list(CANDIDATES))
    parser.add_argument(
        "--frequencies", nargs="+", default=list(competition.FREQUENCIES)
    )
    args = parser.parse_args(argv)
    found = forecasts(
        args.candidates, args.frequencies, args.limit, args.seed, args.jobs
    )
    failures = {key: value[1] for key, value in found.items()}
    np.savez(
        args.write,
        failures=json.dumps(failures, sort_keys=True),
        provenance=json.dumps(run_metadata()),
        **{key: value[0] for key, value in found.items()},
    )
    n = sum(len(value[0]) for value in found.values())
    print(f"{n} forecasts of {len(found)} (candidate, frequency) pairs -> {args.write}")
    if args.compare is None:
        return 0
    problems = compare(found, args.compare)
    for problem in problems:
        print(problem)
    print("identical" if not problems else f"{len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
