"""How a network sees the data: the rows it keeps, the windows it trains on.

Two kinds of network, one interface, so the training runs (``_fitting``) need
not know which they drive:

- :class:`PlainInputs`: every series standardised, sliding windows of a fixed
  length (views of the series), the last window plus what an update needs as
  context (the whole history when stateful);
- :class:`HybridInputs`: every series in its own units, the statistical part
  at every origin, padded windows with masked targets (short series train
  too), the whole history as context (the statistical part reads it all).
"""

from __future__ import annotations

__all__ = ["HybridInputs", "PlainInputs", "inputs_for"]

import numpy as np
import torch

from sktime_rnn.exceptions import InvalidDataError
from sktime_rnn.forecasting._calibration import calibrate
from sktime_rnn.forecasting._hybrid import origin_data, training_origins, update_origins
from sktime_rnn.forecasting._params import optimisation_settings
from sktime_rnn.forecasting._preparation import SeriesData, scaled_values
from sktime_rnn.forecasting._scaling import PanelScaling, SeriesScaling
from sktime_rnn.training import SlidingWindows
from sktime_rnn.training.runtime import thread_count
from sktime_rnn.training.streams import SeriesStreams


def validation_steps(config, train_steps) -> int | float | None:
    """``validation_size``, with "auto" the largest horizon step (None: stateful).

    With "auto", series too short to hold out that many windows train
    without validation (:meth:`SlidingWindows.split` with ``required=False``).
    """
    if config.validation_size != "auto":
        return config.validation_size
    return None if config.stateful else int(np.max(train_steps))


class PlainInputs:
    """Standardised series and sliding windows, for the plain network."""

    hybrid = False

    def __init__(self, config, window: int, train_steps: np.ndarray, n_targets: int):
        self.config = config
        self.window = window
        self.train_steps = train_steps
        self.n_targets = n_targets

    def scaling(self, data: SeriesData) -> PanelScaling:
        """Every series' mean and standard deviation."""
        return PanelScaling.fit(*_raw_values(data))

    def rows(self, data, scaling, positions, numbers) -> list[np.ndarray]:
        """Every series' scaled float32 (T, C+K[+1]) rows."""
        return scaled_values(data, scaling, positions, numbers)

    def windows(self, rows, validate: bool = True):
        """Training windows, validation windows (or None) and streams (or None)."""
        config = self.config
        parts = [torch.as_tensor(r, device=config.torch_device) for r in rows]
        validation = validation_steps(config, self.train_steps) if validate else None
        # "auto" validates where the series are long enough; a number insists
        windows, held_out = SlidingWindows.split(
            parts,
            self.window,
            self.train_steps,
            self.n_targets,
            validation,
            required=config.validation_size != "auto",
        )
        if validation is not None and held_out is None and config.interval_calibration:
            raise InvalidDataError(
                f"interval_calibration={config.interval_calibration!r} needs "
                f"validation windows, but validation_size='auto' ({validation} "
                f"windows) leaves none: every series is shorter than "
                f"window_length={self.window} + largest horizon step "
                f"{int(np.max(self.train_steps))} + the held-out windows. Use a "
                "smaller window_length or interval_calibration=None"
            )
        streams = None
        if config.stateful:
            streams = [
                SeriesStreams(
                    part,
                    self.train_steps,
                    self.n_targets,
                    n_streams=optimisation_settings(config, hybrid=False)[1],
                    chunk_length=self.window,
                )
                for part in parts
            ]
        return windows, held_out, streams

    def update_windows(self, rows, previous_lengths):
        """The windows of an update: every window of the contexts (:meth:`context`)."""
        return self.windows(rows, validate=False)

    def context(self, rows, indices):
        """The last window plus what an update's windows need (stateful: all)."""
        if self.config.stateful:
            return rows, indices
        length = self.window + int(self.train_steps.max()) - 1
        return [r[-length:] for r in rows], [i[-length:] for i in indices]

    def calibration(self, network, validation, shrinkage: float = 1.0):
        """The trained network's forecasts of its ``validation`` windows."""
        with thread_count(self.config.num_threads):
            return calibrate(network, validation)


class HybridInputs:
    """Series in their own units and their forecast origins, for the hybrid network.

    ``n_steps`` is S, the steps the network forecasts (1 to the largest of
    ``fh``); ``sp`` the season length; ``base`` the statistical part.
    """

    hybrid = True

    def __init__(self, config, window: int, n_steps: int, sp: int, base: str):
        self.config = config
        self.window = window
        self.n_steps = n_steps
        self.sp = sp
        self.base = base

    def scaling(self, data: SeriesData) -> PanelScaling:
        """No scaling: the statistical part sets every series' level."""
        n = len(data.keys)
        return PanelScaling(SeriesScaling(np.zeros((n, 1)), np.ones((n, 1))), None)

    def rows(self, data, scaling, positions, numbers) -> list[np.ndarray]:
        """Every series' values, float64 (T, 1)."""
        return [frame.to_numpy(dtype=float) for frame in data.y.frames]

    def _origin_data(self, rows):
        return [origin_data(r[:, 0], self.n_steps, self.sp, self.base) for r in rows]

    def windows(self, rows, validate: bool = True):
        """Training origins, validation origins (or None), no streams."""
        validation = validation_steps(self.config, [self.n_steps]) if validate else None
        train, held_out = training_origins(
            self._origin_data(rows), self.window, validation, self.config.torch_device
        )
        return train, held_out, None

    def update_windows(self, rows, previous_lengths):
        """The origins whose targets lie in the observations the update added."""
        windows = update_origins(
            self._origin_data(rows),
            previous_lengths,
            self.window,
            self.config.torch_device,
        )
        return windows, None, None

    def context(self, rows, indices):
        """Every series' whole history."""
        return rows, indices

    def calibration(self, network, validation, shrinkage: float = 1.0):
        """The trained network's forecasts of its ``validation`` origins."""
        with thread_count(self.config.num_threads):
            return calibrate(network, validation, hybrid=True, shrinkage=shrinkage)


def inputs_for(config, window, train_steps, n_targets, sp, base):
    """The inputs of a fit: hybrid with a statistical ``base``, else plain."""
    if base is None:
        return PlainInputs(config, window, train_steps, n_targets)
    return HybridInputs(config, window, int(np.max(train_steps)), sp, base)


def _raw_values(data: SeriesData):
    values = [data.values(position) for position in range(len(data.keys))]
    y = [v[0] for v in values]
    x = None if data.x is None else [v[1] for v in values]
    return y, x
