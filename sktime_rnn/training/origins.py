"""Forecast origins of short series: padded input windows, masked targets.

A hybrid network forecasts from every origin of every series, even one with
less history than its window or fewer future values than its horizon: the
window is left-padded with zeros (and a mask channel that says which values
are real), and targets past the end of the series (or past a validation cut)
are masked out of the loss. So a 9-point yearly series still gives training
windows instead of being refused.

What needs precision is kept in float64 and only small numbers reach float32:
the window relative to its origin's level, and each error as
``B * expm1(c) + d`` with ``B`` the base over the series' MASE scale and ``d``
the base's error in MASE units (both exact in float64), so that a series at
1e12 with a variation of 1 trains on its variation, not on rounding noise.
"""

from __future__ import annotations

__all__ = ["OriginData", "OriginWindows"]

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from sktime_rnn.networks.batches import OriginBatch


@dataclass
class OriginData:
    """One series, prepared: what the windows of its origins are cut from.

    Attributes
    ----------
    values : numpy.ndarray
        (T,) what the encoder reads, before the origin's level is subtracted.
    level : numpy.ndarray
        (T+1,) every origin's level (subtracted from the window it reads).
    path : numpy.ndarray
        (T+1, S) every origin's statistical forecast path, relative to its level.
    base : numpy.ndarray
        (T+1, S) every origin's statistical forecast, in the units of the data.
    target : numpy.ndarray
        (T,) the observations.
    scale : float
        The series' in-sample seasonal-naive mean absolute error (its MASE
        scale).
    """

    values: np.ndarray
    level: np.ndarray
    path: np.ndarray
    base: np.ndarray
    target: np.ndarray
    scale: float


class OriginWindows:
    """The windows of chosen origins of several series, as batches of tensors.

    Parameters
    ----------
    series : list of OriginData
    origins : list of numpy.ndarray
        Every series' origins (``k`` forecasts positions ``k..k+S-1`` from the
        values before ``k``).
    window_length : int
        L, values read before each origin (left-padded where there are fewer).
    cuts : list of int, optional
        Per series, the first position whose target is masked (default: the
        series' length, i.e. only values past its end are masked).
    device : torch.device or str, default="cpu"
        Where the tensors live.

    Examples
    --------
    >>> import numpy as np
    >>> data = OriginData(
    ...     values=np.arange(4.0), level=np.zeros(5), path=np.zeros((5, 2)),
    ...     base=np.ones((5, 2)), target=np.arange(4.0), scale=1.0)
    >>> windows = OriginWindows([data], [np.array([1, 3])], window_length=3)
    >>> batch = windows.batch(torch.arange(2))
    >>> batch.past[0].tolist()  # origin 1: two padded steps, then the first value
    [[0.0, 0.0], [0.0, 0.0], [0.0, 1.0]]
    >>> batch.target.tolist(), batch.mask.tolist()  # origin 3: past the end
    ([[1.0, 2.0], [3.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]])
    >>> batch.gap.tolist()  # the base's errors in MASE units, 0 where masked
    [[0.0, -1.0], [-2.0, 0.0]]
    """

    def __init__(
        self,
        series: list[OriginData],
        origins: list[np.ndarray],
        window_length: int,
        cuts: list[int] | None = None,
        device: torch.device | str = "cpu",
    ):
        n_steps = series[0].path.shape[1]
        cuts = cuts or [len(data.values) for data in series]
        padded, starts, offset = [], [], 0
        rows = {name: [] for name in ("level", "path", "log_base", "target", "mask")}
        rows.update(base_over_scale=[], gap=[])
        for data, chosen, cut in zip(series, origins, cuts, strict=True):
            n = len(data.values)
            # L zeros (mask 0) before the series (mask 1), then S-1 for the targets
            values = np.zeros((window_length + n, 2))
            values[window_length:, 0] = data.values
            values[window_length:, 1] = 1.0
            padded.append(values)
            starts.append(offset + chosen)  # the window of origin k ends before k
            offset += len(values)
            positions = chosen[:, None] + np.arange(n_steps)[None, :]  # (N_i, S)
            observed = positions < min(cut, n)
            target = np.where(observed, data.target[np.clip(positions, 0, n - 1)], 0.0)
            base = data.base[chosen]  # (N_i, S)
            rows["level"].append(data.level[chosen])
            rows["path"].append(data.path[chosen])
            rows["log_base"].append(np.log(base))
            rows["target"].append(target)
            rows["mask"].append(observed)
            rows["base_over_scale"].append(base / data.scale)
            rows["gap"].append(np.where(observed, (base - target) / data.scale, 0.0))
        self.window_length = window_length

        def tensor(parts, dtype=torch.float32):
            values = np.ascontiguousarray(np.concatenate(parts))
            return torch.as_tensor(values, dtype=dtype, device=device)

        # float64: the window minus its level is taken in batch()
        self._buffer = tensor(padded, torch.float64)  # (sum(L + T_i), 2)
        self._windows = self._buffer.unfold(0, window_length, 1)  # (., 2, L) view
        starts = np.concatenate(starts)
        self.starts = torch.as_tensor(starts, dtype=torch.long, device=device)
        self.level = tensor(rows["level"], torch.float64)
        self.path = tensor(rows["path"])
        self.log_base = tensor(rows["log_base"], torch.float64)
        self.target = tensor(rows["target"], torch.float64)
        self.mask = tensor(rows["mask"])
        self.base_over_scale = tensor(rows["base_over_scale"])
        self.gap = tensor(rows["gap"])

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def series(self) -> Tensor:
        """The buffer the windows are views of (where batches are gathered)."""
        return self._buffer

    def batch(self, index: Tensor) -> OriginBatch:
        """Gather origins ``index`` into an :class:`OriginBatch`.

        ``past`` holds the values before every origin minus its level (taken
        in float64), and the mask of real values; padding stays 0.
        """
        windows = self._windows[self.starts[index]].transpose(1, 2)  # (B, L, 2)
        level = self.level[index][:, None]  # (B, 1)
        values = (windows[..., 0] - level) * windows[..., 1]  # padding stays 0
        past = torch.stack([values, windows[..., 1]], dim=2).float()
        return OriginBatch(
            past,
            self.path[index],
            self.log_base[index],
            self.target[index],
            self.mask[index],
            self.base_over_scale[index],
            self.gap[index],
        )
