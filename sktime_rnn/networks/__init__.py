"""Pure ``torch.nn`` building blocks: cells, encoder, initialisation, networks."""

from sktime_rnn.networks.cells import CellSpec, available_cells, get_cell, register_cell
from sktime_rnn.networks.encoder import RecurrentEncoder
from sktime_rnn.networks.model import DirectForecastNetwork, EnsembleNetwork

__all__ = [
    "CellSpec",
    "DirectForecastNetwork",
    "EnsembleNetwork",
    "RecurrentEncoder",
    "available_cells",
    "get_cell",
    "register_cell",
]
