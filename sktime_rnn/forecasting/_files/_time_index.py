"""Time indices as integer codes and back, exactly (time zones and units included)."""

from __future__ import annotations

__all__ = ["decode_index", "encode_index", "index_spec_problems", "json_label"]

import numpy as np
import pandas as pd

_KINDS = ("period", "datetime", "timedelta", "int")


def encode_index(index: pd.Index) -> tuple[np.ndarray, dict]:
    """``index`` as int64 codes and a JSON-able description of how to read them.

    Period: ordinals and the frequency; datetime: integers since the epoch in
    the index's unit, in UTC, with the time zone; timedelta: integers in its
    unit; integer: the values (and whether it is a ``RangeIndex``).

    Raises
    ------
    TypeError
        For other index types.

    Examples
    --------
    >>> import pandas as pd
    >>> index = pd.date_range("2024-03-30", periods=3, freq="D", tz="Europe/Berlin")
    >>> codes, spec = encode_index(index)
    >>> decode_index(codes, spec).equals(index), spec["tz"]
    (True, 'Europe/Berlin')
    """
    name = json_label(index.name)
    if isinstance(index, pd.PeriodIndex):
        spec = {"kind": "period", "freq": index.freqstr}
        codes = index.asi8
    elif isinstance(index, pd.DatetimeIndex):
        spec = {
            "kind": "datetime",
            "unit": index.unit,
            "tz": None if index.tz is None else str(index.tz),
            "freq": index.freqstr,
        }
        codes = index.asi8  # UTC for an aware index
    elif isinstance(index, pd.TimedeltaIndex):
        spec = {"kind": "timedelta", "unit": index.unit, "freq": index.freqstr}
        codes = index.asi8
    elif pd.api.types.is_integer_dtype(index):
        spec = {"kind": "int", "range": isinstance(index, pd.RangeIndex)}
        codes = index.to_numpy()
    else:
        raise TypeError(
            "only Period, Datetime, Timedelta and integer time indices can be "
            f"saved, got {type(index).__name__} of {index.dtype}"
        )
    return np.asarray(codes, dtype=np.int64), {**spec, "name": name}


def json_label(label):
    """A column or index label as a JSON value: None, str and int stay, else str.

    Examples
    --------
    >>> import numpy as np
    >>> json_label(np.int64(3)), json_label("y"), json_label(("a", 1))
    (3, 'y', "('a', 1)")
    """
    label = label.item() if isinstance(label, np.generic) else label
    if label is None or isinstance(label, str) or type(label) is int:
        return label
    return str(label)


def decode_index(codes: np.ndarray, spec: dict) -> pd.Index:
    """The index :func:`encode_index` described."""
    kind, name = spec["kind"], spec["name"]
    codes = np.asarray(codes, dtype=np.int64)
    if kind == "period":
        return pd.PeriodIndex.from_ordinals(codes, freq=spec["freq"]).rename(name)
    if kind == "datetime":
        index = pd.DatetimeIndex(codes.view(f"M8[{spec['unit']}]"), name=name)
        if spec["tz"] is not None:
            index = index.tz_localize("UTC").tz_convert(spec["tz"])
        return _with_freq(index, spec["freq"])
    if kind == "timedelta":
        index = pd.TimedeltaIndex(codes.view(f"m8[{spec['unit']}]"), name=name)
        return _with_freq(index, spec["freq"])
    if spec["range"] and len(codes) and np.all(np.diff(codes) == 1):
        return pd.RangeIndex(int(codes[0]), int(codes[-1]) + 1, name=name)
    return pd.Index(codes, dtype="int64", name=name)


def _with_freq(index, freq: str | None):
    if freq is None:
        return index
    try:
        return type(index)(index, freq=freq)
    except (ValueError, TypeError):  # values that do not follow the frequency
        return index


def index_spec_problems(spec) -> list[str]:
    """What is wrong with a saved index description (empty if nothing)."""
    if not isinstance(spec, dict) or spec.get("kind") not in _KINDS:
        return [f"an index description must name a kind in {_KINDS}, got {spec!r}"]
    needed = {
        "period": ("freq",),
        "datetime": ("unit", "tz", "freq"),
        "timedelta": ("unit", "freq"),
        "int": ("range",),
    }[spec["kind"]]
    missing = [key for key in (*needed, "name") if key not in spec]
    if missing:
        return [f"the index description lacks {missing}"]
    if json_label(spec["name"]) != spec["name"]:
        return [f"an index name must be None, a str or an int, got {spec['name']!r}"]
    try:
        decode_index(np.zeros(1, dtype=np.int64), spec)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        return [f"the index description {spec!r} cannot be read: {error}"]
    return []
