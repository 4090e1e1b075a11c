"""Read files of format version 1 (sktime-rnn before the fitted-state rewrite).

Version 1 stored every series' last time point and a stub of its last row
instead of the time points of the context, and the first ensemble member's
history only. :func:`upgrade` turns such a file's tensors and document into
version 2's, which :func:`sktime_rnn.load` then checks and loads as usual.
"""

from __future__ import annotations

__all__ = ["upgrade"]

import numpy as np
import pandas as pd
import torch

from sktime_rnn.exceptions import PersistenceError
from sktime_rnn.forecasting._files._time_index import encode_index

# hyper-parameters added after version 1, with the defaults that reproduce it
_NEW_PARAMS = {
    "base": None,
    "shrinkage": "auto",
    "max_steps": None,
    "weight_decay": 0.0,
    "lr_schedule": None,
    "validation_size": None,
    "early_stopping": False,
    "patience": 10,
    "min_delta": 0.0,
    "interval_calibration": None,
    "callbacks": None,
}
_RENAMED = {
    "y_mean": "scaling.y_mean",
    "y_std": "scaling.y_std",
    "x_mean": "scaling.x_mean",
    "x_std": "scaling.x_std",
    "features": "stream.features",
}


def upgrade(tensors: dict, document: dict) -> tuple[dict, dict]:
    """Version 1's tensors and document as version 2's."""
    try:
        return _upgrade(dict(tensors), document)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise PersistenceError(
            "this file of format version 1 cannot be read: "
            f"{type(error).__name__}: {error}"
        ) from None


def _upgrade(tensors: dict, document: dict) -> tuple[dict, dict]:
    fitted = document["fitted"]
    params = {**_NEW_PARAMS, **document["params"]}
    params["verbose"] = int(params["verbose"])
    ends = _decode_v1_index(fitted["stub_index"], fitted["stub_index"]["values"])
    keys = fitted["keys"]
    upgraded = {_RENAMED.get(name, name): t for name, t in tensors.items()}
    upgraded.pop("context", None)
    contexts = _contexts(tensors, len(keys))
    spec = None
    for position, (rows, end) in enumerate(zip(contexts, ends, strict=True)):
        index = _ending_at(end, len(rows), fitted["freq"], ends)
        codes, spec = encode_index(index)
        upgraded[f"context.{position}"] = torch.as_tensor(rows)
        upgraded[f"context_index.{position}"] = torch.as_tensor(codes)
    for name in ("grad_norms", "clipped", "epoch_losses", "gradient_flow"):
        if f"history.{name}" in upgraded:
            upgraded[f"history.0.{name}"] = upgraded.pop(f"history.{name}")
    n_members = int(params.get("n_models", 1))
    for member in range(n_members):
        for name in ("val_losses", "lrs") + (
            ("grad_norms", "clipped", "epoch_losses") if member else ()
        ):
            dtype = torch.int8 if name == "clipped" else torch.float64
            upgraded[f"history.{member}.{name}"] = torch.zeros(0, dtype=dtype)
    for name in [n for n in upgraded if n.startswith("hidden_state.")]:
        upgraded["stream.hidden." + name.removeprefix("hidden_state.")] = upgraded.pop(
            name
        )
    if params.get("series_embedding_dim"):
        upgraded["series_numbers"] = torch.as_tensor(
            np.asarray(fitted["series_numbers"], dtype=np.int64)
        )
    epochs = len(tensors["history.epoch_losses"])
    histories = [
        {"best_epoch": epochs, "stop_reason": fitted["stopped_early"] or "max_epochs"}
    ] + [{"best_epoch": None, "stop_reason": None}] * (n_members - 1)
    state = {
        "cell": fitted["cell"],
        "base": None,
        "sp": int(params["sp"]),
        "shrinkage": 1.0,
        "window": fitted["window"],
        "n_steps": fitted["n_steps"],
        "n_members": n_members,
        "n_trained_series": fitted["n_trained_series"],
        "keys": keys,
        "index_names": fitted["index_names"],
        "y_columns": fitted["y_columns"],
        "x_columns": fitted["x_columns"],
        "freq": fitted["freq"],
        "output_mtype": fitted["y_mtype"],
        "y_name": fitted["y_name"],
        "context_index": spec,
        "histories": histories,
        "stream_parts": fitted["hidden_state_parts"],
    }
    cutoff_codes, cutoff_spec = encode_index(_cutoff(ends, fitted["freq"]))
    fh = None
    if fitted["fh"] is not None:
        values = fitted["fh"]["values"]
        if not fitted["fh"]["is_relative"]:
            values = _decode_v1_index(fitted["stub_index"], values)
        codes, fh_spec = encode_index(pd.Index(values))
        fh = {
            "codes": codes.tolist(),
            "index": fh_spec,
            "is_relative": fitted["fh"]["is_relative"],
        }
    return upgraded, {
        "format_version": 2,
        "versions": document.get("versions"),
        "class": document["class"],
        "params": params,
        "state": state,
        "cutoff": {"codes": cutoff_codes.tolist(), "index": cutoff_spec},
        "fh": fh,
    }


def _contexts(tensors: dict, n_series: int) -> list[np.ndarray]:
    if "context" in tensors:
        return list(tensors["context"].numpy())
    return [tensors[f"context.{position}"].numpy() for position in range(n_series)]


def _decode_v1_index(spec: dict, values: list) -> pd.Index:
    kind = spec["kind"]
    if kind == "period":
        return pd.PeriodIndex(values, freq=spec["freq"], name=spec["name"])
    if kind == "datetime":
        index = pd.DatetimeIndex(values, name=spec["name"])
        if spec.get("tz") is not None and index.tz is None:
            index = index.tz_localize(spec["tz"])
        return index
    if kind == "int":
        return pd.Index(values, dtype="int64", name=spec["name"])
    raise ValueError(f"unknown index kind {kind!r}")


def _ending_at(end, length: int, freq, ends: pd.Index) -> pd.Index:
    """``length`` regularly spaced time points ending at ``end``."""
    if isinstance(ends, pd.PeriodIndex):
        return pd.period_range(end=end, periods=length, freq=ends.freq, name=ends.name)
    if isinstance(ends, pd.DatetimeIndex):
        return pd.date_range(end=end, periods=length, freq=freq, name=ends.name)
    return pd.Index(np.arange(int(end) - length + 1, int(end) + 1), name=ends.name)


def _cutoff(ends: pd.Index, freq) -> pd.Index:
    cutoff = ends[[int(np.argmax(ends))]] if len(ends) > 1 else ends
    if isinstance(cutoff, pd.DatetimeIndex) and freq:
        cutoff = pd.DatetimeIndex(cutoff, freq=freq)
    return cutoff.rename(None)
