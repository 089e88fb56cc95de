"""The address the app is served at, as `serve` will bind it (DANGVIEN_HOST, DANGVIEN_PORT)
or as it was told on its command line: the one written in logins.txt and the banner."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _


def address(host: str | None = None, port: int | None = None) -> str:
    host = host or os.environ.get("DANGVIEN_HOST", "127.0.0.1")
    port = port or int(os.environ.get("DANGVIEN_PORT", "8000"))
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - a bind-all address is not one to visit
    return f"http://{shown}:{port}/"


def login_line(url: str) -> str:
    return _("Đăng nhập tại {url}").format(url=url)


def logins_follow(url: str) -> Path | None:
    """Point logins.txt's first line at the address being served, when the file exists
    (firstrun wrote it for the address of that day). Returns the file, or None."""
    path = Path(settings.DATA_DIR) / "logins.txt"
    if not path.exists():
        return None
    lines = path.read_text().splitlines()
    if lines:
        lines[0] = login_line(url)
        path.write_text("\n".join(lines) + "\n")
    return path
