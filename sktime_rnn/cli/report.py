"""What the ``sktime-rnn`` command prints, and the folder it writes to."""

from __future__ import annotations

__all__ = ["PRINTED_METRICS", "check_out_folder", "print_result"]

import tempfile
from pathlib import Path

import pandas as pd

from sktime_rnn.cli.errors import CommandError

PRINTED_METRICS = ("MAE", "RMSE", "MASE")
_SHOWN_SERIES = 30
_ERROR_WIDTH = 70


def check_out_folder(out) -> None:
    """Create ``--out`` and check a file can be written there, before any fit."""
    if out is None:
        return
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".sktime-rnn-check-"):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise CommandError(
            f"--out {out!r} is not a writable folder: {reason}"
        ) from error


def print_result(result, header, notes, seconds) -> None:
    """Print the per-horizon table, the overall figures and the failures."""
    print(header)
    for note in notes:
        print(f"note: {note}")
    pooled = f", pooled over {len(result.series)} series" if result.levels else ""
    shown = [metric for metric in PRINTED_METRICS if metric in result.metrics]
    if shown:
        print(f"\nErrors by horizon (over folds{pooled}):")
        print(result.table(shown).to_string(float_format=_fmt))
    print("\nOverall (mean over folds of each fold's score; MAPE and sMAPE in %):")
    print(_overall(result).to_string(float_format=_fmt))
    if result.levels and "MASE" in result.metrics:
        print("\nMASE per series (over folds and horizons):")
        print(_per_series(result, "MASE").to_string(float_format=_fmt))
    if result.failures:
        print("\nFailed:")
        for name, error in result.failures.items():
            print(f"  {name}: {error}")
    print(f"\n{seconds:.1f} s")


PERCENT_METRICS = ("MAPE", "sMAPE")
"""Printed in %: sktime's percentage errors are fractions (the files keep them)."""


def _overall(result) -> pd.DataFrame:
    overall = result.overall.copy()
    for metric in PERCENT_METRICS:
        if metric in overall:
            overall[metric] = overall[metric] * 100
    if "error" in overall:
        overall["error"] = [
            "" if not isinstance(error, str) else _shorten(error)
            for error in overall["error"]
        ]
    return overall


def _per_series(result, metric) -> pd.DataFrame:
    rows = result.by_fold[result.by_fold["metric"] == metric]
    table = rows.pivot_table(
        index=result.levels, columns="forecaster", values="value", sort=False
    )
    table = table[[name for name in result.forecasters if name in table.columns]]
    if len(table) > _SHOWN_SERIES:
        table = table.head(_SHOWN_SERIES)
        print(f"(the first {_SHOWN_SERIES} of {len(result.series)} series)")
    return table


def _shorten(text) -> str:
    return text if len(text) <= _ERROR_WIDTH else text[: _ERROR_WIDTH - 3] + "..."


def _fmt(value) -> str:
    return f"{value:.4g}"
