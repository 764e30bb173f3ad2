"""The guard in front of the whole app: security headers, the optional token, request size limits and a
cross-site check, applied to every response the app can produce.

It is plain ASGI wrapped around FastAPI's complete middleware stack (see `NewsprobeApp`), so it also covers
static files, the OpenAPI schema, 404s for unknown paths and even the 500 page Starlette writes for a bug.
The app reads untrusted articles, so the CSP forbids inline script and style outright: a payload that
slipped through escaping still could not run.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    # same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` with our own form posts, which
    # cannot then be told from a sandboxed or data: page's; other sites still get no referrer.
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
COOKIE = "newsprobe_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a body grows past the limit, whatever its Content-Length said."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body too large: the limit is {limit:,} bytes")


def cookie_value(token: str) -> str:
    """What the browser keeps instead of the token itself: an HMAC of a fixed label under the token."""
    return hmac.new(token.encode("utf-8"), b"newsprobe-session", hashlib.sha256).hexdigest()


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8", "surrogateescape"), b.encode("utf-8", "surrogateescape"))


def wants_json(scope: Scope) -> bool:
    """API clients get JSON errors; browsers asking for pages get text they can read."""
    path = scope.get("path", "")
    if path.startswith("/api") or path.startswith("/openapi"):
        return True
    accept = Headers(scope=scope).get("accept", "")
    return "text/html" not in accept


def error_response(scope: Scope, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if wants_json(scope):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    return PlainTextResponse(f"{status}: {message}", status_code=status, headers=headers)


class Guard:
    """ASGI middleware: headers on every response; token, size and origin checks before the app runs."""

    def __init__(self, app: ASGIApp, token: str | None = None, max_body: int = 2_000_000) -> None:
        self.app = app
        self.token = token or None
        self.cookie = cookie_value(token) if token else None
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":  # the app has none; refuse rather than pass an unchecked socket
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        extra: list[tuple[bytes, bytes]] = []

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                for name, value in extra:
                    headers.append(name.decode("latin-1"), value.decode("latin-1"))
            await send(message)

        refusal = self._check_token(scope, extra)
        if refusal is None:
            refusal = self._check_request(scope)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        await self.app(scope, self._counting(receive), send_with_headers)

    def _check_token(self, scope: Scope, extra: list[tuple[bytes, bytes]]) -> Response | None:
        """None when the request may go on; a 401 or a cookie-setting redirect otherwise.

        Accepted: `Authorization: Bearer <token>`, the session cookie, or `?token=<token>`, which sets the
        cookie (HttpOnly, SameSite=Strict) and, for a GET, redirects to the same URL without the token so
        that it does not stay in the address bar or the history.
        """
        if self.token is None:
            return None
        headers = Headers(scope=scope)
        auth = headers.get("authorization", "")
        if auth[:7].lower() == "bearer " and _same(auth[7:].strip(), self.token):
            return None
        cookies = _cookies(headers.get("cookie", ""))
        if COOKIE in cookies and self.cookie and _same(cookies[COOKIE], self.cookie):
            return None
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = [v for k, v in query if k == "token"]
        if given and _same(given[0], self.token):
            secure = "; Secure" if scope.get("scheme") == "https" else ""
            cookie = f"{COOKIE}={self.cookie}; Path=/; HttpOnly; SameSite=Strict{secure}"
            if scope["method"] in ("GET", "HEAD"):
                rest = urlencode([(k, v) for k, v in query if k != "token"])
                # One leading slash only: "//evil.example" would be a protocol-relative redirect off-site.
                path = "/" + (scope.get("root_path", "") + scope["path"]).lstrip("/\\")
                target = path + (f"?{rest}" if rest else "")
                response = RedirectResponse(target, status_code=303)
                response.headers.append("set-cookie", cookie)
                return response
            extra.append((b"set-cookie", cookie.encode("latin-1")))
            return None
        return error_response(
            scope,
            401,
            "a token is required: send 'Authorization: Bearer <token>' or open the page with ?token=<token>",
            headers={"www-authenticate": "Bearer"},
        )

    def _check_request(self, scope: Scope) -> Response | None:
        """413 for a declared body over the limit; 403 for a state-changing request from another site."""
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                return error_response(scope, 400, "invalid Content-Length header")
            if int(length) > self.max_body:
                return error_response(scope, 413, f"request body too large: the limit is {self.max_body:,} bytes")
        if scope["method"] not in SAFE_METHODS:
            # Browsers send these on cross-site form posts; a local tool has no business accepting them.
            if headers.get("sec-fetch-site") == "cross-site":
                return error_response(scope, 403, "cross-site requests are not accepted")
            origin = headers.get("origin")
            host = headers.get("host")
            if origin is not None and origin.strip().lower() == "null":
                # What a browser sends from a sandboxed iframe, a data: URL or a file: page: an attacker's page can
                # always produce it, so it is no proof of coming from this app.
                return error_response(scope, 403, "requests with an opaque origin (Origin: null) are not accepted")
            if origin and host and origin.split("://", 1)[-1] != host:
                return error_response(scope, 403, "cross-origin requests are not accepted")
        return None

    def _counting(self, receive: Receive) -> Receive:
        """`receive` that counts body bytes as they arrive: chunked bodies have no Content-Length to check."""
        seen = 0
        limit = self.max_body

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        return counted


def _cookies(header: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name not in out:
            out[name] = value.strip().strip('"')
    return out
