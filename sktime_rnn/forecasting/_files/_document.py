"""A fitted forecaster as a signed safetensors file, and back, checking everything.

The document holds the class, the hyper-parameters, the fitted state's
metadata (``_state_writer``), sktime's cutoff and fitting horizon and the
package versions; the tensors are the state's. Loading re-validates the
hyper-parameters with the constructor's rules (the class's
``config_from_params``), every field of the state with its own
(``_state_reader``), and the horizon against what the network forecasts (the
class's ``from_fitted_state``); anything else is refused with
:class:`~sktime_rnn.exceptions.PersistenceError`.
"""

from __future__ import annotations

__all__ = ["FORMAT_VERSION", "READABLE_VERSIONS", "load", "save"]

import json
from pathlib import Path

import numpy as np
import pandas as pd
import sktime
import torch
from sktime.forecasting.base import ForecastingHorizon

from sktime_rnn import _signed_file
from sktime_rnn._version import __version__
from sktime_rnn._warnings import warn
from sktime_rnn.exceptions import (
    InvalidDataError,
    InvalidParameterError,
    PersistenceError,
)
from sktime_rnn.forecasting._engine._state import FittedState
from sktime_rnn.forecasting._files._state_reader import read_state
from sktime_rnn.forecasting._files._state_writer import state_metadata, state_tensors
from sktime_rnn.forecasting._files._time_index import (
    decode_index,
    encode_index,
    index_spec_problems,
)
from sktime_rnn.forecasting._files._v1 import upgrade
from sktime_rnn.training.trainer import is_scheduler_class

FORMAT_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
# hyper-parameters added since a version, with the values that reproduce it
_ADDED_SINCE = {2: {"lr_schedule_kwargs": None}}
_SCHEDULES = "torch.optim.lr_scheduler."


def save(forecaster, path, key=None) -> Path:
    """Write fitted ``forecaster`` to ``path`` (see :func:`sktime_rnn.save`)."""
    if not forecaster.is_fitted:
        raise PersistenceError(
            f"this {type(forecaster).__name__} is not fitted: call fit first"
        )
    state = getattr(forecaster, "fitted_state_", None)
    if state is None:
        raise PersistenceError(
            "save supports forecasters fitted on a single series or a panel (as "
            "one global model); this one was fitted per series by sktime's "
            "vectorisation: use forecaster.save() (pickle) instead"
        )
    cutoff_codes, cutoff_spec = encode_index(forecaster.cutoff)
    document = {
        "format_version": FORMAT_VERSION,
        "versions": versions(),
        "class": type(forecaster).__name__,
        "params": _json_params(forecaster, state.config),
        "state": state_metadata(state),
        "cutoff": {"codes": cutoff_codes.tolist(), "index": cutoff_spec},
        "fh": _encode_fh(forecaster.fh_of_fit),
    }
    text = json.dumps(document, sort_keys=True)
    return _signed_file.write(path, state_tensors(state), text, key)


def load(path, classes: dict, key=None):
    """Read a forecaster of one of ``classes`` (name to class) from ``path``.

    A class rebuilds the forecaster: ``config_from_params(params)`` checks
    the saved hyper-parameters, ``from_fitted_state(params, state, cutoff,
    fh)`` makes the fitted forecaster (and checks the horizon).
    """
    path = Path(path)
    tensors, text = _signed_file.read(path, key)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise PersistenceError(f"{path}: its metadata is not valid JSON") from error
    if not isinstance(document, dict):
        raise PersistenceError(f"{path}: its metadata is not a JSON object")
    version = document.get("format_version")
    if version not in READABLE_VERSIONS or type(version) is not int:
        raise PersistenceError(
            f"{path} has format version {version!r}; this sktime-rnn "
            f"({versions()['sktime_rnn']}) reads versions {list(READABLE_VERSIONS)}"
        )
    try:
        if version == 1:
            tensors, document = upgrade(tensors, document)
        if version in (1, 2) and isinstance(document.get("params"), dict):
            document["params"] = {**_ADDED_SINCE[2], **document["params"]}
        return _build(tensors, document, classes, path)
    except PersistenceError as error:
        raise PersistenceError(f"{path}: {error}") from None


def _build(tensors: dict, document: dict, classes: dict, path: Path):
    _warn_on_version_change(document.get("versions"), path)
    name = document.get("class")
    if not isinstance(name, str) or name not in classes:
        raise PersistenceError(
            f"it names class {name!r}; expected one of {sorted(classes)}"
        )
    cls = classes[name]
    params = _params(document.get("params"), cls)
    try:
        config = cls.config_from_params(params)
    except InvalidParameterError as error:
        raise PersistenceError(
            f"the saved hyper-parameters are invalid: {error}"
        ) from None
    state = read_state(tensors, document.get("state"), config)
    cutoff = _decode_field(document.get("cutoff"), "cutoff")
    try:
        last = max(state.ends)
        valid = len(cutoff) == 1 and bool(cutoff[0] == last)
    except TypeError:  # times of another kind than the series'
        valid = False
    if not valid:
        raise PersistenceError(
            f"the saved cutoff {list(cutoff)} is not the last time point of the "
            "saved series"
        )
    fh = _decode_fh(document.get("fh"), state)
    try:
        return cls.from_fitted_state(params, state, cutoff, fh)
    except PersistenceError:
        raise
    except (InvalidDataError, ValueError, TypeError, KeyError) as error:
        raise PersistenceError(
            f"the saved state does not pass sktime's checks: {error}"
        ) from None


def _json_params(forecaster, config) -> dict:
    """The hyper-parameters as JSON values (NumPy scalars and paths resolved)."""
    params = {}
    for name in forecaster.get_params(deep=False):
        value = getattr(config, name)
        if name == "callbacks":
            if value:
                warn(
                    "callbacks are functions and are not saved; the loaded "
                    "forecaster has callbacks=None"
                )
            value = None
        if name == "random_state" and isinstance(value, np.random.RandomState):
            raise PersistenceError(
                "random_state is a numpy RandomState, which cannot be saved as "
                "JSON: fit with an int random_state (or None) to save"
            )
        if name == "lr_schedule" and isinstance(value, type):
            value = _SCHEDULES + value.__name__  # a class of that module only
        if name == "lr_schedule_kwargs" and value is not None:
            _check_json_values(value, name)
        params[name] = list(value) if isinstance(value, tuple) else value
    return params


def _params(params, cls) -> dict:
    expected = set(cls.get_param_names())
    if not isinstance(params, dict) or set(params) != expected:
        got = sorted(params) if isinstance(params, dict) else params
        raise PersistenceError(
            f"the saved hyper-parameters must be exactly those of {cls.__name__}, "
            f"{sorted(expected)}; got {got}"
        )
    params = dict(params)
    if isinstance(params.get("quantiles"), list):
        params["quantiles"] = tuple(params["quantiles"])
    schedule = params.get("lr_schedule")
    if isinstance(schedule, str) and schedule.startswith(_SCHEDULES):
        params["lr_schedule"] = _scheduler_class(schedule)
    for name, value in params.items():
        if name == "lr_schedule_kwargs" and isinstance(value, dict):
            _check_json_values(value, name)
        elif name == "lr_schedule" and isinstance(value, type):
            continue
        elif not (value is None or isinstance(value, bool | int | float | str | tuple)):
            raise PersistenceError(
                f"the saved hyper-parameter {name}={value!r} is not a plain value"
            )
    return params


def _scheduler_class(name: str) -> type:
    """The class of ``torch.optim.lr_scheduler`` a file names, and no other."""
    attribute = name.removeprefix(_SCHEDULES)
    found = getattr(torch.optim.lr_scheduler, attribute, None)
    if "." in attribute or not is_scheduler_class(found):
        raise PersistenceError(
            f"the saved lr_schedule {name!r} is not a class of torch.optim.lr_scheduler"
        )
    return found


def _check_json_values(values: dict, name: str) -> None:
    plain = (type(None), bool, int, float, str)

    def is_plain(value) -> bool:
        if isinstance(value, list | tuple):
            return all(isinstance(item, plain) for item in value)
        return isinstance(value, plain)

    if not all(isinstance(k, str) and is_plain(v) for k, v in values.items()):
        raise PersistenceError(
            f"{name}={values!r} can be saved only with str keys and plain values "
            "(None, bool, int, float, str, or lists of them)"
        )


def _encode_fh(fh) -> dict | None:
    if fh is None:
        return None
    codes, spec = encode_index(fh.to_pandas())
    return {"codes": codes.tolist(), "index": spec, "is_relative": fh.is_relative}


def _decode_fh(field, state: FittedState):
    """The saved fitting horizon (its steps are checked by ``from_fitted_state``)."""
    if field is None:
        if state.config.strategy != "recursive":
            raise PersistenceError(
                f"the {state.config.strategy} strategy needs the fh of fit, "
                "and none is saved"
            )
        return None
    values = _decode_field(field, "fh")
    if not isinstance(field.get("is_relative"), bool) or not len(values):
        raise PersistenceError(f"the saved fh is invalid: {field!r}")
    try:
        return ForecastingHorizon(values, is_relative=field["is_relative"])
    except (TypeError, ValueError) as error:
        raise PersistenceError(f"the saved fh is invalid: {error}") from None


def _decode_field(field, name: str) -> pd.Index:
    if not isinstance(field, dict) or not isinstance(field.get("codes"), list):
        raise PersistenceError(f"the saved {name} is missing or malformed")
    problems = index_spec_problems(field.get("index"))
    codes = field["codes"]
    if problems or not all(type(c) is int and abs(c) < 2**63 for c in codes):
        raise PersistenceError(f"the saved {name} is invalid: {problems or codes}")
    try:
        return decode_index(np.asarray(codes, dtype=np.int64), field["index"])
    except (ValueError, TypeError, OverflowError) as error:
        raise PersistenceError(f"the saved {name} is invalid: {error}") from None


def versions() -> dict:
    """The versions of the packages a file depends on."""
    return {
        "sktime_rnn": __version__,
        "torch": torch.__version__,
        "sktime": sktime.__version__,
    }


def _warn_on_version_change(saved, path) -> None:
    saved = saved if isinstance(saved, dict) else {}
    current = versions()
    changed = {k: (saved.get(k), v) for k, v in current.items() if saved.get(k) != v}
    if changed:
        detail = ", ".join(f"{k} {old} -> {new}" for k, (old, new) in changed.items())
        warn(
            f"{path} was saved with other package versions ({detail}); it loads, "
            "but check its forecasts"
        )
