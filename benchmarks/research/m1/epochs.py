"""Epochs, patience and learning rate of the hybrid fitted on one series.

The configurations of ``benchmarks/results/competition_epochs_study.md`` (80
series a frequency) and ``competition_epochs_study2.md`` (150 a frequency),
which chose ``lr`` 0.01 and ``patience`` 10 for the hybrid on one series.
They were run from a copy of this module outside the repository; to rerun::

    python -m benchmarks.competition --jobs 2 --limit 150 \\
        --extra benchmarks.research.m1.epochs \\
        --candidates lstm-former lstm-p10 lstm-p15 lstm-p20 lstm-lr01-p10 \\
        lstm-lr006-p10 lstm-e30 --tag epochs_study2

The studies ran while ``lr=0.003, patience=None`` was the default (their
``lstm`` row); the configurations here name it (``lstm-former``), so they
measure the same things under today's defaults. ``lstm-lr01-p10`` is
today's default.
"""

from __future__ import annotations

from benchmarks.competition import Candidate, _rnn


def _with_sp(cls_name: str, **params):
    def factory(period, horizon):
        return _rnn(cls_name, sp=period, **params)(period, horizon)

    return factory


# the former default, which every configuration changes one thing of
FORMER = {"lr": 0.003, "patience": None}


def _former(**changes):
    return _with_sp("LSTMForecaster", **{**FORMER, **changes})


CONFIGS = {
    "lstm-former": Candidate(_former(), "local"),
    "lstm-p10": Candidate(_former(patience=10), "local"),
    "lstm-p15": Candidate(_former(patience=15), "local"),
    "lstm-p20": Candidate(_former(patience=20), "local"),
    "lstm-e30": Candidate(_former(max_epochs=30), "local"),
    "lstm-e40": Candidate(_former(max_epochs=40), "local"),
    "lstm-h16": Candidate(_former(hidden_size=16), "local"),
    "lstm-h16-p10": Candidate(_former(hidden_size=16, patience=10), "local"),
    "lstm-lr01-p10": Candidate(_former(lr=0.01, patience=10), "local"),
    "lstm-lr006-p10": Candidate(_former(lr=0.006, patience=10), "local"),
    "lstm-lr01-p20": Candidate(_former(lr=0.01, patience=20), "local"),
    "lstm-lr01-p30": Candidate(_former(lr=0.01, patience=30), "local"),
    "lstm-lr01-full": Candidate(_former(lr=0.01), "local"),
}
