"""Read a fitted state back from a file's tensors and metadata, checking every field.

:func:`read_state` is the inverse of ``_state_writer``: every field is
checked (types, shapes, ranges, finiteness), the network is rebuilt from the
hyper-parameters and must take the saved weights exactly, and anything that
does not fit is refused with a :class:`~sktime_rnn.exceptions.PersistenceError`
naming it.
"""

from __future__ import annotations

__all__ = ["read_state"]

import numpy as np
import pandas as pd
import torch
from torch import nn

from sktime_rnn.exceptions import PersistenceError
from sktime_rnn.forecasting._engine._build import build_network, members_of
from sktime_rnn.forecasting._engine._calibration import Calibration
from sktime_rnn.forecasting._engine._data import SeriesLayout
from sktime_rnn.forecasting._engine._plan import kind_named, network_plan
from sktime_rnn.forecasting._engine._scaling import PanelScaling, SeriesScaling
from sktime_rnn.forecasting._engine._state import (
    FittedState,
    PretrainedState,
    StreamState,
)
from sktime_rnn.forecasting._engine._statistical import BASES
from sktime_rnn.forecasting._files._optimizers import read_optimizers
from sktime_rnn.forecasting._files._time_index import (
    decode_index,
    index_spec_problems,
    json_label,
)
from sktime_rnn.networks.cells import available_cells
from sktime_rnn.training.diagnostics import STOP_REASONS, TrainingHistory
from sktime_rnn.training.runtime import make_generator


def read_state(tensors: dict, metadata: dict, config) -> FittedState:
    """Rebuild a state from ``_state_writer``'s tensors and metadata.

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
    plan = trained.plan.replace(shrinkage=shrinkage)
    return FittedState.from_trained(
        trained,
        plan=plan,
        layout=layout,
        scaling=reader.scaling(layout),
        series_numbers=reader.series_numbers(config, layout, n_trained),
        n_trained_series=n_trained,
        calibration=reader.calibration(config, trained.network, layout),
        **reader.context(plan, layout),
    )


def _network_on_meta(plan, *sizes) -> nn.Module | None:
    """The network these sizes describe, without memory (None if it cannot be).

    A plugin's cell may not build on torch's meta device; its file's shapes
    are then only checked when the weights load.
    """
    meta = torch.device("meta")
    on_meta = plan.replace(config=plan.config.replace(torch_device=meta))
    try:
        with meta:
            return build_network(
                on_meta, *sizes[:3], make_generator(0, torch.device("cpu")), *sizes[3:]
            )
    except Exception:  # noqa: BLE001 - the real build reports what is wrong
        return None


def _is_frequency(freq) -> bool:
    try:
        return (
            isinstance(freq, str) and pd.tseries.frequencies.to_offset(freq) is not None
        )
    except ValueError:
        return False


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
        kind = kind_named(base)
        plan = network_plan(
            config, kind, cell, window, train_steps, sp, layout.n_targets
        )
        expected = plan.n_steps
        self.require(  # before the network is built: its head's size
            n_steps == expected,
            f"n_steps must be {expected} for these train_steps, got {n_steps}",
        )
        sizes = (layout.n_targets, layout.n_exog, n_trained)
        # shapes first, on the meta device: a file's sizes must not allocate
        self.check_shapes(_network_on_meta(plan, *sizes, n_members))
        network = build_network(
            plan, *sizes, make_generator(0, torch.device("cpu")), n_members
        )
        self.load_weights(network)
        histories = [self.history(member) for member in range(n_members)]
        saved = self.metadata.get("optimizers")  # files before version 3: none
        optimizers = read_optimizers(plan, network, self.tensors, saved)
        return PretrainedState(plan, network.eval(), layout, histories, optimizers)

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

    def context(self, plan, layout: SeriesLayout) -> dict:
        """The state's fields ``context``, ``context_index`` and ``stream``."""
        config = plan.config
        width = layout.n_targets + layout.n_exog + bool(config.series_embedding_dim)
        index_spec = self.index_spec()
        context, context_index = [], []
        for position in range(len(layout.keys)):
            rows = self.array(
                f"context.{position}", (None, width), plan.kind.context_dtype
            )
            codes = self.array(f"context_index.{position}", (len(rows),), np.int64)
            self.require(len(rows) >= 1, "a context must hold rows")
            problem = plan.kind.check_context(rows)
            self.require(problem is None, str(problem))
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
