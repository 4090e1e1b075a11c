"""Recurrent cells by name: the built-in cells and the plugin registry.

A *cell* here is a layer factory: ``factory(input_size, hidden_size,
bidirectional)`` returns a one-layer ``nn.Module`` with the interface of
``torch.nn.LSTM`` used with ``batch_first=True``, i.e. ``module(x, state)``
returns ``(output, state)`` with ``output`` of shape (N, L, D*H_out). Parameters
follow PyTorch's names (``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``,
``bias_hh_l0`` and ``*_reverse``) so that initialisation works for every cell.

Third-party packages add cells through the entry-point group
``sktime_rnn.cells``; each entry point loads a :class:`CellSpec`.
"""

from __future__ import annotations

__all__ = ["CellSpec", "register_cell", "get_cell", "available_cells"]

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points

from torch import nn

from sktime_rnn.networks.lstm_no_forget import LSTMNoForget

ENTRY_POINT_GROUP = "sktime_rnn.cells"


@dataclass(frozen=True)
class CellSpec:
    """How to build one recurrent layer of a named cell.

    Parameters
    ----------
    name : str
        Name users pass as ``cell=...``.
    factory : callable
        ``factory(input_size, hidden_size, bidirectional) -> nn.Module``.
    gates : tuple of str
        Names of the gate blocks stacked in ``weight_hh`` (in PyTorch's order),
        e.g. ``("i", "f", "g", "o")`` for the LSTM; ``("h",)`` for Elman.
    has_cell_state : bool, default=False
        Whether the state is a tuple ``(h, c)`` (LSTM-like) rather than ``h``.
    """

    name: str
    factory: Callable[[int, int, bool], nn.Module]
    gates: tuple[str, ...]
    has_cell_state: bool = False

    @property
    def forget_gate(self) -> int | None:
        """Position of the forget-gate block, or None if the cell has none."""
        return self.gates.index("f") if "f" in self.gates else None


def _fused(module_cls: type[nn.RNNBase], **kwargs) -> Callable:
    def factory(input_size: int, hidden_size: int, bidirectional: bool):
        return module_cls(
            input_size,
            hidden_size,
            batch_first=True,
            bidirectional=bidirectional,
            **kwargs,
        )

    return factory


_BUILTIN = (
    CellSpec("rnn_tanh", _fused(nn.RNN, nonlinearity="tanh"), ("h",)),
    CellSpec("rnn_relu", _fused(nn.RNN, nonlinearity="relu"), ("h",)),
    CellSpec("lstm", _fused(nn.LSTM), ("i", "f", "g", "o"), has_cell_state=True),
    CellSpec("lstm_no_forget", LSTMNoForget, ("i", "g", "o"), has_cell_state=True),
    CellSpec("gru", _fused(nn.GRU), ("r", "z", "n")),
)

_REGISTRY: dict[str, CellSpec] = {spec.name: spec for spec in _BUILTIN}
_plugins_loaded = False


def register_cell(spec: CellSpec) -> CellSpec:
    """Add a cell to the registry so every forecaster accepts it by name.

    Parameters
    ----------
    spec : CellSpec
        The cell to register; its ``name`` must not be taken by another cell.

    Returns
    -------
    CellSpec
        ``spec``, so the function can be used on a module-level constant.

    Examples
    --------
    >>> from torch import nn
    >>> from sktime_rnn.networks.cells import CellSpec, register_cell, get_cell
    >>> def tiny_gru(n_in, n_hidden, bidirectional):
    ...     return nn.GRU(n_in, n_hidden, batch_first=True)
    >>> _ = register_cell(CellSpec("doc_gru", tiny_gru, ("r", "z", "n")))
    >>> get_cell("doc_gru").gates
    ('r', 'z', 'n')
    """
    if not isinstance(spec, CellSpec):
        raise TypeError(f"register_cell expected a CellSpec, got {type(spec)!r}")
    taken = _REGISTRY.get(spec.name)
    if taken is not None and taken != spec:
        raise ValueError(f"a cell named {spec.name!r} is already registered")
    _REGISTRY[spec.name] = spec
    return spec


def _load_plugins() -> None:
    """Register the cells of installed plugins, once; a broken plugin only warns."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            register_cell(entry_point.load())
        except Exception as error:  # noqa: BLE001 - one bad plugin must not break all
            warnings.warn(
                f"the cell plugin {entry_point.name!r} ({entry_point.value}) could "
                f"not be loaded and is skipped: {type(error).__name__}: {error}",
                UserWarning,
                stacklevel=3,
            )


def available_cells() -> list[str]:
    """Names of all cells: built-in and from installed plugins.

    Examples
    --------
    >>> from sktime_rnn.networks.cells import available_cells
    >>> {"lstm", "gru", "rnn_tanh"} <= set(available_cells())
    True
    """
    _load_plugins()
    return sorted(_REGISTRY)


def get_cell(name: str) -> CellSpec:
    """Look a cell up by name, with the allowed names in the error.

    Raises
    ------
    ValueError
        If no cell of that name is registered.
    """
    _load_plugins()
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"cell must be one of {available_cells()}, got {name!r}"
        ) from None
