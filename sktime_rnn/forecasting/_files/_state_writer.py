"""A fitted state as the tensors and the JSON metadata of a file.

:func:`state_tensors` names every array of a
:class:`~sktime_rnn.forecasting._engine._state.FittedState` (weights, scaling
statistics, context rows and times, histories, calibration, stream state);
:func:`state_metadata` holds the rest (the plan's decisions, the layout of
the data, the histories' notes, the optimisers' settings) as JSON values.
``_state_reader`` reads both back.
"""

from __future__ import annotations

__all__ = ["state_metadata", "state_tensors"]

import numpy as np
import pandas as pd
import torch
from torch import Tensor

from sktime_rnn.exceptions import PersistenceError
from sktime_rnn.forecasting._engine._build import members_of
from sktime_rnn.forecasting._engine._state import FittedState
from sktime_rnn.forecasting._files._optimizers import (
    optimizer_metadata,
    optimizer_tensors,
)
from sktime_rnn.forecasting._files._time_index import encode_index, json_label


def state_tensors(state: FittedState) -> dict[str, Tensor]:
    """The state's arrays, named, as contiguous CPU tensors."""
    tensors = {
        f"network.{name}": value.detach().cpu().contiguous()
        for name, value in state.network.state_dict().items()
    }
    arrays = {
        "train_steps": np.asarray(state.train_steps, dtype=np.int64),
        "scaling.y_mean": state.scaling.y.mean,
        "scaling.y_std": state.scaling.y.std,
    }
    if state.scaling.x is not None:
        arrays["scaling.x_mean"] = state.scaling.x.mean
        arrays["scaling.x_std"] = state.scaling.x.std
    if state.series_numbers is not None:
        arrays["series_numbers"] = np.asarray(state.series_numbers, np.int64)
    for position, (rows, index) in enumerate(
        zip(state.context, state.context_index, strict=True)
    ):
        arrays[f"context.{position}"] = rows
        arrays[f"context_index.{position}"] = encode_index(index)[0]
    for member, history in enumerate(state.histories):
        for name, values in history.lists().items():
            arrays[f"history.{member}.{name}"] = np.asarray(
                values, dtype=np.int8 if name == "clipped" else np.float64
            )
        if history.gradient_flow is not None:
            arrays[f"history.{member}.gradient_flow"] = history.gradient_flow
    if state.calibration is not None:
        arrays["calibration.params"] = state.calibration.params
        arrays["calibration.targets"] = state.calibration.targets
    if state.stream is not None:
        arrays["stream.features"] = state.stream.features.cpu().numpy()
        for depth, layer in enumerate(state.stream.hidden):
            parts = layer if isinstance(layer, tuple) else (layer,)
            for part, value in enumerate(parts):
                arrays[f"stream.hidden.{depth}.{part}"] = value.cpu().numpy()
    # a copy has the standard strides that safetensors and the checksum read
    tensors.update(
        {k: torch.as_tensor(np.array(v, order="C")) for k, v in arrays.items()}
    )
    tensors.update(optimizer_tensors(state.optimizers))
    return tensors


def state_metadata(state: FittedState) -> dict:
    """The rest of the state, as JSON values."""
    layout = state.layout
    return {
        "cell": state.cell,
        "base": state.base,
        "sp": int(state.sp),
        "shrinkage": float(state.shrinkage),
        "window": int(state.window),
        "n_steps": int(state.plan.n_steps),
        "n_members": len(members_of(state.network)),
        "n_trained_series": int(state.n_trained_series),
        "keys": [[json_label(part) for part in key] for key in layout.keys],
        "index_names": [json_label(name) for name in layout.index_names],
        "y_columns": _json_columns(layout.y_columns),
        "x_columns": None
        if layout.x_columns is None
        else _json_columns(layout.x_columns),
        "freq": layout.freq,
        "output_mtype": layout.output_mtype,
        "y_name": json_label(layout.y_name),
        "context_index": encode_index(state.context_index[0])[1],
        "histories": [
            {"best_epoch": h.best_epoch, "stop_reason": h.stop_reason}
            for h in state.histories
        ],
        "optimizers": optimizer_metadata(state.optimizers),
        "stream_parts": None
        if state.stream is None
        else [len(s) if isinstance(s, tuple) else 1 for s in state.stream.hidden],
    }


def _json_columns(columns: pd.Index) -> list:
    out = []
    for label in columns:
        label = label.item() if isinstance(label, np.generic) else label
        if not (isinstance(label, str) or type(label) is int):
            raise PersistenceError(
                f"only str or int column names can be saved, got {label!r}"
            )
        out.append(label)
    return out
