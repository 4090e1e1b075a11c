"""Statistical parts alone on M1 (last origin), relative to AutoETS.

Run: ``python -m benchmarks.research.m1._stat_eval [METHOD ...]``.
"""

import json
import sys

import numpy as np

from benchmarks.competition import load_m1, mase, smape
from benchmarks.research.m1.stats import base_all

S = load_m1()
try:
    ref = json.load(open("benchmarks/results/competition.json"))["results"]["AutoETS"]
except OSError:  # before the first competition run: its AutoETS figures
    ref = {
        "yearly": {"smape": 19.167, "mase": 3.950},
        "quarterly": {"smape": 16.338, "mase": 1.659},
        "monthly": {"smape": 14.910, "mase": 1.090},
    }
methods = sys.argv[1:] or ["theta", "damped", "ses+holt+damped", "theta+damped"]
for log in (False, True):
    for method in methods:
        row = []
        for f in ["yearly", "quarterly", "monthly"]:
            ss = [s for s in S if s.frequency == f]
            sm, ms = [], []
            for s in ss:
                fc = base_all(s.train, s.horizon, s.period, method, log=log)[0][-1]
                sm.append(smape(s.test, fc))
                ms.append(mase(s.train, s.test, fc, s.period))
            r = ref.get(f)
            rs = np.mean(sm) / r["smape"] if r else np.nan
            rm = np.mean(ms) / r["mase"] if r else np.nan
            row.append(f"{np.mean(sm):6.2f} {np.mean(ms):5.3f} ({rs:.3f} {rm:.3f})")
        print(f"{method + (' log' if log else ''):24s}", " | ".join(row), flush=True)
