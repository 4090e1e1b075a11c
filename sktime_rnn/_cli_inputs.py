"""What the ``sktime-rnn`` command evaluates, and where: model, baselines, folds.

Every bad input raises :class:`CommandError` with a one-line message naming
the flag, so the command can print it without a traceback.
"""

from __future__ import annotations

__all__ = [
    "BASELINES",
    "MODELS",
    "CommandError",
    "make_baselines",
    "make_cv",
    "make_model",
    "parallel_backend",
]

import ast
import contextlib
import importlib.util
import logging

from sktime.split import ExpandingWindowSplitter, SlidingWindowSplitter

from sktime_rnn import GRUForecaster, LSTMForecaster, RNNForecaster
from sktime_rnn.evaluation._backends import available_cores, check_backend

MODELS = {"lstm": LSTMForecaster, "gru": GRUForecaster, "rnn": RNNForecaster}
BASELINES = ("naive", "naive-seasonal", "drift", "mean", "ets", "theta")


class CommandError(Exception):
    """A bad command line: the message is printed as one line, exit code 2."""


def make_model(name, params, random_state):
    """Build the ``--model`` forecaster with ``--param name=value`` settings."""
    cls = MODELS[name]
    values = {"random_state": random_state}
    known = cls().get_params(deep=False)
    for item in params or []:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise CommandError(f"--param expects name=value, got {item!r}")
        if key not in known:
            raise CommandError(
                f"--param {key}: {cls.__name__} has no hyper-parameter {key!r}; "
                f"it has {', '.join(sorted(known))}"
            )
        values[key] = _literal(text.strip())
    return cls(**values)


def make_baselines(spec, sp) -> dict:
    """Build the ``--baseline`` forecasters, named as given."""
    from sktime.forecasting.naive import NaiveForecaster

    names = [name.strip() for name in (spec or "").split(",") if name.strip()]
    unknown = [name for name in names if name not in (*BASELINES, "none")]
    if unknown:
        raise CommandError(
            f"--baseline {unknown[0]!r} is unknown; choose from "
            f"{', '.join(BASELINES)} or none"
        )
    baselines = {}
    for name in dict.fromkeys(names):
        if name == "none":
            continue
        if name in ("ets", "theta") and importlib.util.find_spec("statsmodels") is None:
            raise CommandError(
                f"--baseline {name} needs statsmodels: pip install statsmodels"
            )
        if name == "naive":
            baselines[name] = NaiveForecaster(strategy="last")
        elif name == "naive-seasonal":
            baselines[name] = NaiveForecaster(strategy="last", sp=sp)
        elif name in ("drift", "mean"):
            baselines[name] = NaiveForecaster(strategy=name)
        elif name == "ets":
            # Holt-Winters: AutoETS's model search takes ~10 s a fit, and its
            # intervals fail on statsmodels 0.15
            from sktime.forecasting.exp_smoothing import ExponentialSmoothing

            seasonal = {"seasonal": "add", "sp": sp} if sp > 1 else {}
            baselines[name] = ExponentialSmoothing(trend="add", **seasonal)
        else:
            from sktime.forecasting.theta import ThetaForecaster

            baselines[name] = ThetaForecaster(sp=sp)
    return baselines


def make_cv(kind, fh, initial, step, n_observations, window_length=None):
    """Build the ``--cv`` splitter, checking that it leaves at least one fold."""
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


# ------------------------------------------------------------------ helpers


def _literal(text):
    """``16`` -> 16, ``None`` -> None, ``[1, 2]`` -> list; anything else a string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
