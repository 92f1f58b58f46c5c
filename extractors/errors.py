"""Error types.  Each carries a ``hint`` telling a person what to do next.

Errors raised for one source become a ``failed`` row; fetch errors may carry
the HTTP status as ``.status`` (an int), so the base class defines none."""
from __future__ import annotations


class ClaimcheckError(Exception):
    hint = ""

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:  # message plus hint, as shown to users
        msg = super().__str__()
        return f"{msg} ({self.hint})" if self.hint else msg


class RegistryError(ClaimcheckError):
    """The case file is invalid: the run stops before any work."""

    hint = "fix the case file and run again"


class FetchError(ClaimcheckError):
    """One source could not be fetched; it becomes a failed documents row."""


class ParseError(ClaimcheckError):
    """One document could not be parsed; it becomes a failed documents row."""
