"""One safetensors file: named tensors, a JSON document, a checksum, a signature.

The document travels in the safetensors header's metadata, with a SHA-256
checksum over the document and every tensor (name, dtype, shape, bytes) and,
given a secret key, an HMAC-SHA256 over the same bytes. Reading parses raw
tensors and text only: nothing in the file is ever executed.
"""

from __future__ import annotations

__all__ = ["read", "write"]

import hashlib
import hmac
import json
import os
import tempfile
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load as from_bytes
from safetensors.torch import save as to_bytes

from sktime_rnn.exceptions import PersistenceError

_DOCUMENT = "sktime_rnn"
_CHECKSUM = "sha256"
_SIGNATURE = "hmac-sha256"


def write(path, tensors: dict, text: str, key=None) -> Path:
    """Write ``tensors`` and the JSON ``text`` to ``path``, atomically.

    Signed with an HMAC-SHA256 under ``key`` if it is given. The file is
    written next to ``path`` and renamed, so an existing file is never left
    half-written and nothing is left behind on failure.

    Examples
    --------
    >>> import tempfile, torch
    >>> path = Path(tempfile.mkdtemp()) / "f.safetensors"
    >>> _ = write(path, {"w": torch.ones(2)}, '{"a": 1}', key=b"k")
    >>> read(path, key=b"k")[1]
    '{"a": 1}'
    """
    path = Path(path)
    metadata = {_DOCUMENT: text, _CHECKSUM: checksum(tensors, text)}
    if key is not None:
        metadata[_SIGNATURE] = _signature(_key_bytes(key), tensors, text)
    payload = to_bytes(tensors, metadata=metadata)
    if path.is_dir():
        raise PersistenceError(f"{path} is a directory; pass a file path to save to")
    if not path.parent.is_dir():
        raise PersistenceError(f"cannot save to {path}: {path.parent} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".partial", dir=path.parent
        )
    except OSError as error:
        raise PersistenceError(f"cannot save to {path}: {error}") from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(payload)
        os.replace(temporary, path)
    except OSError as error:
        raise PersistenceError(f"cannot save to {path}: {error}") from None
    finally:
        Path(temporary).unlink(missing_ok=True)
    return path


def read(path, key=None) -> tuple[dict, str]:
    """The tensors and JSON text of a file :func:`write` wrote, verified.

    Raises
    ------
    PersistenceError
        If the file is missing, not a complete safetensors file, not written
        by :func:`write`, changed after it was written (checksum), or, with
        ``key``, not signed with that key.
    """
    path = Path(path)
    if not path.is_file():
        raise PersistenceError(f"no file at {path}")
    data = path.read_bytes()
    try:
        tensors = from_bytes(data)
        metadata = _header_metadata(data)
    except (SafetensorError, ValueError, UnicodeDecodeError) as error:
        raise PersistenceError(
            f"{path} is not a complete sktime-rnn safetensors file (cut short or "
            f"corrupted?): {error}"
        ) from error
    text = metadata.get(_DOCUMENT)
    if not isinstance(text, str) or not isinstance(metadata.get(_CHECKSUM), str):
        raise PersistenceError(f"{path} was not written by sktime_rnn.save")
    if not hmac.compare_digest(checksum(tensors, text), metadata[_CHECKSUM]):
        raise PersistenceError(
            f"{path} was changed after it was saved: its checksum does not match"
        )
    if key is not None:
        signature = metadata.get(_SIGNATURE)
        if not isinstance(signature, str):
            raise PersistenceError(f"{path} is not signed, but a key was given")
        if not hmac.compare_digest(
            signature, _signature(_key_bytes(key), tensors, text)
        ):
            raise PersistenceError(
                f"{path} was not signed with this key: refusing to load it"
            )
    return tensors, text


def _header_metadata(data: bytes) -> dict:
    """The ``__metadata__`` of a safetensors header, parsed as plain JSON."""
    if len(data) < 8:
        raise ValueError("file shorter than a safetensors header")
    length = int.from_bytes(data[:8], "little")
    if length > len(data) - 8:
        raise ValueError("header longer than the file")
    header = json.loads(data[8 : 8 + length].decode("utf-8"))
    metadata = header.get("__metadata__", {}) if isinstance(header, dict) else {}
    return metadata if isinstance(metadata, dict) else {}


def _digest_input(tensors: dict[str, torch.Tensor], text: str):
    yield text.encode("utf-8")
    for name in sorted(tensors):
        tensor = tensors[name]
        yield f"{name}:{tensor.dtype}:{tuple(tensor.shape)}".encode()
        if tensor.numel():  # an empty tensor has no bytes (and cannot be viewed)
            flat = tensor.contiguous().reshape(-1)  # (T, 1) may keep odd strides
            yield flat.view(torch.uint8).numpy().tobytes()


def checksum(tensors: dict[str, torch.Tensor], text: str) -> str:
    """The SHA-256 of the document and every tensor, as hex."""
    digest = hashlib.sha256()
    for chunk in _digest_input(tensors, text):
        digest.update(chunk)
    return digest.hexdigest()


def _signature(key: bytes, tensors: dict[str, torch.Tensor], text: str) -> str:
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for chunk in _digest_input(tensors, text):
        mac.update(chunk)
    return mac.hexdigest()


def _key_bytes(key) -> bytes:
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes | bytearray) or not key:
        raise PersistenceError(
            f"key must be non-empty bytes or str, got {type(key).__name__}"
        )
    return bytes(key)
