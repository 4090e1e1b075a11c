"""The rolling origins of the ``sktime-rnn`` command, and where they run."""

from __future__ import annotations

__all__ = ["check_season", "make_cv", "parallel_backend"]

import contextlib
import logging

from sktime.split import ExpandingWindowSplitter, SlidingWindowSplitter

from sktime_rnn.cli.errors import CommandError
from sktime_rnn.evaluation._backends import available_cores, check_backend


def make_cv(kind, fh, initial, step, n_observations, window_length=None):
    """Build the ``--cv`` splitter, checking that it leaves at least one fold.

    Examples
    --------
    >>> import pandas as pd
    >>> make_cv("expanding", [1, 2], 10, 2, 20).get_n_splits(pd.Series(range(20)))
    5
    """
    horizon = len(fh)
    if initial + horizon > n_observations:
        raise CommandError(
            f"--fh {horizon} is too long for the data: --initial {initial} plus "
            f"{horizon} steps ahead needs {initial + horizon} observations, the "
            f"data has {n_observations}"
        )
    # window_length="auto" shrinks to fit, down to 1 step: it needs 2 more
    needed = horizon + (2 if window_length == "auto" else window_length or 0)
    if initial < needed:
        raise CommandError(
            f"--initial {initial} is too short for window_length={window_length} "
            f"and --fh {horizon}: the model needs at least {needed} training "
            "observations"
        )
    if kind == "expanding":
        return ExpandingWindowSplitter(fh=fh, initial_window=initial, step_length=step)
    return SlidingWindowSplitter(fh=fh, window_length=initial, step_length=step)


def check_season(sp, initial, given) -> int:
    """Check the season length fits the first training window; return the one used.

    MASE's scale and the seasonal baselines compare each value with the one
    ``sp`` steps earlier, so a training window needs more than ``sp``
    observations. A given ``--sp`` that does not fit is an error; an inferred
    one falls back to 1.

    Examples
    --------
    >>> check_season(12, 96, given=True), check_season(52, 40, given=False)
    (12, 1)
    """
    if sp < initial:
        return sp
    if given:
        raise CommandError(
            f"--sp {sp} does not fit the first training window of {initial} "
            f"observations (--initial): MASE and the seasonal baselines compare "
            f"each value with the one {sp} steps earlier; give --sp below {initial}"
        )
    return 1


@contextlib.contextmanager
def parallel_backend(name, n_jobs):
    """Start what ``--backend`` needs; yield evaluate's backend and params."""
    backend = None if name == "none" else name
    check_backend(backend, None)
    n_jobs = n_jobs or available_cores()
    if backend == "loky":
        yield backend, {"n_jobs": n_jobs}
    elif backend == "ray":
        yield (
            backend,
            {
                "ray_remote_args": {
                    "num_cpus": n_jobs,
                    "include_dashboard": False,
                    "log_to_driver": False,
                    "logging_level": logging.ERROR,
                },
                "mute_warnings": True,
            },
        )
    elif backend == "dask":
        from distributed import Client, LocalCluster

        logging.getLogger("distributed").setLevel(logging.ERROR)
        with (
            LocalCluster(
                n_workers=n_jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster),
        ):
            yield backend, {}
    else:
        yield None, None
