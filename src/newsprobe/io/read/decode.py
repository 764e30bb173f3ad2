"""Bytes to text: find the character encoding of scraped files, or say clearly why there is none.

News scraped over the years arrives in every encoding: UTF-8 (with or without BOM), UTF-16 from
Windows tools (sometimes without BOM), Windows-1252 with curly quotes, Windows-1256 Arabic. A wrong
guess silently corrupts every quote and name downstream, so the order of evidence matters:

1. a byte order mark is certain;
2. UTF-16 without BOM shows as NUL bytes at every other position (checked before the binary test,
   which would otherwise reject it for its NULs);
3. many NUL bytes or control characters mean a binary file, not text;
4. strict UTF-8 almost never succeeds by accident on legacy bytes (and a few bad bytes among many
   valid UTF-8 sequences are damage, not another encoding);
5. a charset declared by the server or in an HTML ``<meta>``;
6. charset-normalizer's statistical guess, where a Latin-script guess is replaced by Windows-1252
   whenever that decodes too: for Western text the detector often picks cp1250 or a DOS code page,
   which turns letters such as è into č, while Windows-1252 is what such files nearly always are.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from newsprobe.io.read.common import UnreadableInput

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Magic numbers of common binary formats, only to name the kind of file in the error message.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
)

# Control bytes that never occur in text (tab, newlines, form feed, ESC and Ctrl-Z excluded).
_CONTROL = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x1A)) | frozenset(range(0x1C, 0x20))
_SAMPLE = 8192

# WHATWG: browsers read these labels as Windows code pages, and so do the pages written for them.
_LABEL_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "windows-874": "cp874",
}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)

# charset-normalizer guesses for Latin-script text that Windows-1252 should win over.
_LATIN_GUESSES = frozenset(
    "cp1250 cp1252 cp1254 cp1257 latin_1 iso8859_2 iso8859_3 iso8859_4 iso8859_9 iso8859_10 iso8859_13 "
    "iso8859_14 iso8859_15 iso8859_16 mac_latin2 mac_roman mac_iceland mac_turkish cp437 cp775 cp850 "
    "cp852 cp857 cp858 cp860 cp861 cp863 cp865 hp_roman8 ascii".split()
)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode a whole file or payload; newlines become ``\\n`` as Python's text mode would give them."""
    encoding = detect_encoding(data, declared=declared)
    text = data.decode(encoding, errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def detect_encoding(data: bytes, declared: str | None = None, final: bool = True) -> str:
    """The Python codec name for `data`, or `UnreadableInput` saying why it is not text.

    `final=False` means `data` is only the head of a longer stream, so a multi-byte character cut at
    the end must not count against an encoding.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            if _decodes(data, name, final) or _few_errors(data[: _SAMPLE * 8], name):
                return name  # a BOM is strong evidence: a few bad bytes further on become U+FFFD
            raise UnreadableInput(f"cannot decode: invalid {name.upper()} after its byte order mark")
    utf16 = _utf16_without_bom(data, final)
    if utf16:
        return utf16
    _reject_binary(data)
    if _decodes(data, "utf-8", final=False) or _mostly_utf8(data):
        return "utf-8"  # cut inside its last character, or a few stray bytes: still UTF-8
    for label in (declared, _meta_charset(data)):
        name = _codec(label)
        if name and name not in ("utf-8", "utf-16", "utf-32") and _decodes(data, name, final):
            return name
    return _statistical_guess(data, final)


def _decodes(data: bytes, encoding: str, final: bool = True) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)(errors="strict").decode(data, final=final)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _few_errors(data: bytes, encoding: str) -> bool:
    text = data.decode(encoding, errors="replace")
    return (
        bool(text) and text.count("\ufffd") / len(text) < 0.01 and _plausible_text(text.replace("\ufffd", ""))
    )


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few bad bytes (a scraper that glued in one Windows-1252 quote) rather than legacy text.

    Legacy single-byte text almost never forms valid multi-byte UTF-8 sequences, so many valid ones
    against few invalid ones is strong evidence; reading such a file as cp1252 would garble every
    accented letter and curly quote in it to fix one.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return 0 < bad and non_ascii - bad >= 10 * bad


def _codec(label: str | None) -> str | None:
    """Normalise a charset label to a Python codec name, or None for labels Python does not know."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _LABEL_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _meta_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def _utf16_without_bom(data: bytes, final: bool) -> str | None:
    """Spot BOM-less UTF-16: Latin text puts a NUL in every high byte, other scripts at least in spaces."""
    sample = data[: _SAMPLE - _SAMPLE % 2]
    if len(sample) % 2:
        sample = sample[:-1]
    half = len(sample) // 2
    if half < 2:
        return None
    even = sample[0::2].count(0) / half
    odd = sample[1::2].count(0) / half
    for name, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= 0.1 and other <= 0.02:
            end = len(data) if final else len(sample)
            if _decodes(data[:end], name, final) and _plausible_text(
                data[: len(sample)].decode(name, "replace")
            ):
                return name
    return None


def _plausible_text(text: str) -> bool:
    """Reject decodings full of control, unassigned or private-use characters (binary read as UTF-16)."""
    if not text:
        return False
    bad = sum(
        1 for ch in text if ch not in "\t\n\r\f" and unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs")
    )
    return bad / len(text) < 0.01


def _reject_binary(data: bytes) -> None:
    sample = data[:_SAMPLE]
    if not sample:
        return
    for magic, kind in _MAGIC:
        if sample.startswith(magic):
            raise UnreadableInput(f"binary file, not text (looks like a {kind})")
    # A stray NUL in a long JSONL or text file is damage in one place, not a binary file.
    nul = sample.count(0)
    if nul > 2 and nul / len(sample) > 0.001:
        raise UnreadableInput("binary file, not text (contains NUL bytes)")
    control = sum(1 for b in sample if b in _CONTROL)
    if control / len(sample) > 0.05:
        raise UnreadableInput(f"binary file, not text ({control} control bytes in the first {len(sample)})")


def _statistical_guess(data: bytes, final: bool) -> str:
    from charset_normalizer import from_bytes

    probe = data
    if not final and b"\n" in data:
        probe = data[: data.rindex(b"\n") + 1]  # do not let a cut multi-byte character rule out the right one
    best = from_bytes(probe).best()
    if best is None:
        raise UnreadableInput("cannot decode: bytes are not valid UTF-8 and fit no known character encoding")
    name = _codec(best.encoding) or best.encoding
    if (best.encoding in _LATIN_GUESSES or name in _LATIN_GUESSES) and _decodes(probe, "cp1252"):
        return "cp1252"
    return name
