"""What every reader in the ingest package shares: the "this item is unreadable" signal and size wording.

Readers raise `UnreadableInput` with a one-line reason; `iter_documents` turns it into an `IngestError`
so that a bad item is reported and the run goes on. Keeping the reason text here, in one exception
type, is what lets every layer give the user the same short, specific message instead of a traceback.
"""

from __future__ import annotations

from newsprobe.core.errors import NewsprobeError


class UnreadableInput(NewsprobeError):
    """An item that cannot become a `Document`; the message is the reason shown to the user."""

    @property
    def reason(self) -> str:
        return str(self)


def megabytes(n: int) -> str:
    """Sizes in decimal MB with one decimal, as users read them in file managers ("50.0 MB")."""
    return f"{n / 1_000_000:.1f} MB"


def too_large(size: int, limit: int, what: str = "file") -> UnreadableInput:
    return UnreadableInput(f"{what} too large: {megabytes(size)} (limit {megabytes(limit)})")
