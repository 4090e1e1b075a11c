"""Training windows as views into one contiguous buffer (``Tensor.unfold``)."""

from __future__ import annotations

__all__ = ["SlidingWindows"]

import torch
from torch import Tensor

from sktime_rnn.exceptions import InvalidDataError
from sktime_rnn.networks.batches import WindowBatch


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
    starts : Tensor, optional
        Positions in ``series`` where windows may start. Several series laid
        end to end in one buffer use it to skip windows that would cross from
        one series into the next (see :meth:`from_series`). None (default):
        every position, without materialising them (a 10-million-point series
        would otherwise carry an 80 MB index).

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

    def __init__(
        self,
        series: Tensor,
        window_length: int,
        steps,
        n_targets: int,
        starts: Tensor | None = None,
    ):
        self.window_length = window_length
        self.n_targets = n_targets
        # on the data's device: indexing a GPU tensor with a CPU index copies it over
        self.steps = torch.as_tensor(steps, dtype=torch.long, device=series.device)
        span = window_length + int(self.steps.max())
        if series.shape[0] < span:
            raise InvalidDataError(
                f"need at least {span} observations (window_length={window_length} "
                f"+ largest horizon step {span - window_length}), got {series.shape[0]}"
            )
        self.series = series
        self._future_positions = window_length + self.steps - 1
        self._windows = series.unfold(0, span, 1)  # (N, C+K, L+max_step) view
        self.starts = starts

    @classmethod
    def from_series(cls, series: list, window_length: int, steps, n_targets: int):
        """Windows of several series, laid end to end in one contiguous buffer.

        No window crosses from one series into the next. Every series must be
        at least ``window_length + max(steps)`` long.

        Examples
        --------
        >>> import torch
        >>> parts = [torch.zeros(5, 1), torch.ones(4, 1)]
        >>> windows = SlidingWindows.from_series(parts, 2, [1], n_targets=1)
        >>> len(windows), windows.starts.tolist()
        (5, [0, 1, 2, 5, 6])
        """
        if len(series) == 1:
            return cls(series[0], window_length, steps, n_targets)
        span = window_length + int(max(steps))
        starts, offset = [], 0
        for part in series:
            starts.append(
                torch.arange(
                    offset, offset + part.shape[0] - span + 1, device=part.device
                )
            )
            offset += part.shape[0]
        buffer = torch.cat(series)  # (sum T_i, C+K), the one copy of the data
        return cls(buffer, window_length, steps, n_targets, torch.cat(starts))

    @classmethod
    def split(
        cls,
        series: list,
        window_length: int,
        steps,
        n_targets: int,
        validation_size: int | float | None,
        required: bool = True,
    ) -> tuple[SlidingWindows, SlidingWindows | None]:
        """Training and validation windows of several series: a temporal split.

        In every series the latest windows are held out for validation: the
        last ``validation_size`` of them (an int), or that share of them (a
        float, at least one). Training windows end, targets included, before
        the first validation target, so no window straddles the split and no
        validation target is ever trained on. A series too short to give both
        kinds trains only. Both share one buffer of the data. If no series
        can hold out a window, ``required=False`` trains on every window
        without validation (the second value is None).

        Raises
        ------
        ValueError
            If ``required`` and no series is long enough to hold out a
            validation window.

        Examples
        --------
        >>> import torch
        >>> series = [torch.arange(10.0).unsqueeze(1)]
        >>> train, val = SlidingWindows.split(series, 3, [1], 1, validation_size=2)
        >>> train.starts.tolist(), val.starts.tolist()
        ([0, 1, 2, 3, 4], [5, 6])
        """
        if validation_size is None:
            return cls.from_series(series, window_length, steps, n_targets), None
        first_step = int(min(steps))
        span = window_length + int(max(steps))
        train, validation, offset = [], [], 0
        for part in series:
            n_windows = part.shape[0] - span + 1
            if isinstance(validation_size, float):
                n_val = max(1, round(validation_size * n_windows))
            else:
                n_val = validation_size
            first_val = n_windows - n_val
            # training windows end before the first validation window's first target
            n_train = first_val + window_length + first_step - span
            if first_val < 0 or n_train < 1:
                n_val, n_train = 0, n_windows
            starts = torch.arange(offset, offset + n_windows, device=part.device)
            train.append(starts[:n_train])
            validation.append(starts[n_windows - n_val :])
            offset += part.shape[0]
        validation = torch.cat(validation)
        if not len(validation) and not required:
            return cls.from_series(series, window_length, steps, n_targets), None
        if not len(validation):
            raise InvalidDataError(
                f"validation_size={validation_size!r} leaves no validation window: "
                f"a series needs more than {span} observations (window_length="
                f"{window_length} + largest horizon step {span - window_length}) "
                "plus the held-out windows; use a smaller validation_size or "
                "window_length, or validation_size=None"
            )
        buffer = torch.cat(series) if len(series) > 1 else series[0]
        return (
            cls(buffer, window_length, steps, n_targets, torch.cat(train)),
            cls(buffer, window_length, steps, n_targets, validation),
        )

    def __len__(self) -> int:
        if self.starts is None:
            return self._windows.shape[0]
        return self.starts.shape[0]

    def batch(self, index: Tensor) -> WindowBatch:
        """Gather windows ``index`` into a batch.

        Returns
        -------
        WindowBatch
            ``past`` (B, L, C+K) past targets and exogenous values,
            ``future_exog`` (B, S, K) exogenous values and ``target`` (B, S, C)
            target values at the horizon steps.
        """
        rows = index if self.starts is None else self.starts[index]
        windows = self._windows[rows]  # (B, C+K, L+max_step), the only copy
        past = windows[:, :, : self.window_length].transpose(1, 2)  # (B, L, C+K)
        future = windows[:, :, self._future_positions].transpose(1, 2)  # (B, S, C+K)
        return WindowBatch(
            past, future[:, :, self.n_targets :], future[:, :, : self.n_targets]
        )
