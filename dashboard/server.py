"""The web server in front of the pages: it answers only this computer's names, unframed.

``streamlit run app.py`` serves the pages through ``app.app``, Streamlit's own ASGI app
(``st.App``) with these middlewares in front of Streamlit's:

- every HTTP response says that no other site may show the dashboard inside a frame (a page
  elsewhere could otherwise lay its own buttons over ours);
- a request whose ``Host`` is not in ``server.allowedHosts`` (``.streamlit/config.toml``) is
  refused with status 400, for plain HTTP as well as for the WebSocket, so that a site whose
  name has been pointed at 127.0.0.1 (DNS rebinding) cannot read the pages or their data.

Streamlit itself checks ``server.allowedHosts`` on the WebSocket only and sends no framing
header; ``tests/e2e/test_hardening_browser.py`` checks both on the live server.
"""

from __future__ import annotations

import streamlit as st
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["FRAME_HEADERS", "FrameGuard", "allowed_hosts", "middleware"]

#: Only pages of this same server may frame the dashboard: ``Content-Security-Policy`` for
#: today's browsers, ``X-Frame-Options`` for older ones.
FRAME_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
}
#: ``server.allowedHosts`` left empty means any host, as Streamlit reads it.
ANY_HOST = "*"


class FrameGuard:
    """ASGI middleware: add :data:`FRAME_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in FRAME_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def allowed_hosts() -> list[str]:
    """``server.allowedHosts`` as the host check reads them: an IPv6 address such as ``::1`` is
    also listed in brackets, the way it arrives in a ``Host`` header (``[::1]:8501``)."""
    hosts = [str(h).strip() for h in st.get_option("server.allowedHosts")] or [ANY_HOST]
    return [*hosts, *(f"[{h}]" for h in hosts if ":" in h)]


def middleware() -> list[Middleware]:
    """The guards, outermost first: framing headers (on refusals too), then the host check."""
    return [
        Middleware(FrameGuard),
        Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(), www_redirect=False),
    ]
