"""The fitted state of a forecaster, as one object that ``fit`` builds whole.

``fit``, ``update`` and ``pretrain`` build a new :class:`FittedState` (or
:class:`PretrainedState`) and swap it in only when they succeed, so a failed
call changes nothing. Persistence writes a state with :meth:`to_tensors` and
:meth:`to_metadata` and reads it back with :meth:`FittedState.from_saved`,
which checks everything it reads.
"""

from __future__ import annotations

__all__ = ["FittedState", "PretrainedState", "StreamState", "network_steps"]

import dataclasses
import functools
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import pandas as pd
import torch
from torch import Tensor, nn

from sktime_rnn.exceptions import PersistenceError
from sktime_rnn.forecasting._build import build_network, members_of
from sktime_rnn.forecasting._calibration import Calibration
from sktime_rnn.forecasting._hybrid import last_origins, origin_data
from sktime_rnn.forecasting._preparation import SeriesLayout
from sktime_rnn.forecasting._scaling import PanelScaling, SeriesScaling
from sktime_rnn.forecasting._statistical import BASES
from sktime_rnn.forecasting._time_index import (
    decode_index,
    encode_index,
    index_spec_problems,
    json_label,
)
from sktime_rnn.networks.cells import available_cells
from sktime_rnn.training.diagnostics import STOP_REASONS, TrainingHistory
from sktime_rnn.training.origins import OriginWindows
from sktime_rnn.training.runtime import make_generator


def _network_on_meta(config, cell, *sizes) -> nn.Module | None:
    """The network these sizes describe, without memory (None if it cannot be).

    A plugin's cell may not build on torch's meta device; its file's shapes
    are then only checked when the weights load.
    """
    meta = torch.device("meta")
    try:
        with meta:
            return build_network(
                SimpleNamespace(**{**vars(config), "torch_device": meta}),
                cell,
                *sizes[:4],
                make_generator(0, torch.device("cpu")),
                *sizes[4:],
            )
    except Exception:  # noqa: BLE001 - the real build reports what is wrong
        return None


def network_steps(config, train_steps, base) -> int:
    """The steps the network forecasts at once, for ``train_steps``.

    The hybrid and seq2seq: every step to the largest; direct: those of
    ``train_steps``; recursive: one.
    """
    if base is not None:
        return int(np.max(train_steps))
    return {
        "direct": len(train_steps),
        "recursive": 1,
        "seq2seq": int(np.max(train_steps)),
    }[config.strategy]


@dataclass
class StreamState:
    """Where a stateful network stands after reading every series' history.

    Attributes
    ----------
    features : Tensor
        (B, D*H) encoder output at every series' last observation.
    hidden : list
        Encoder state per layer: ``h`` or ``(h, c)``, each (D, B, H).
    """

    features: Tensor
    hidden: list


@dataclass
class PretrainedState:
    """A network trained by ``pretrain``, and what it was trained on.

    Attributes
    ----------
    cell, window, train_steps
        As in :class:`FittedState`.
    network : torch.nn.Module
        The pretrained network; ``fit`` works on a copy of it.
    layout : SeriesLayout
        The pretraining panel's layout (its keys number the series embedding).
    histories : list of TrainingHistory
        One per ensemble member.
    optimizers : list or None
        The optimisers, to continue pretraining on more data.
    base, sp
        As in :class:`FittedState`.
    """

    cell: str
    window: int
    train_steps: np.ndarray
    network: nn.Module
    layout: SeriesLayout
    histories: list[TrainingHistory]
    optimizers: list | None = None
    base: str | None = None
    sp: int = 1


@dataclass
class FittedState:
    """Everything a fitted forecaster predicts and updates from.

    Attributes
    ----------
    config : types.SimpleNamespace
        The resolved hyper-parameters the state was built with.
    layout : SeriesLayout
        What the data looked like (series keys, columns, frequency).
    cell : str
        The recurrent cell.
    window : int
        L, past observations the network reads.
    train_steps : numpy.ndarray
        Horizon steps the network was trained to forecast.
    network : torch.nn.Module
        The trained network (an ensemble for ``n_models > 1``).
    scaling : PanelScaling
        Every series' scaling statistics.
    series_numbers : list of int or None
        Every series' number in the series embedding (None without one).
    n_trained_series : int
        Series the network was trained on (the embedding's size).
    context : list of numpy.ndarray
        Every series' latest scaled (T_i, C+K[+1]) rows: the window the next
        forecast reads, plus what an update's windows need (stateful: the
        whole history).
    context_index : list of pandas.Index
        The time points of those rows; the last is the series' end.
    histories : list of TrainingHistory
        One per ensemble member.
    stream : StreamState or None
        Stateful forecasters' state after the last observation.
    calibration : Calibration or None
        Validation forecasts and truths that calibrate the intervals
        (``interval_calibration="conformal"``).
    base : str or None
        The statistical part of a hybrid network ("theta+damped", ...), or
        None for the plain network. A hybrid's context is every series' whole
        history in the units of the data (the statistical part reads it all).
    sp : int
        The season length the fit used (``sp``, or what ``sp="auto"`` found).
    shrinkage : float
        The share of a hybrid network's correction its forecasts apply.
    optimizers : list or None
        The optimisers, continued by ``update``; not saved.
    """

    config: SimpleNamespace
    layout: SeriesLayout
    cell: str
    window: int
    train_steps: np.ndarray
    network: nn.Module
    scaling: PanelScaling
    series_numbers: list[int] | None
    n_trained_series: int
    context: list[np.ndarray]
    context_index: list[pd.Index]
    histories: list[TrainingHistory]
    stream: StreamState | None = None
    calibration: Calibration | None = field(default=None, repr=False)
    base: str | None = None
    sp: int = 1
    shrinkage: float = 1.0
    optimizers: list | None = field(default=None, repr=False)

    @property
    def ends(self) -> list:
        """Every series' last time point."""
        return [index[-1] for index in self.context_index]

    @property
    def history(self) -> TrainingHistory:
        """The first ensemble member's training history."""
        return self.histories[0]

    @property
    def device(self) -> torch.device:
        """Where the network lives."""
        return self.config.torch_device

    def last_observations(self, n: int = 1) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        """Every series' last ``n`` rows of ``y`` (and ``X``), in the data's units."""
        layout = self.layout
        n_targets, n_exog = layout.n_targets, layout.n_exog
        y_frames, x_frames = [], []
        for position, (rows, index) in enumerate(
            zip(self.context, self.context_index, strict=True)
        ):
            last = rows[-n:].astype(float)  # (n, C+K[+1]), scaled
            y = self.scaling.y.untransform(last[:, :n_targets], position)
            y_frames.append(pd.DataFrame(y, index=index[-n:], columns=layout.y_columns))
            if n_exog:
                x = self.scaling.x.untransform(
                    last[:, n_targets : n_targets + n_exog], position
                )
                x_frames.append(
                    pd.DataFrame(x, index=index[-n:], columns=layout.x_columns)
                )
        return layout.join(y_frames), layout.join(x_frames) if n_exog else None

    @functools.cached_property
    def forecast_origins(self) -> OriginWindows:
        """A hybrid's inputs at every series' end (computed once per state)."""
        steps = members_of(self.network)[0].n_steps
        datas = [
            origin_data(rows[:, 0], steps, self.sp, self.base) for rows in self.context
        ]
        return last_origins(datas, self.window, self.device)

    def replace(self, **changes) -> FittedState:
        """A new state with ``changes``; this one is left as it is."""
        return dataclasses.replace(self, **changes)

    # ------------------------------------------------------------ saving
    def to_tensors(self) -> dict[str, Tensor]:
        """The state's arrays, named, as contiguous CPU tensors."""
        tensors = {
            f"network.{name}": value.detach().cpu().contiguous()
            for name, value in self.network.state_dict().items()
        }
        arrays = {
            "train_steps": np.asarray(self.train_steps, dtype=np.int64),
            "scaling.y_mean": self.scaling.y.mean,
            "scaling.y_std": self.scaling.y.std,
        }
        if self.scaling.x is not None:
            arrays["scaling.x_mean"] = self.scaling.x.mean
            arrays["scaling.x_std"] = self.scaling.x.std
        if self.series_numbers is not None:
            arrays["series_numbers"] = np.asarray(self.series_numbers, np.int64)
        for position, (rows, index) in enumerate(
            zip(self.context, self.context_index, strict=True)
        ):
            arrays[f"context.{position}"] = rows
            arrays[f"context_index.{position}"] = encode_index(index)[0]
        for member, history in enumerate(self.histories):
            for name, values in history.lists().items():
                arrays[f"history.{member}.{name}"] = np.asarray(
                    values, dtype=np.int8 if name == "clipped" else np.float64
                )
            if history.gradient_flow is not None:
                arrays[f"history.{member}.gradient_flow"] = history.gradient_flow
        if self.calibration is not None:
            arrays["calibration.params"] = self.calibration.params
            arrays["calibration.targets"] = self.calibration.targets
        if self.stream is not None:
            arrays["stream.features"] = self.stream.features.cpu().numpy()
            for depth, state in enumerate(self.stream.hidden):
                parts = state if isinstance(state, tuple) else (state,)
                for part, value in enumerate(parts):
                    arrays[f"stream.hidden.{depth}.{part}"] = value.cpu().numpy()
        # a copy has the standard strides that safetensors and the checksum read
        tensors.update(
            {k: torch.as_tensor(np.array(v, order="C")) for k, v in arrays.items()}
        )
        return tensors

    def to_metadata(self) -> dict:
        """The rest of the state, as JSON values."""
        layout = self.layout
        return {
            "cell": self.cell,
            "base": self.base,
            "sp": int(self.sp),
            "shrinkage": float(self.shrinkage),
            "window": int(self.window),
            "n_steps": int(members_of(self.network)[0].n_steps),
            "n_members": len(members_of(self.network)),
            "n_trained_series": int(self.n_trained_series),
            "keys": [[json_label(part) for part in key] for key in layout.keys],
            "index_names": [json_label(name) for name in layout.index_names],
            "y_columns": _json_columns(layout.y_columns),
            "x_columns": None
            if layout.x_columns is None
            else _json_columns(layout.x_columns),
            "freq": layout.freq,
            "output_mtype": layout.output_mtype,
            "y_name": json_label(layout.y_name),
            "context_index": encode_index(self.context_index[0])[1],
            "histories": [
                {"best_epoch": h.best_epoch, "stop_reason": h.stop_reason}
                for h in self.histories
            ],
            "stream_parts": None
            if self.stream is None
            else [len(s) if isinstance(s, tuple) else 1 for s in self.stream.hidden],
        }

    # ----------------------------------------------------------- loading
    @classmethod
    def from_trained(cls, trained: PretrainedState, **fields) -> FittedState:
        """A state that forecasts with ``trained``'s network; ``fields`` give the rest.

        The network's own fields (cell, window, horizon steps, histories,
        optimisers, statistical part and season length) come from
        ``trained``. Its ``layout`` describes the panel the network was
        trained on, so the panel this state forecasts is one of ``fields``.
        """
        network_fields = {name: getattr(trained, name) for name in _NETWORK_FIELDS}
        return cls(**network_fields, **fields)

    @classmethod
    def from_saved(cls, tensors: dict, metadata: dict, config) -> FittedState:
        """Rebuild a state from :meth:`to_tensors` and :meth:`to_metadata`.

        ``config`` are the (already validated) hyper-parameters it was saved
        with. Every field is checked; the network is rebuilt from the
        hyper-parameters and must take the saved weights exactly.

        Raises
        ------
        PersistenceError
            Naming what does not fit.
        """
        reader = _Reader(tensors, metadata)
        layout = reader.layout()
        shrinkage = reader.field("shrinkage")
        reader.require(
            type(shrinkage) is float and 0 < shrinkage <= 1,
            f"shrinkage must be a float in (0, 1], got {shrinkage!r}",
        )
        n_trained = reader.integer("n_trained_series", 0)
        trained = reader.trained(config, layout, n_trained)
        return cls.from_trained(
            trained,
            config=config,
            layout=layout,
            scaling=reader.scaling(layout),
            series_numbers=reader.series_numbers(config, layout, n_trained),
            n_trained_series=n_trained,
            calibration=reader.calibration(config, trained.network, layout),
            shrinkage=shrinkage,
            **reader.context(config, layout, trained.base),
        )


_NETWORK_FIELDS = tuple(
    entry.name
    for entry in dataclasses.fields(PretrainedState)
    if entry.name != "layout"
)


def _is_frequency(freq) -> bool:
    try:
        return (
            isinstance(freq, str) and pd.tseries.frequencies.to_offset(freq) is not None
        )
    except ValueError:
        return False


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


class _Reader:
    """Read and check the fields of a saved state, naming what is wrong."""

    def __init__(self, tensors: dict, metadata: dict):
        self.tensors = tensors
        self.metadata = metadata if isinstance(metadata, dict) else {}
        self.require(isinstance(metadata, dict), "the state must be a JSON object")

    @staticmethod
    def require(condition: bool, message: str) -> None:
        if not condition:
            raise PersistenceError(f"the saved state is invalid: {message}")

    def field(self, name: str):
        self.require(name in self.metadata, f"it lacks {name!r}")
        return self.metadata[name]

    def integer(self, name: str, low: int, high: int | None = None) -> int:
        value = self.field(name)
        self.require(
            type(value) is int and value >= low and (high is None or value <= high),
            f"{name} must be an int in [{low}, {high}], got {value!r}",
        )
        return value

    def choice(self, name: str, allowed):
        value = self.field(name)
        self.require(
            value in allowed, f"{name} must be one of {allowed}, got {value!r}"
        )
        return value

    def labels(self, name: str, optional: bool = False):
        value = self.field(name)
        if value is None and optional:
            return None
        self.require(
            isinstance(value, list)
            and all(isinstance(v, str) or type(v) is int for v in value)
            and len(value) == len(set(value))
            and len(value) >= 1,
            f"{name} must be a list of distinct str or int labels, got {value!r}",
        )
        return pd.Index(value)

    def layout(self) -> SeriesLayout:
        keys = self.field("keys")
        names = self.field("index_names")
        self.require(
            isinstance(names, list)
            and len(names) >= 1
            and all(json_label(name) == name for name in names),
            "index_names must be a non-empty list of None, str or int",
        )
        self.require(
            isinstance(keys, list)
            and len(keys) >= 1
            and all(isinstance(k, list) and len(k) == len(names) - 1 for k in keys),
            "keys must be a list of one key (a list) per series",
        )
        freq = self.field("freq")
        self.require(
            freq is None or _is_frequency(freq),
            f"freq must be None or a pandas frequency, got {freq!r}",
        )
        mtype = self.field("output_mtype")
        self.require(isinstance(mtype, str), "output_mtype must be a string")
        y_name = self.field("y_name")
        self.require(json_label(y_name) == y_name, "y_name must be None, str or int")
        return SeriesLayout(
            keys=[tuple(key) for key in keys],
            index_names=list(names),
            y_columns=self.labels("y_columns"),
            x_columns=self.labels("x_columns", optional=True),
            freq=freq,
            output_mtype=mtype,
            y_name=y_name,
        )

    def index_spec(self) -> dict:
        spec = self.field("context_index")
        problems = index_spec_problems(spec)
        self.require(not problems, "; ".join(problems))
        return spec

    def array(
        self, name: str, shape: tuple, dtype=np.float64, missing_ok: bool = False
    ) -> np.ndarray:
        self.require(name in self.tensors, f"it lacks the array {name!r}")
        tensor = self.tensors[name]
        self.require(
            tensor.ndim == len(shape)
            and all(
                n is None or n == m for n, m in zip(shape, tensor.shape, strict=True)
            ),
            f"{name} has shape {tuple(tensor.shape)}, expected {shape}",
        )
        values = tensor.numpy().astype(dtype, copy=False)
        if np.issubdtype(values.dtype, np.floating):
            known = values[~np.isnan(values)] if missing_ok else values
            self.require(bool(np.isfinite(known).all()), f"{name} is not finite")
        return values

    def check_shapes(self, network: nn.Module | None) -> None:
        """Refuse weights whose names or shapes are not ``network``'s."""
        if network is None:
            return
        saved = {
            name.removeprefix("network."): tuple(value.shape)
            for name, value in self.tensors.items()
            if name.startswith("network.")
        }
        wanted = {
            name: tuple(value.shape) for name, value in network.state_dict().items()
        }
        differing = sorted(
            name
            for name in saved.keys() | wanted.keys()
            if saved.get(name) != wanted.get(name)
        )
        self.require(
            not differing,
            "the saved weights do not fit the network its hyper-parameters "
            f"describe: {len(differing)} differ, e.g. {differing[:3]} (saved "
            f"{[saved.get(n) for n in differing[:3]]}, described "
            f"{[wanted.get(n) for n in differing[:3]]})",
        )

    def load_weights(self, network: nn.Module) -> None:
        weights = {
            name.removeprefix("network."): value
            for name, value in self.tensors.items()
            if name.startswith("network.")
        }
        try:
            network.load_state_dict(weights, strict=True)
        except RuntimeError as error:
            self.require(
                False,
                "the saved weights do not fit the network its hyper-parameters "
                f"describe: {error}",
            )
        for name, value in network.state_dict().items():
            if value.is_floating_point():
                self.require(
                    bool(value.isfinite().all()), f"weight {name} is not finite"
                )

    def history(self, member: int) -> TrainingHistory:
        notes = self.field("histories")
        self.require(
            isinstance(notes, list) and len(notes) > member,
            "histories must hold one entry per member",
        )
        note = notes[member]
        self.require(
            isinstance(note, dict)
            and set(note) == {"best_epoch", "stop_reason"}
            and note.get("stop_reason") in (None, *STOP_REASONS)
            and (note.get("best_epoch") is None or type(note["best_epoch"]) is int),
            f"history {member} is invalid: {note!r}",
        )
        prefix = f"history.{member}."
        lists = {
            name.removeprefix(prefix): tensor
            for name, tensor in self.tensors.items()
            if name.startswith(prefix)
        }
        flow = lists.pop("gradient_flow", None)
        fields = {}
        for name in ("grad_norms", "clipped", "epoch_losses", "val_losses", "lrs"):
            self.require(name in lists, f"history {member} lacks {name}")
            values = lists[name].numpy()
            fields[name] = (
                [bool(v) for v in values] if name == "clipped" else values.tolist()
            )
        return TrainingHistory(
            **fields,
            best_epoch=note["best_epoch"],
            stop_reason=note["stop_reason"],
            gradient_flow=None if flow is None else flow.numpy(),
        )

    def stream(self, device: torch.device) -> StreamState | None:
        parts = self.field("stream_parts")
        if parts is None:
            return None
        self.require(
            isinstance(parts, list) and all(p in (1, 2) for p in parts) and parts,
            f"stream_parts must be a list of 1 or 2, got {parts!r}",
        )
        hidden = []
        for depth, n_parts in enumerate(parts):
            values = []
            for part in range(n_parts):
                name = f"stream.hidden.{depth}.{part}"
                values.append(torch.as_tensor(self.array(name, (None, None, None))))
            values = [v.float().to(device) for v in values]
            hidden.append(tuple(values) if n_parts == 2 else values[0])
        features = torch.as_tensor(self.array("stream.features", (None, None)))
        return StreamState(features.float().to(device), hidden)

    def trained(self, config, layout: SeriesLayout, n_trained: int) -> PretrainedState:
        """The saved network, rebuilt from ``config`` and loaded with its weights.

        The returned record's ``layout`` is the forecast panel's: a file does
        not keep the one the network was trained on.
        """
        cell = self.choice("cell", available_cells())
        base = self.choice("base", (*BASES, None))
        sp = self.integer("sp", 1, 100_000)
        window = self.integer("window", 1)
        n_steps = self.integer("n_steps", 1)
        n_members = self.integer("n_members", 1, config.n_models)
        train_steps = self.array("train_steps", (None,), np.int64)
        self.require(
            len(train_steps) >= 1 and bool(np.all(train_steps >= 1)),
            "train_steps must be positive",
        )
        expected = network_steps(config, train_steps, base)
        self.require(  # before the network is built: its head's size
            n_steps == expected,
            f"n_steps must be {expected} for these train_steps, got {n_steps}",
        )
        sizes = (cell, layout.n_targets, layout.n_exog, n_steps, n_trained)
        # shapes first, on the meta device: a file's sizes must not allocate
        self.check_shapes(_network_on_meta(config, *sizes, n_members, base))
        network = build_network(
            config,
            *sizes,
            make_generator(0, torch.device("cpu")),
            n_members,
            base,
        )
        self.load_weights(network)
        histories = [self.history(member) for member in range(n_members)]
        return PretrainedState(
            cell,
            window,
            train_steps,
            network.eval(),
            layout,
            histories,
            base=base,
            sp=sp,
        )

    def scaling(self, layout: SeriesLayout) -> PanelScaling:
        n_series, n_targets, n_exog = len(layout.keys), layout.n_targets, layout.n_exog
        y = SeriesScaling(
            self.array("scaling.y_mean", (n_series, n_targets)),
            self.array("scaling.y_std", (n_series, n_targets)),
        )
        if not n_exog:
            return PanelScaling(y, None)
        x = SeriesScaling(
            self.array("scaling.x_mean", (n_series, n_exog)),
            self.array("scaling.x_std", (n_series, n_exog)),
        )
        return PanelScaling(y, x)

    def series_numbers(
        self, config, layout: SeriesLayout, n_trained: int
    ) -> list[int] | None:
        if not config.series_embedding_dim:
            return None
        numbers = self.array("series_numbers", (len(layout.keys),), np.int64)
        self.require(
            bool(np.all((numbers >= 0) & (numbers <= n_trained))),
            "series_numbers must lie in [0, n_trained_series]",
        )
        return numbers.tolist()

    def context(self, config, layout: SeriesLayout, base: str | None) -> dict:
        """The state's fields ``context``, ``context_index`` and ``stream``."""
        width = layout.n_targets + layout.n_exog + bool(config.series_embedding_dim)
        # a hybrid keeps the data's own values (whole histories, float64)
        dtype = np.float64 if base is not None else np.float32
        index_spec = self.index_spec()
        context, context_index = [], []
        for position in range(len(layout.keys)):
            rows = self.array(f"context.{position}", (None, width), dtype)
            codes = self.array(f"context_index.{position}", (len(rows),), np.int64)
            self.require(len(rows) >= 1, "a context must hold rows")
            self.require(
                base is None or bool((rows > 0).all()),
                "a hybrid's context must be positive",
            )
            context.append(rows)
            context_index.append(decode_index(codes, index_spec))
        self.require(
            (layout.freq is not None) == (index_spec["kind"] == "datetime"),
            "freq must be given exactly for a DatetimeIndex",
        )
        stream = self.stream(config.torch_device)
        self.require(
            (stream is None) == (not config.stateful),
            "a stateful forecaster's file must hold its stream state, and only it",
        )
        return {"context": context, "context_index": context_index, "stream": stream}

    def calibration(
        self, config, network: nn.Module, layout: SeriesLayout
    ) -> Calibration | None:
        if config.interval_calibration is None:
            return None
        head = members_of(network)[0]
        shape = (head.n_steps, layout.n_targets)
        params = self.array(
            "calibration.params", (None, *shape, head.likelihood.n_params)
        )
        targets = self.array(
            "calibration.targets",
            (len(params), *shape),
            missing_ok=True,  # NaN: a target past the end of its series
        )
        self.require(len(params) >= 1, "the calibration holds no forecasts")
        return Calibration(params, targets)
