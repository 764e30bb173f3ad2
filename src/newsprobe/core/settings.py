"""One settings object for a process, read from the environment once and changed only through `configure`.

Why one object: the number of ONNX Runtime threads, the default store, the layers to run and the decision thresholds
used to be read in four places at different times (one of them at import time), so a test or a web app that changed
the environment half-way saw half of it. Now the CLI and the Python API pass what they were given to `configure`,
and everything else reads `settings()`.

Environment: `NEWSPROBE_THREADS` (threads per ONNX Runtime session, default 1; 0 lets ONNX Runtime choose),
`NEWSPROBE_DB` (default store, `newsprobe.db`), `NEWSPROBE_LAYERS` (comma-separated layers, default all).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from newsprobe.core.errors import NewsprobeError

THREADS_ENV = "NEWSPROBE_THREADS"
DB_ENV = "NEWSPROBE_DB"
LAYERS_ENV = "NEWSPROBE_LAYERS"


@dataclass(frozen=True)
class Settings:
    threads: int = 1
    db: Path = Path("newsprobe.db")
    layers: tuple[str, ...] | None = None  # None: every layer
    technique_threshold: float | None = None  # None: the model's own
    claim_threshold: float | None = None  # None: the model's own
    batch_size: int = 64
    max_bytes: int = 20_000_000


_lock = threading.Lock()
_current: Settings | None = None


def from_env(env: dict[str, str] | None = None) -> Settings:
    """Settings as the environment gives them (defaults for what it does not say)."""
    from newsprobe.core.registry import parse_layers

    env = dict(os.environ) if env is None else env
    return Settings(
        threads=_threads(env.get(THREADS_ENV, "")),
        db=Path(env.get(DB_ENV) or "newsprobe.db"),
        layers=parse_layers(env.get(LAYERS_ENV) or None),
    )


def _threads(raw: str) -> int:
    raw = raw.strip()
    if not raw:
        return 1
    try:
        value = int(raw)
    except ValueError:
        raise NewsprobeError(f"{THREADS_ENV} must be a whole number of threads, got {raw!r}") from None
    if value < 0:
        raise NewsprobeError(f"{THREADS_ENV} must be 0 (let ONNX Runtime choose) or more, got {value}")
    return value


def settings() -> Settings:
    """The process's settings: the environment's, read on first use, with what `configure` changed since."""
    global _current
    with _lock:
        if _current is None:
            _current = from_env()
        return _current


def configure(**changes) -> Settings:
    """Change some settings for the rest of the process (the CLI's options, a test); returns the new settings."""
    global _current
    unknown = set(changes) - set(Settings.__dataclass_fields__)
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    current = settings()
    with _lock:
        _current = replace(current, **changes)
        return _current


def reset() -> None:
    """Forget changes and read the environment again on next use (for tests)."""
    global _current
    with _lock:
        _current = None
