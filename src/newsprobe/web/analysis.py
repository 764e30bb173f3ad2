"""Analyse text or an uploaded file for the web app, with the same pipeline as the CLI.

The spaCy pipeline is loaded once per process and is not documented as thread-safe, while FastAPI runs
sync endpoints on a thread pool; a lock serialises analyses (each takes well under a second for a news
article). If a layer cannot run (a model file missing in a checkout where it is still being trained), that
request fails with the reason; the next request tries again, and nothing is switched off for the process.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import replace

from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import Article, Document, IngestError
from newsprobe.io.prepare import prepare
from newsprobe.io.read import UnreadableInput, read_html
from newsprobe.io.read.decode import decode_bytes
from newsprobe.io.read.html import looks_like_html

log = logging.getLogger("newsprobe.web")

_LOCK = threading.Lock()
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+")


def upload_name(filename: str | None) -> str:
    """A display name for an upload: the last path component, odd characters replaced, bounded.

    Used only as the article's `source` label; the app never opens a path taken from a request.
    """
    name = (filename or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    return (_UNSAFE_NAME.sub("_", name).strip(" .") or "upload")[:120]


def document_from_upload(data: bytes, filename: str | None, content_type: str | None) -> Document:
    """An uploaded file as a Document: HTML goes through the same extractor as `newsprobe ingest`,
    anything else is read as text. Raises NewsprobeError with a reason a user can act on."""
    name = upload_name(filename)
    try:
        text = decode_bytes(data)
    except UnreadableInput as exc:
        raise NewsprobeError(f"{name}: {exc.reason}") from None
    is_html = name.lower().endswith((".html", ".htm", ".xhtml")) or "html" in (content_type or "").lower()
    if is_html or looks_like_html(text):
        try:
            return read_html(text, source=name)
        except UnreadableInput as exc:
            raise NewsprobeError(f"{name}: {exc.reason}") from None
    return Document(source=name, text=text)


def analyse_document(doc: Document, **meta: str | None) -> Article:
    """Clean, prepare and analyse one document; metadata given here wins over what the document says."""
    doc = replace(doc, **{k: v for k, v in meta.items() if v})
    art = prepare(doc)
    if isinstance(art, IngestError):
        raise NewsprobeError(art.reason)
    with _LOCK:
        return _run(art)


def analyse_text(text: str, **meta: str | None) -> Article:
    """Analyse pasted text (the API's and the form's text field)."""
    return analyse_document(Document(source="<text>", text=text), **meta)


def _run(art: Article) -> Article:
    from newsprobe.core.pipeline import analyse

    return next(analyse([art]))
