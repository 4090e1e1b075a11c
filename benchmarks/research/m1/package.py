"""The package's forecasters in the M1 research runner: variants of the defaults.

``python -m benchmarks.competition --extra benchmarks.research.m1.package
--candidates pkg:global pkg:global:patience=1000`` compares them with the
baselines in one run; names are ``pkg:<kind>[:<param>=<value>...]``.
"""

from __future__ import annotations

import ast

from benchmarks.competition import CANDIDATES, Candidate

CONFIGS: dict[str, Candidate] = dict(CANDIDATES)


def _factory(cls_name: str, params: dict):
    def factory(period, horizon):
        import sktime_rnn

        return getattr(sktime_rnn, cls_name)(**{"sp": period, **params})

    return factory


def _parse(text: str) -> dict:
    params = {}
    for item in filter(None, text.split(":")):
        key, _, value = item.partition("=")
        try:
            params[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[key] = value
    return params


class _Configs(dict):
    """Candidates made on demand from their names."""

    def __missing__(self, name):
        if not name.startswith("pkg:"):
            raise KeyError(name)
        _, kind, *rest = name.split(":", 2)
        cls_name = {"global": "LSTMForecaster", "pretrain": "LSTMForecaster"}.get(
            kind, kind
        )
        if kind in ("lstm", "gru", "rnn"):
            cls_name = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN"}[kind] + "Forecaster"
        params = _parse(rest[0]) if rest else {}
        family = kind if kind in ("global", "pretrain") else "local"
        label = f"{cls_name}({params})"
        candidate = Candidate(_factory(cls_name, params), family, label)
        self[name] = candidate
        return candidate

    def __contains__(self, name):
        return dict.__contains__(self, name) or str(name).startswith("pkg:")


CONFIGS = _Configs(CONFIGS)
