"""The only place IDs are minted: a short hash of what identifies the row."""
from __future__ import annotations

import hashlib


def stable_id(kind: str, *parts: object) -> str:
    """``stable_id("claim", case_id, text)`` -> ``"clm-<16 hex>"``-style id.

    The id depends only on *kind* and the identifying parts, never on row
    order, so re-runs give the same ids.
    """
    h = hashlib.sha256()
    h.update(kind.encode())
    for p in parts:
        h.update(b"\x1f")
        h.update(str(p).encode("utf-8"))
    return f"{kind[:3]}-{h.hexdigest()[:16]}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
