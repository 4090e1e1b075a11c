"""Weight initialisation of recurrent layers: orthogonal/Xavier blocks, forget bias."""

from __future__ import annotations

__all__ = ["INIT_SCHEMES", "initialize_recurrent_layer"]

import torch
from torch import nn

from sktime_rnn.networks.cells import CellSpec

INIT_SCHEMES = ("orthogonal", "xavier", "default")


@torch.no_grad()
def initialize_recurrent_layer(
    layer: nn.Module, cell: CellSpec, init: str, forget_bias: float | None
) -> None:
    """Initialise one recurrent layer in place, gate block by gate block.

    Parameters
    ----------
    layer : nn.Module
        A layer built by ``cell.factory``, with PyTorch's parameter names.
    cell : CellSpec
        Its cell, which tells how many gate blocks are stacked and where the
        forget gate is.
    init : {"orthogonal", "xavier", "default"}
        "orthogonal": each (H, H) block of ``weight_hh`` orthogonal, each block
        of ``weight_ih`` Xavier-uniform, biases zero. "xavier": Xavier-uniform
        blocks for both, biases zero. "default": PyTorch's own initialisation.
    forget_bias : float or None
        If the cell has a forget gate, the effective initial forget bias: the
        forget slice of ``bias_ih`` is set to it and that of ``bias_hh`` to 0,
        so their sum, which is what the gate sees, is exactly ``forget_bias``.

    Examples
    --------
    >>> from sktime_rnn.networks.cells import get_cell
    >>> spec = get_cell("lstm")
    >>> layer = spec.factory(2, 4, False)
    >>> initialize_recurrent_layer(layer, spec, "orthogonal", forget_bias=1.0)
    >>> (layer.bias_ih_l0[4:8] + layer.bias_hh_l0[4:8]).tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    n_gates = len(cell.gates)
    for name, param in layer.named_parameters():
        if init != "default":
            blocks = param.chunk(n_gates, dim=0)
            if name.startswith("weight_hh") and init == "orthogonal":
                for block in blocks:
                    nn.init.orthogonal_(block)
            elif name.startswith("weight_"):
                for block in blocks:
                    nn.init.xavier_uniform_(block)
            elif name.startswith("bias_"):
                param.zero_()
        if (
            forget_bias is not None
            and cell.forget_gate is not None
            and name.startswith("bias_")
        ):
            forget = param.chunk(n_gates, dim=0)[cell.forget_gate]
            forget.fill_(forget_bias if name.startswith("bias_ih") else 0.0)
