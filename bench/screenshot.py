"""Retake docs/article-page.png: the article page of the bundled example, in Debian's chromium.

Usage: python bench/screenshot.py (needs /usr/bin/chromium; `make test` installs it).
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "src" / "newsprobe" / "examples" / "deir_ez_zor.txt"
OUT = REPO / "docs" / "article-page.png"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def main() -> None:
    import uvicorn
    from playwright.sync_api import sync_playwright

    import newsprobe
    from newsprobe.io.store import Store
    from newsprobe.web import create_app

    db = Path(tempfile.mkdtemp()) / "example.db"
    os.chdir(REPO)  # so the page shows the example's path as a reader of the README knows it
    art = newsprobe.analyze(EXAMPLE.relative_to(REPO))
    with Store(db) as store:
        store.add_many([art])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(db), log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/articles/{art.id}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        page.screenshot(path=str(OUT), full_page=True)
        browser.close()
    server.should_exit = True
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
