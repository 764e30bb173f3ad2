"""Characters that must not travel: control codes, lone surrogates and undecodable file-name bytes.

Scraped text and file names are untrusted. Three jobs, three functions:

- `scrub` cleans text as it enters (readers, the web form, the Python API): a lone surrogate (from JSON's
  ``\\ud800``) would make every later UTF-8 encode raise and sink the run; NUL and other C0 controls are never
  text, and ``\\x02``/``\\x03`` are the search's highlight marks; C1 controls (``\\x80``-``\\x9f``) are
  Windows-1252 punctuation read as Latin-1, so they become that punctuation (``\\x93`` is a curly quote).
- `label` makes a name safe to show (a file name that is not UTF-8, an escape sequence in a name): every such
  character becomes a visible backslash escape, so the user can still tell which file it was.
- `printable` makes text safe for a terminal without moving any offset: each control character becomes one visible
  symbol (ESC shows as U+241B), so spans still line up with the text they highlight.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from typing import Any, TypeVar

T = TypeVar("T")

# C0 controls except tab, newline, carriage return and form feed (kept: layout); DEL; C1; lone surrogates.
_SCRUB = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\x80-\x9f\ud800-\udfff]")
# For a terminal: every C0 control but newline and tab, DEL, C1 and surrogates.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\ud800-\udfff\u2028\u2029]")
# Bidirectional overrides could also disguise a name on screen; they get an escape in labels.
_LABEL = re.compile("[\x00-\x1f\x7f\x80-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def _scrub_char(m: re.Match[str]) -> str:
    ch = m.group()
    code = ord(ch)
    if 0x80 <= code <= 0x9F:
        return bytes([code]).decode("cp1252", errors="ignore")  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: nothing
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return ""


def scrub(text: str) -> str:
    """Text fit to store and analyse: controls dropped, C1 read as Windows-1252, lone surrogates as U+FFFD."""
    return _SCRUB.sub(_scrub_char, text) if _SCRUB.search(text) else text


def _label_char(m: re.Match[str]) -> str:
    code = ord(m.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as os.fsdecode keeps it (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def label(name: str) -> str:
    """A name (file path, source) safe to print and to encode as UTF-8, with odd characters as escapes."""
    return _LABEL.sub(_label_char, name) if _LABEL.search(name) else name


def _printable_char(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␛ for ESC
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def printable(text: str) -> str:
    """Text for a terminal, same length: an escape sequence in an article shows as symbols instead of acting."""
    return _UNPRINTABLE.sub(_printable_char, text) if _UNPRINTABLE.search(text) else text


def deep(value: T, fn) -> T:
    """`fn` applied to every string inside dataclasses, lists and dicts (keys too); other values kept."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, list):
        return [deep(v, fn) for v in value]  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(deep(v, fn) for v in value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {deep(k, fn): deep(v, fn) for k, v in value.items()}  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        changes: dict[str, Any] = {f.name: deep(getattr(value, f.name), fn) for f in fields(value) if f.init}
        return replace(value, **changes)
    return value


def scrub_document(doc):
    """A `Document` with every text field `scrub`bed and its source `label`led (idempotent, cheap when clean)."""
    from newsprobe.core.model import METADATA_FIELDS

    changes = {name: scrub(value) for name in ("text", "html", *METADATA_FIELDS)
               if isinstance(value := getattr(doc, name), str)}
    return replace(doc, source=label(doc.source), **changes)
