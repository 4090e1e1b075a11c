"""Training windows as views into one contiguous buffer (``Tensor.unfold``)."""

from __future__ import annotations

__all__ = ["SlidingWindows"]

import torch
from torch import Tensor


class SlidingWindows:
    """Every (past window, future steps) pair of a series, without copying it.

    ``series.unfold`` makes a strided view of all windows; a batch is gathered
    by index from that view, so memory is the series plus one batch.

    Parameters
    ----------
    series : Tensor
        (T, C+K) values, targets in the first ``n_targets`` columns, exogenous
        variables after them.
    window_length : int
        L, past steps the network reads.
    steps : sequence of int
        Horizon steps (1 = next step) whose targets, and exogenous values, each
        window is paired with.
    n_targets : int
        C, target columns.

    Examples
    --------
    >>> import torch
    >>> series = torch.arange(10.0).unsqueeze(1)  # (T=10, 1)
    >>> windows = SlidingWindows(series, window_length=3, steps=[1, 2], n_targets=1)
    >>> len(windows)
    6
    >>> past, future_exog, target = windows.batch(torch.tensor([0, 5]))
    >>> past[:, :, 0].tolist(), target[:, :, 0].tolist()
    ([[0.0, 1.0, 2.0], [5.0, 6.0, 7.0]], [[3.0, 4.0], [8.0, 9.0]])
    """

    def __init__(self, series: Tensor, window_length: int, steps, n_targets: int):
        self.window_length = window_length
        self.n_targets = n_targets
        self.steps = torch.as_tensor(steps, dtype=torch.long)
        span = window_length + int(self.steps.max())
        if series.shape[0] < span:
            raise ValueError(
                f"need at least {span} observations (window_length={window_length} "
                f"+ largest horizon step {span - window_length}), got {series.shape[0]}"
            )
        self.series = series
        self._future_positions = window_length + self.steps - 1
        self._windows = series.unfold(0, span, 1)  # (N, C+K, L+max_step) view

    def __len__(self) -> int:
        return self._windows.shape[0]

    def batch(self, index: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Gather windows ``index`` into a batch.

        Returns
        -------
        past : Tensor
            (B, L, C+K) past targets and exogenous values.
        future_exog : Tensor
            (B, S, K) exogenous values at the horizon steps.
        target : Tensor
            (B, S, C) target values at the horizon steps.
        """
        windows = self._windows[index]  # (B, C+K, L+max_step), the only copy
        past = windows[:, :, : self.window_length].transpose(1, 2)  # (B, L, C+K)
        future = windows[:, :, self._future_positions].transpose(1, 2)  # (B, S, C+K)
        return past, future[:, :, self.n_targets :], future[:, :, : self.n_targets]
