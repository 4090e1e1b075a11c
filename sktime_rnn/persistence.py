"""Safe persistence: weights in safetensors, everything else in JSON, no pickle.

One ``.safetensors`` file holds the network's weights and the fitted arrays
(scaling statistics, context window, recurrent state, training history) as
tensors, and in its header a JSON document with the class, hyper-parameters,
index metadata, the cutoff and fitting horizon, package versions and a SHA-256
checksum over all of it. Loading parses JSON and raw tensors only, so it can
never execute code from the file, and any flipped byte or cut-off file is
refused with a clear error.

Loading replays sktime's public ``fit`` on a one-row stub of the training data,
so sktime's own bookkeeping (cutoff, horizon, input types) is rebuilt exactly,
while the forecaster's ``_fit`` restores the saved state instead of training.
"""

from __future__ import annotations

__all__ = ["PersistenceError", "load", "save"]

import contextvars
import hashlib
import json
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

FORMAT_VERSION = 1
_METADATA_KEY = "sktime_rnn"
_RESTORING: contextvars.ContextVar = contextvars.ContextVar("restoring", default=None)


class PersistenceError(ValueError):
    """A file could not be saved or loaded as a forecaster."""


# ------------------------------------------------------------------- save
def save(forecaster, path) -> Path:
    """Save a fitted forecaster to one ``.safetensors`` file.

    Parameters
    ----------
    forecaster : fitted sktime-rnn forecaster
    path : str or Path
        File to write; written to a temporary file first and renamed, so an
        existing file is never left half-written.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sktime.datasets import load_airline
    >>> from sktime_rnn import LSTMForecaster, load, save
    >>> y = load_airline()
    >>> forecaster = LSTMForecaster(window_length=12, max_epochs=2, random_state=0)
    >>> forecaster = forecaster.fit(y, fh=[1, 2])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "lstm.safetensors"
    >>> _ = save(forecaster, path)
    >>> load(path).predict().equals(forecaster.predict())
    True
    """
    from safetensors.torch import save as to_bytes

    forecaster.check_is_fitted()
    if forecaster._is_vectorized:
        raise PersistenceError(
            "save supports forecasters fitted on a single series; this one was "
            "fitted per series by sktime's vectorisation: use forecaster.save() "
            "(pickle) instead"
        )
    tensors = _fitted_tensors(forecaster)
    document = {
        "format_version": FORMAT_VERSION,
        "versions": _versions(),
        "class": type(forecaster).__name__,
        "params": _json_params(forecaster),
        "fitted": _fitted_metadata(forecaster),
    }
    text = json.dumps(document, sort_keys=True)
    metadata = {_METADATA_KEY: text, "sha256": _checksum(tensors, text)}
    payload = to_bytes(tensors, metadata=metadata)
    path = Path(path)
    temporary = path.with_name(path.name + ".partial")
    temporary.write_bytes(payload)
    os.replace(temporary, path)
    return path


def _fitted_tensors(forecaster) -> dict[str, torch.Tensor]:
    tensors = {
        f"network.{name}": value.detach().cpu().contiguous()
        for name, value in forecaster.network_.state_dict().items()
    }
    arrays = {
        "train_steps": forecaster._train_steps,
        "y_mean": forecaster._y_scaling.mean,
        "y_std": forecaster._y_scaling.std,
        "history.grad_norms": np.asarray(forecaster.history_.grad_norms),
        "history.clipped": np.asarray(forecaster.history_.clipped, dtype=np.int8),
        "history.epoch_losses": np.asarray(forecaster.history_.epoch_losses),
    }
    lengths = {len(context) for context in forecaster._context}
    if len(lengths) == 1:
        arrays["context"] = np.stack(forecaster._context)  # (B, T_context, C+K)
    else:  # stateful panels keep every series' whole, ragged history
        for position, context in enumerate(forecaster._context):
            arrays[f"context.{position}"] = context
    if forecaster.history_.gradient_flow is not None:
        arrays["history.gradient_flow"] = forecaster.history_.gradient_flow
    if forecaster._x_scaling is not None:
        arrays["x_mean"] = forecaster._x_scaling.mean
        arrays["x_std"] = forecaster._x_scaling.std
    if forecaster.stateful:
        arrays["features"] = forecaster._features.cpu().numpy()
        for depth, state in enumerate(forecaster._hidden_state):
            parts = state if isinstance(state, tuple) else (state,)
            for part, value in enumerate(parts):
                arrays[f"hidden_state.{depth}.{part}"] = value.cpu().numpy()
    tensors.update(
        {name: torch.as_tensor(np.ascontiguousarray(v)) for name, v in arrays.items()}
    )
    return tensors


def _json_params(forecaster) -> dict:
    params = forecaster.get_params(deep=False)
    for name, value in params.items():
        if isinstance(value, tuple):
            params[name] = list(value)
        elif not (value is None or isinstance(value, bool | int | float | str)):
            raise PersistenceError(
                f"cannot save hyper-parameter {name}={value!r}: only None, bool, "
                "int, float, str and tuples of them are saved; pass an int "
                f"{name} instead"
            )
    return params


def _fitted_metadata(forecaster) -> dict:
    # one row per series at its end, in the units of the data: enough for
    # sktime's fit to rebuild its bookkeeping when loading
    last_rows = np.stack([context[-1] for context in forecaster._context])  # (B, F)
    n_targets = len(forecaster._y_columns)
    y_values = forecaster._y_scaling.inverse(last_rows[:, None, :n_targets])[:, 0]
    x_values = None
    if forecaster._x_scaling is not None:
        scale = np.where(forecaster._x_scaling.std > 0, forecaster._x_scaling.std, 1)
        x_values = last_rows[:, n_targets:] * scale + forecaster._x_scaling.mean
        x_values = x_values.tolist()
    fh = forecaster._fh
    return {
        "cell": forecaster._cell_name,
        "n_exog": 0 if forecaster._x_columns is None else len(forecaster._x_columns),
        "n_steps": int(forecaster.network_.n_steps),
        "y_columns": _json_labels(forecaster._y_columns),
        "x_columns": None
        if forecaster._x_columns is None
        else _json_labels(forecaster._x_columns),
        "y_mtype": forecaster._y_mtype_last_seen,
        "y_name": forecaster._converter_store_y.get("name"),
        "window": int(forecaster._window),
        "keys": [_json_labels(key) for key in forecaster._keys],
        "series_numbers": [int(n) for n in forecaster._series_numbers],
        "n_trained_series": len(forecaster._trained_keys),
        "freq": forecaster._freq,
        "index_names": [None if n is None else str(n) for n in forecaster._index_names],
        "stub_index": _encode_index(_ends_index(forecaster)),
        "stub_y": y_values.tolist(),
        "stub_X": x_values,
        "fh": None
        if fh is None
        else {"values": fh.to_pandas().tolist(), "is_relative": bool(fh.is_relative)},
        "hidden_state_parts": None
        if not forecaster.stateful
        else [len(s) if isinstance(s, tuple) else 1 for s in forecaster._hidden_state],
        "stopped_early": forecaster.history_.stopped_early,
    }


def _ends_index(forecaster) -> pd.Index:
    """Every series' last time point; a single date keeps the data's frequency."""
    ends = pd.Index(forecaster._ends)
    if isinstance(ends, pd.DatetimeIndex) and len(ends) == 1 and forecaster._freq:
        ends = pd.DatetimeIndex(ends, freq=forecaster._freq)
    return ends


def _json_labels(labels: pd.Index) -> list:
    """Column labels as JSON values; only str and int labels round-trip."""
    out = []
    for label in labels:
        if isinstance(label, np.integer):
            label = int(label)
        if not isinstance(label, str | int):
            raise PersistenceError(
                f"save supports str or int column names, got {label!r}"
            )
        out.append(label)
    return out


# ------------------------------------------------------------------- load
def load(path):
    """Load a forecaster saved by :func:`save`, refusing anything suspicious.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    fitted sktime-rnn forecaster
        Predicts exactly what the saved one did.

    Raises
    ------
    PersistenceError
        If the file is missing, not a safetensors file, cut short, changed
        after saving (checksum), of an unknown format version or class, or
        its weights do not fit the network its hyper-parameters describe.
    """
    tensors, text = _read_verified(Path(path))
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise PersistenceError(f"{path}: its metadata is not valid JSON") from error
    if document.get("format_version") != FORMAT_VERSION:
        raise PersistenceError(
            f"{path} has format version {document.get('format_version')!r}; this "
            f"sktime-rnn reads version {FORMAT_VERSION}"
        )
    _warn_on_version_change(document.get("versions", {}), path)
    forecaster = _forecaster_class(document["class"], path)(**_params(document))
    fitted = document["fitted"]
    y_stub, X_stub, fh = _stubs(fitted)
    token = _RESTORING.set({"tensors": tensors, "fitted": fitted, "path": str(path)})
    try:
        forecaster.fit(y_stub, X=X_stub, fh=fh)
    finally:
        _RESTORING.reset(token)
    return forecaster


def _read_verified(path: Path):
    from safetensors import SafetensorError
    from safetensors.torch import load as from_bytes

    if not path.is_file():
        raise PersistenceError(f"no file at {path}")
    data = path.read_bytes()
    try:
        tensors = from_bytes(data)
        metadata = _header_metadata(data)
    except (SafetensorError, ValueError, UnicodeDecodeError) as error:
        raise PersistenceError(
            f"{path} is not a complete sktime-rnn safetensors file (cut short or "
            f"corrupted?): {error}"
        ) from error
    text = metadata.get(_METADATA_KEY)
    if text is None or "sha256" not in metadata:
        raise PersistenceError(f"{path} was not written by sktime_rnn.save")
    if _checksum(tensors, text) != metadata["sha256"]:
        raise PersistenceError(
            f"{path} was changed after it was saved: its checksum does not match"
        )
    return tensors, text


def _header_metadata(data: bytes) -> dict:
    """The ``__metadata__`` of a safetensors header, parsed as plain JSON."""
    if len(data) < 8:
        raise ValueError("file shorter than a safetensors header")
    length = int.from_bytes(data[:8], "little")
    if length > len(data) - 8:
        raise ValueError("header longer than the file")
    header = json.loads(data[8 : 8 + length].decode("utf-8"))
    return header.get("__metadata__", {})


def _checksum(tensors: dict[str, torch.Tensor], text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8"))
    for name in sorted(tensors):
        tensor = tensors[name]
        digest.update(f"{name}:{tensor.dtype}:{tuple(tensor.shape)}".encode())
        digest.update(tensor.contiguous().view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def _versions() -> dict:
    import sktime

    import sktime_rnn

    return {
        "sktime_rnn": sktime_rnn.__version__,
        "torch": torch.__version__,
        "sktime": sktime.__version__,
    }


def _warn_on_version_change(saved: dict, path) -> None:
    current = _versions()
    changed = {k: (saved.get(k), v) for k, v in current.items() if saved.get(k) != v}
    if changed:
        detail = ", ".join(f"{k} {old} -> {new}" for k, (old, new) in changed.items())
        warnings.warn(
            f"{path} was saved with other package versions ({detail}); it loads, "
            "but check its forecasts",
            UserWarning,
            stacklevel=3,
        )


def _forecaster_class(name: str, path):
    from sktime_rnn import forecasting

    allowed = {cls: getattr(forecasting, cls) for cls in forecasting.__all__}
    allowed.pop("BaseRecurrentForecaster", None)
    if name not in allowed:
        raise PersistenceError(
            f"{path} names class {name!r}; expected one of {sorted(allowed)}"
        )
    return allowed[name]


def _params(document) -> dict:
    params = dict(document["params"])
    if isinstance(params.get("quantiles"), list):
        params["quantiles"] = tuple(params["quantiles"])
    return params


def _encode_index(index: pd.Index) -> dict:
    name = None if index.name is None else str(index.name)
    if isinstance(index, pd.PeriodIndex):
        return {
            "kind": "period",
            "values": index.astype(str).tolist(),
            "freq": index.freqstr,
            "name": name,
        }
    if isinstance(index, pd.DatetimeIndex):
        return {
            "kind": "datetime",
            "values": [t.isoformat() for t in index],
            "freq": index.freqstr,
            "tz": None if index.tz is None else str(index.tz),
            "name": name,
        }
    if pd.api.types.is_integer_dtype(index):
        return {
            "kind": "int",
            "values": [int(v) for v in index],
            "name": name,
            "range": isinstance(index, pd.RangeIndex),
        }
    raise PersistenceError(
        "save supports Period, Datetime and integer time indices, got "
        f"{type(index).__name__}"
    )


def _decode_index(spec: dict) -> pd.Index:
    kind = spec["kind"]
    if kind == "period":
        return pd.PeriodIndex(spec["values"], freq=spec["freq"], name=spec["name"])
    if kind == "datetime":
        index = pd.DatetimeIndex(spec["values"], name=spec["name"])
        if spec.get("tz") is not None and index.tz is None:
            index = index.tz_localize(spec["tz"])
        if spec["freq"] is not None and len(index) == 1:
            index.freq = spec["freq"]
        return index
    if kind == "int" and spec.get("range"):
        start = spec["values"][0]
        return pd.RangeIndex(start, start + len(spec["values"]), name=spec["name"])
    if kind == "int":
        return pd.Index(spec["values"], dtype="int64", name=spec["name"])
    raise PersistenceError(f"unknown index kind {kind!r} in the file")


def _stubs(fitted: dict):
    index = _decode_index(fitted["stub_index"])  # every series' last time point
    keys = [tuple(key) for key in fitted["keys"]]
    if keys != [()]:  # panel: one row per series, at its end
        tuples = [(*key, end) for key, end in zip(keys, index, strict=True)]
        index = pd.MultiIndex.from_tuples(tuples, names=fitted["index_names"])
    else:
        index = index.rename(fitted["index_names"][-1])
    y = pd.DataFrame(fitted["stub_y"], index=index, columns=fitted["y_columns"])
    if fitted["y_mtype"] == "pd.Series":
        y = y.iloc[:, 0].rename(fitted["y_name"])
    X = None
    if fitted["x_columns"] is not None:
        X = pd.DataFrame(fitted["stub_X"], index=index, columns=fitted["x_columns"])
    fh = None
    if fitted["fh"] is not None:
        from sktime.forecasting.base import ForecastingHorizon

        values = fitted["fh"]["values"]
        if not fitted["fh"]["is_relative"]:
            values = _decode_index({**fitted["stub_index"], "values": values})
        fh = ForecastingHorizon(values, is_relative=fitted["fh"]["is_relative"])
    return y, X, fh


# ------------------------------------------------------------- restoring
def restoring():
    """The payload of a :func:`load` in progress, or None."""
    return _RESTORING.get()


def restore_into(forecaster, payload: dict, y: pd.DataFrame, X) -> None:
    """Give ``forecaster`` (inside its ``_fit``) the fitted state of ``payload``."""
    from sktime_rnn.forecasting._build import build_network, members_of
    from sktime_rnn.training import TrainingHistory
    from sktime_rnn.training.runtime import resolve_device

    tensors, fitted, path = payload["tensors"], payload["fitted"], payload["path"]
    forecaster._cell_name = fitted["cell"]
    forecaster._window = fitted["window"]
    forecaster._freq = fitted["freq"]
    forecaster._device = resolve_device(forecaster.device)
    forecaster._train_steps = tensors["train_steps"].numpy()
    from sktime_rnn.forecasting._panel import SeriesScaling, split_panel

    panel = split_panel(y)
    forecaster._keys = panel.keys
    forecaster._index_names = panel.index_names
    forecaster._ends = [frame.index[-1] for frame in panel.frames]
    forecaster._y_columns = y.columns
    forecaster._x_columns = None if X is None else X.columns
    forecaster._y_scaling = SeriesScaling(
        tensors["y_mean"].numpy(), tensors["y_std"].numpy()
    )
    forecaster._x_scaling = None
    if X is not None:
        forecaster._x_scaling = SeriesScaling(
            tensors["x_mean"].numpy(), tensors["x_std"].numpy()
        )
    forecaster._series_numbers = fitted["series_numbers"]
    forecaster._trained_keys = [None] * fitted["n_trained_series"]  # only counted
    network = build_network(
        forecaster,
        fitted["cell"],
        y.shape[1],
        fitted["n_exog"],
        fitted["n_steps"],
        fitted["n_trained_series"],
    )
    weights = {
        name.removeprefix("network."): value
        for name, value in tensors.items()
        if name.startswith("network.")
    }
    try:
        network.load_state_dict(weights, strict=True)
    except RuntimeError as error:
        raise PersistenceError(
            f"{path}: the saved weights do not fit the network its "
            f"hyper-parameters describe: {error}"
        ) from error
    forecaster.network_ = network.to(forecaster._device).eval()
    forecaster._optimizers = None  # not saved: fine-tuning after load starts afresh
    gradient_flow = tensors.get("history.gradient_flow")
    forecaster.history_ = TrainingHistory(
        grad_norms=tensors["history.grad_norms"].tolist(),
        clipped=[bool(v) for v in tensors["history.clipped"].tolist()],
        epoch_losses=tensors["history.epoch_losses"].tolist(),
        stopped_early=fitted["stopped_early"],
        gradient_flow=None if gradient_flow is None else gradient_flow.numpy(),
    )
    # other ensemble members' histories are not saved
    extra_members = len(members_of(network)) - 1
    forecaster._histories = [forecaster.history_] + [
        TrainingHistory() for _ in range(extra_members)
    ]
    if "context" in tensors:
        forecaster._context = list(tensors["context"].numpy())
    else:
        forecaster._context = [
            tensors[f"context.{position}"].numpy()
            for position in range(len(panel.keys))
        ]
    if fitted["hidden_state_parts"] is not None:
        device = forecaster._device
        forecaster._features = tensors["features"].to(device)
        states = []
        for depth, n_parts in enumerate(fitted["hidden_state_parts"]):
            parts = tuple(
                tensors[f"hidden_state.{depth}.{part}"].to(device)
                for part in range(n_parts)
            )
            states.append(parts if n_parts > 1 else parts[0])
        forecaster._hidden_state = states
