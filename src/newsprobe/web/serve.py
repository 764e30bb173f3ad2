"""`newsprobe serve`: run the web app under uvicorn, on the loopback interface unless told otherwise."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from newsprobe.core.errors import NewsprobeError


def is_loopback(host: str) -> bool:
    """Whether `host` only accepts local connections (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def run(
    db: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    max_upload_bytes: int = 2_000_000,
    console: Console | None = None,
    workers: int = 2,
    budget_s: float = 60.0,
) -> None:
    """Serve the store at `db` (created if missing) until interrupted.

    Bound to loopback, the app accepts only loopback Host headers (against DNS rebinding). Bound to another
    address it accepts any Host, since it cannot know the names it is reached by, and so it refuses to start
    without a token: anyone who can reach the port could otherwise read the store and add to it.
    """
    import uvicorn

    from newsprobe.web.app import LOOPBACK_HOSTS, create_app

    console = console or Console(stderr=True)
    local = is_loopback(host)
    if not local and not token:
        raise NewsprobeError(
            f"listening on {host} would let anyone who reaches this machine read the store and add to it: "
            "give a token with --token (or NEWSPROBE_TOKEN), or listen on 127.0.0.1"
        )
    hosts = [*LOOPBACK_HOSTS, host] if local else ["*"]
    app = create_app(db, token=token, max_upload_bytes=max_upload_bytes, allowed_hosts=hosts,
                     analysis_workers=workers, analysis_budget_s=budget_s)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"serving {escape(str(db))} on http://{escape(shown)}:{port}/", highlight=False)
    if token:
        console.print("token required: open the page once with ?token=<token>, or send 'Authorization: Bearer'")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False, server_header=False)
