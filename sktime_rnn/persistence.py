"""Safe persistence: weights in safetensors, everything else in JSON, no pickle.

One ``.safetensors`` file holds the fitted state's tensors (weights, scaling
statistics, context windows, recurrent state, training history) and, in its
header, a JSON document with the class, the hyper-parameters, the rest of the
fitted state, sktime's cutoff and fitting horizon, the package versions and a
SHA-256 checksum over all of it.

What loading guarantees:

- it parses JSON and raw tensors only, so it never executes code from the
  file;
- a file cut short, corrupted or edited without recomputing the checksum is
  refused;
- every hyper-parameter is checked by the same rules as the constructor, and
  every field of the state by its own (types, shapes, ranges, finiteness; the
  weights must fit the network the hyper-parameters describe; the horizon must
  be one the network forecasts), so a file edited with a recomputed checksum
  either loads a forecaster that those values describe or is refused with
  :class:`PersistenceError`;
- with ``key``, the file must carry an HMAC-SHA256 made with the same key,
  so only holders of the key can write a file that loads (authenticity).
  Without a key, the checksum proves integrity against accidents, not
  against a deliberate edit.

Files written by earlier versions of the format still load. Loading builds
the fitted state directly; sktime's bookkeeping (cutoff, horizon, input
types) is rebuilt by
:meth:`~sktime_rnn.forecasting.BaseRecurrentForecaster.from_fitted_state`.
"""

from __future__ import annotations

__all__ = ["PersistenceError", "load", "save"]

from pathlib import Path

from sktime_rnn import forecasting
from sktime_rnn.exceptions import PersistenceError
from sktime_rnn.forecasting._files import _document


def save(forecaster, path, key: bytes | str | None = None) -> Path:
    """Save a fitted forecaster to one ``.safetensors`` file.

    Parameters
    ----------
    forecaster : fitted sktime-rnn forecaster
    path : str or Path
        File to write; written to a temporary file first and renamed, so an
        existing file is never left half-written.
    key : bytes or str, optional
        Sign the file with an HMAC-SHA256 under this secret key;
        :func:`load` with the same key then refuses any file not signed with
        it.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    PersistenceError
        If the forecaster is not a fitted sktime-rnn forecaster, or
        ``path`` cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sktime.datasets import load_airline
    >>> from sktime_rnn import LSTMForecaster, load, save
    >>> y = load_airline()
    >>> forecaster = LSTMForecaster(window_length=12, max_epochs=2, random_state=0)
    >>> forecaster = forecaster.fit(y, fh=[1, 2])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "lstm.safetensors"
    >>> _ = save(forecaster, path, key=b"secret")
    >>> load(path, key=b"secret").predict().equals(forecaster.predict())
    True
    """
    if not isinstance(forecaster, forecasting.BaseRecurrentForecaster):
        raise PersistenceError(
            "sktime_rnn.save writes sktime-rnn forecasters (LSTMForecaster, "
            f"GRUForecaster, ...), got {type(forecaster).__name__}; use its "
            "save() method (sktime's pickle-based format) instead"
        )
    return _document.save(forecaster, path, key)


def load(path, key: bytes | str | None = None):
    """Load a forecaster saved by :func:`save`, refusing anything suspicious.

    Parameters
    ----------
    path : str or Path
    key : bytes or str, optional
        The secret key the file was signed with: a file without a signature,
        or signed with another key, is refused.

    Returns
    -------
    fitted sktime-rnn forecaster
        Predicts exactly what the saved one did.

    Raises
    ------
    PersistenceError
        If the file is missing, not a safetensors file, cut short, changed
        after saving (checksum, or signature with ``key``), of an unknown
        format version or class, or any hyper-parameter or field of the state
        is invalid (the message names it).
    """
    classes = {
        name: getattr(forecasting, name)
        for name in forecasting.__all__
        if name != "BaseRecurrentForecaster"
    }
    return _document.load(path, classes, key)
