"""The optimisers' state in a file: what ``update`` continues after ``load``.

An optimiser's state (Adam's moment estimates and step count, SGD's momentum)
is saved as tensors ``optimizer.{member}.{parameter}.{name}``, its settings
(learning rate, betas, ...) as JSON. Loading builds the optimisers the plan
describes and gives them the saved state, after checking every tensor's shape
against the parameter it belongs to, so a fine-tuning ``update`` of a loaded
forecaster continues exactly where the saved one would.
"""

from __future__ import annotations

__all__ = ["optimizer_metadata", "optimizer_tensors", "read_optimizers"]

import numbers

import torch
from torch import Tensor

from sktime_rnn.exceptions import PersistenceError
from sktime_rnn.forecasting._engine._build import build_trainer, members_of
from sktime_rnn.training.runtime import make_generator

# settings of a parameter group a file may restore: numbers (and pairs of them)
_SETTINGS = ("lr", "initial_lr", "betas", "eps", "weight_decay", "momentum")


def optimizer_tensors(optimizers: list | None) -> dict[str, Tensor]:
    """Every tensor of the optimisers' state, named by member, parameter and kind."""
    tensors = {}
    for member, optimizer in enumerate(optimizers or ()):
        for parameter, values in optimizer.state_dict()["state"].items():
            for name, value in values.items():
                if isinstance(value, Tensor):
                    key = f"optimizer.{member}.{parameter}.{name}"
                    tensors[key] = value.detach().cpu().contiguous()
    return tensors


def optimizer_metadata(optimizers: list | None) -> list | None:
    """Every optimiser's parameter groups' settings, as JSON values (or None)."""
    if optimizers is None:
        return None
    return [
        [
            {
                name: list(group[name])
                if isinstance(group[name], tuple)
                else group[name]
                for name in _SETTINGS
                if name in group
            }
            for group in optimizer.state_dict()["param_groups"]
        ]
        for optimizer in optimizers
    ]


def read_optimizers(plan, network, tensors: dict, saved) -> list | None:
    """The optimisers of ``network``'s members, given their saved state.

    ``saved`` is :func:`optimizer_metadata`'s record (None: a file without
    optimisers, as files before format version 3: ``update`` then starts new
    ones).

    Raises
    ------
    PersistenceError
        If a setting or a tensor does not fit the optimiser the plan builds.
    """
    if saved is None:
        return None
    members = members_of(network)
    _require(
        isinstance(saved, list) and len(saved) == len(members),
        f"optimizers must hold one entry per member, got {saved!r}",
    )
    trainer = build_trainer(plan, 1, make_generator(0, torch.device("cpu")))
    optimizers = []
    for number, (member, groups) in enumerate(zip(members, saved, strict=True)):
        optimizer = trainer.make_optimizer(member)
        state = optimizer.state_dict()
        _require(
            isinstance(groups, list) and len(groups) == len(state["param_groups"]),
            f"optimizer {number} must hold {len(state['param_groups'])} groups",
        )
        for group, settings in zip(state["param_groups"], groups, strict=True):
            group.update(_settings(settings, number))
        parameters = [p for g in optimizer.param_groups for p in g["params"]]
        state["state"] = _member_state(tensors, number, parameters)
        optimizer.load_state_dict(state)
        optimizers.append(optimizer)
    return optimizers


def _settings(settings, number: int) -> dict:
    def is_setting(name, value):
        values = value if isinstance(value, list) else [value]
        return name in _SETTINGS and all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values
        )

    _require(
        isinstance(settings, dict)
        and all(is_setting(*item) for item in settings.items()),
        f"optimizer {number}'s settings are invalid: {settings!r}",
    )
    return {k: tuple(v) if isinstance(v, list) else v for k, v in settings.items()}


def _member_state(tensors: dict, number: int, parameters: list) -> dict:
    prefix = f"optimizer.{number}."
    state = {}
    for key, value in tensors.items():
        if not key.startswith(prefix):
            continue
        position, _, name = key.removeprefix(prefix).partition(".")
        _require(
            position.isdigit() and int(position) < len(parameters) and name,
            f"{key} names no parameter of the network",
        )
        shape = parameters[int(position)].shape
        _require(
            value.shape in (torch.Size([]), shape),
            f"{key} has shape {tuple(value.shape)}, expected () or {tuple(shape)}",
        )
        _require(
            not value.is_floating_point() or bool(value.isfinite().all()),
            f"{key} is not finite",
        )
        state.setdefault(int(position), {})[name] = value
    return state


def _json(value):
    return list(value) if isinstance(value, tuple) else value


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PersistenceError(f"the saved state is invalid: {message}")
