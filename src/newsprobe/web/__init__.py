"""The web app and HTTP API (`newsprobe serve`); `create_app(db_path)` builds it. See `docs/web.md`."""

from newsprobe.web.app import create_app

__all__ = ["create_app"]
