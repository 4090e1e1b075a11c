"""Parallel backends: which ones, how many workers, and torch threads per worker.

Folds and grid points run in parallel through sktime's own ``backend=``
argument. A torch forecaster left at its default uses every core for its
matrix products; two such fits side by side each want every core and slow
each other down. :func:`limit_threads` gives each worker its share instead.
"""

from __future__ import annotations

__all__ = ["BACKENDS", "available_cores", "check_backend", "limit_threads", "n_workers"]

import contextlib
import importlib.util
import os

import joblib

# sktime's parallel backends for evaluate and the tuners; None runs in order
BACKENDS = (None, "loky", "multiprocessing", "threading", "joblib", "dask", "ray")
_EXTRAS = {"dask": ("distributed", "dask"), "ray": ("ray", "ray")}


def check_backend(backend, backend_params):
    """Check ``backend`` and ``backend_params``; return the params as a dict.

    Raises
    ------
    ValueError
        If the backend is unknown or ``backend_params`` is not a dict.
    ImportError
        If the backend's package is not installed, naming the extra to install.

    Examples
    --------
    >>> check_backend("loky", {"n_jobs": 2})
    {'n_jobs': 2}
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {list(BACKENDS)}, got {backend!r}")
    if backend_params is not None and not isinstance(backend_params, dict):
        raise ValueError(
            "backend_params must be a dict or None, "
            f"got {type(backend_params).__name__}"
        )
    if backend in _EXTRAS:
        module, extra = _EXTRAS[backend]
        if importlib.util.find_spec(module) is None:
            raise ImportError(
                f"backend={backend!r} needs {module}: pip install 'sktime-rnn[{extra}]'"
            )
    return dict(backend_params or {})


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def n_workers(backend=None, backend_params=None) -> int:
    """How many fits ``backend`` runs at the same time.

    joblib backends: ``n_jobs`` of ``backend_params`` (default all cores). dask:
    the threads of all workers of the active ``dask.distributed`` client, else
    dask's local scheduler (``num_workers``, or all cores; 1 if synchronous).
    ray: ``ray_remote_args["num_cpus"]``, else the CPUs of a running ray, else
    all cores.

    Examples
    --------
    >>> n_workers(None)
    1
    >>> n_workers("loky", {"n_jobs": 2})
    2
    """
    params = backend_params or {}
    if backend is None:
        return 1
    if backend in ("loky", "multiprocessing", "threading", "joblib"):
        return joblib.effective_n_jobs(params.get("n_jobs", -1))
    if backend == "dask":
        return _dask_workers(params)
    ray_args = params.get("ray_remote_args", {})
    if ray_args.get("num_cpus"):
        return int(ray_args["num_cpus"])
    import ray

    if ray.is_initialized():
        return max(1, int(ray.cluster_resources().get("CPU", 1)))
    return available_cores()


def limit_threads(forecaster, backend=None, backend_params=None):
    """Give each parallel worker its share of the cores.

    Sets ``num_threads`` to ``max(1, cores // n_workers(backend, ...))`` on a
    clone of ``forecaster``, wherever it has that hyper-parameter left at None
    (also inside pipelines, as ``step__num_threads``), so that workers times
    threads never exceed the cores of this machine. Explicit values are kept:
    set ``num_threads`` yourself when the workers run on other machines.

    Parameters
    ----------
    forecaster : sktime forecaster
    backend : str or None, default=None
        One of :data:`BACKENDS`; None (run in order) returns ``forecaster``.
    backend_params : dict or None, default=None
        As passed to sktime's ``evaluate`` or tuners.

    Returns
    -------
    sktime forecaster
        ``forecaster`` itself if nothing was set, else a clone.

    Examples
    --------
    >>> from sktime_rnn import LSTMForecaster
    >>> limited = limit_threads(LSTMForecaster(), "loky", {"n_jobs": 1})
    >>> limited.num_threads == available_cores()
    True
    """
    if backend is None:
        return forecaster
    threads = max(1, available_cores() // n_workers(backend, backend_params))
    params = forecaster.get_params(deep=True)
    unset = {
        name: threads
        for name, value in params.items()
        if (name == "num_threads" or name.endswith("__num_threads")) and value is None
    }
    if not unset:
        return forecaster
    return forecaster.clone().set_params(**unset)


@contextlib.contextmanager
def backend_session(backend, backend_params):
    """Keep a backend up across several ``evaluate`` calls.

    dask: object columns (the fold data) stay objects rather than being turned
    into strings. ray: started once, shut down at the end if started here and
    not asked to stay up (``shutdown_ray=False``).
    """
    params = dict(backend_params)
    if backend == "dask":
        import dask

        with dask.config.set({"dataframe.convert-string": False}):
            yield params
        return
    if backend != "ray":
        yield params
        return
    import ray

    started_here = not ray.is_initialized()
    try:
        yield {**params, "shutdown_ray": False}
    finally:
        if started_here and params.get("shutdown_ray", True) and ray.is_initialized():
            ray.shutdown()


def _dask_workers(params) -> int:
    scheduler = params.get("scheduler")
    if hasattr(scheduler, "nthreads"):  # a distributed Client passed directly
        return max(1, sum(scheduler.nthreads().values()))
    if scheduler in ("sync", "synchronous", "single-threaded"):
        return 1
    if scheduler is None and importlib.util.find_spec("distributed") is not None:
        from distributed import default_client

        with contextlib.suppress(ValueError):  # no client running
            return max(1, sum(default_client().nthreads().values()))
    return int(params.get("num_workers") or available_cores())
