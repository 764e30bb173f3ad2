"""`newsprobe serve`: run the web app under uvicorn, on the loopback interface unless told otherwise."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from rich.console import Console
from rich.markup import escape


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
) -> None:
    """Serve the store at `db` (created if missing) until interrupted.

    Bound to loopback, the app accepts only loopback Host headers (against DNS rebinding). Bound to another
    address it accepts any Host, since it cannot know the names it is reached by, and warns when there is
    no token: anyone who can reach the port could read the store and add to it.
    """
    import uvicorn

    from newsprobe.web.app import LOOPBACK_HOSTS, create_app

    console = console or Console(stderr=True)
    local = is_loopback(host)
    hosts = [*LOOPBACK_HOSTS, host] if local else ["*"]
    app = create_app(db, token=token, max_upload_bytes=max_upload_bytes, allowed_hosts=hosts)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"serving {escape(str(db))} on http://{escape(shown)}:{port}/", highlight=False)
    if token:
        console.print("token required: open the page once with ?token=<token>, or send 'Authorization: Bearer'")
    elif not local:
        console.print("[yellow]warning:[/yellow] listening beyond this machine without --token", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False, server_header=False)
