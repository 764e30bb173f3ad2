"""Files on disk: walking folders, choosing a reader, reading with size limits, gzip, error wording.

Everything here is about not trusting the input: a FIFO would block a read forever, a 5 GB file or a
gzip bomb would fill memory, a truncated download raises deep inside zlib. Each of these becomes an
`UnreadableInput` with a one-line reason before any large read happens.
"""

from __future__ import annotations

import gzip
import os
import stat
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from newsprobe.core.model import IngestError
from newsprobe.io.read.common import UnreadableInput, megabytes, too_large

GZIP_MAGIC = b"\x1f\x8b"
_GZIP_SUFFIXES = (".gz", ".gzip")
KINDS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".warc": "warc",
    ".arc": "warc",
}


def kind_of(path: Path) -> str | None:
    """The reader an extension asks for (after stripping .gz), or None to sniff the content."""
    name = path.name.lower()
    for gz in _GZIP_SUFFIXES:
        name = name.removesuffix(gz)
    return KINDS.get(os.path.splitext(name)[1])


def expand(paths: Iterable[str | Path], skip: Iterable[str | Path] = ()) -> Iterator[Path | IngestError]:
    """Files to read, in order: each path as given, folders recursively in sorted order.

    Hidden files and folders (".git", ".DS_Store") are skipped inside folders; a symlinked folder is
    entered once, so a link loop cannot make the walk endless. Files in `skip` are left out of folder walks, with
    the journal files SQLite keeps beside them: a store inside the folder being ingested is not an article.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    seen: set[tuple[int, int]] = set()
    skipped = _identities(skip)
    for raw in paths:
        path = Path(raw).expanduser()
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists() or path.is_symlink()
        except OSError as err:
            yield IngestError(str(raw), describe(err))
            continue
        if not exists:
            yield IngestError(str(raw), "no such file or directory")
        elif is_dir:
            yield from _walk(path, seen, skipped)
        else:
            yield path


_SQLITE_SIDE_FILES = ("", "-wal", "-shm", "-journal")


def _identities(paths: Iterable[str | Path]) -> set[str]:
    """Resolved paths of the files to skip and of their SQLite side files."""
    out: set[str] = set()
    for p in paths:
        try:
            real = os.path.realpath(os.fspath(p))
        except (OSError, ValueError):
            continue
        out.update(real + suffix for suffix in _SQLITE_SIDE_FILES)
    return out


def _walk(folder: Path, seen: set[tuple[int, int]], skipped: set[str] = frozenset()) -> Iterator[Path | IngestError]:
    try:
        st = folder.stat()
        if (st.st_dev, st.st_ino) in seen:
            return
        seen.add((st.st_dev, st.st_ino))
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as err:
        yield IngestError(str(folder), f"cannot list folder: {describe(err)}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError as err:
            yield IngestError(str(entry), describe(err))
            continue
        if is_dir:
            yield from _walk(entry, seen, skipped)
        elif not skipped or os.path.realpath(entry) not in skipped:
            yield entry


def check_file(path: Path) -> int:
    """Size of a regular, non-empty file; anything else (FIFO, device, broken link) is refused unread."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableInput("not a regular file")
    if st.st_size == 0:
        raise UnreadableInput("empty file")
    return st.st_size


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == GZIP_MAGIC


def open_stream(path: Path) -> BinaryIO:
    """Binary stream of the content, decompressed when the file is gzip (by magic bytes, not by name)."""
    if is_gzip(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def read_head(path: Path, n: int) -> bytes:
    with open_stream(path) as f:
        return f.read(n)


def read_capped(path: Path, max_bytes: int) -> bytes:
    """The whole (decompressed) content, refusing files over `max_bytes` before reading them.

    The stat check makes a 50 MB file cost nothing; the capped read stops a gzip bomb at the limit.
    """
    size = check_file(path)
    if size > max_bytes:
        raise too_large(size, max_bytes)
    gz = is_gzip(path)
    with open_stream(path) as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UnreadableInput(
            f"file too large: more than {megabytes(max_bytes)} after gzip decompression "
            f"(limit {megabytes(max_bytes)})"
        )
    if not data:
        raise UnreadableInput("empty file (after gzip decompression)" if gz else "empty file")
    return data


def describe(err: BaseException) -> str:
    """One line that names the problem, for the exceptions reading files is known to raise."""
    if isinstance(err, UnreadableInput):
        return err.reason
    if isinstance(err, EOFError):
        return "truncated gzip: the compressed data ends before the end-of-stream marker"
    if isinstance(err, gzip.BadGzipFile | zlib.error):
        return f"corrupt gzip: {err}"
    if isinstance(err, FileNotFoundError):
        return "no such file or directory"
    if isinstance(err, PermissionError):
        return "permission denied"
    if isinstance(err, IsADirectoryError):
        return "is a directory"
    if isinstance(err, OSError):
        return f"cannot read: {err.strerror or err}"
    if isinstance(err, RecursionError):
        return "input too deeply nested"
    if isinstance(err, MemoryError):
        return "out of memory while reading"
    return f"unexpected error: {type(err).__name__}: {err}"
