"""SHA-256 digests of files and texts: what the render cache and commentary approvals compare."""
from __future__ import annotations

import hashlib
from pathlib import Path

ABSENT = "absent"


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes (``'absent'`` when there is no such file).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x"
    >>> file_digest(p)
    'absent'
    >>> _ = p.write_bytes(b"abc"); file_digest(p)[:12]
    'ba7816bf8f01'
    """
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except FileNotFoundError:
        return ABSENT


def text_digest(text: str) -> str:
    """SHA-256 of a text (UTF-8).

    Examples
    --------
    >>> text_digest("abc")[:12]
    'ba7816bf8f01'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
