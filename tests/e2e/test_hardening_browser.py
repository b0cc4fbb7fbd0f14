"""The live server's guards: no framing by other sites, no foreign host names, uploads let go of.

These read the real ``streamlit run app.py`` server, so a Streamlit upgrade that drops a guard
(the middlewares of ``dashboard/server.py``, the upload release of ``dashboard/session.py``)
turns them red.
"""

from __future__ import annotations

import http.client
import re
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from dashboard.server import FRAME_HEADERS

FOREIGN_HOST = "evil.example"
#: Seconds to wait for Streamlit's memory figures (it refreshes them every 5 s).
METRICS_WAIT_S = 20.0
#: A refused upload: binary, so no reader takes it, and large enough to see in the figures.
REFUSED_UPLOAD_BYTES = 4 << 20
_UPLOADS_FIGURE = re.compile(r'cache_memory_bytes\{cache_type="UploadedFileManager"[^}]*\} (\d+)')


def _get(
    url: str, *, host: str | None = None, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of a request, error statuses included."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    return status, {k.lower(): v for k, v in headers.items()}, body


def _static_asset(app) -> str:
    """The URL of the page's main script, a file Streamlit serves from its static folder."""
    _, _, body = _get(f"{app.url}/")
    (script,) = re.findall(r'src="\./(static/js/index\.[^"]+\.js)"', body.decode())
    return f"{app.url}/{script}"


@pytest.fixture
def urls(app) -> list[str]:
    """The page, a static file and the health check."""
    return [f"{app.url}/", _static_asset(app), f"{app.url}/_stcore/health"]


def test_every_response_refuses_framing_by_other_sites(app, urls) -> None:
    assert {k.lower(): v for k, v in FRAME_HEADERS.items()} == {
        "content-security-policy": "frame-ancestors 'self'",
        "x-frame-options": "SAMEORIGIN",
    }
    for url in urls:
        status, headers, _ = _get(url)
        assert status == 200, url
        assert headers["content-security-policy"] == "frame-ancestors 'self'", url
        assert headers["x-frame-options"] == "SAMEORIGIN", url
    # a refusal too: an upload without the page's XSRF token
    status, headers, _ = _get(f"{app.url}/_stcore/upload_file/no-session/no-file", method="PUT")
    assert status == 403
    assert headers["content-security-policy"] == "frame-ancestors 'self'"
    assert headers["x-frame-options"] == "SAMEORIGIN"


def test_a_page_of_another_site_cannot_frame_the_dashboard(browser, app) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        # set_content waits for the load event, which waits for the frame
        page.set_content(f'<iframe src="{app.url}/" width="800" height="600"></iframe>')
        frame = page.frame_locator("iframe")
        (child,) = page.frames[1:]
        # Chromium replaces a refused frame by its own error page; the dashboard never loads.
        assert child.url.startswith("chrome-error://"), child.url
        assert frame.locator("[data-testid='stApp']").count() == 0
    finally:
        context.close()


def test_a_foreign_host_name_is_refused_everywhere(app, urls) -> None:
    port = urlsplit(app.url).port
    for url in urls:
        status, _, body = _get(url, host=f"{FOREIGN_HOST}:{port}")
        assert (status, body) == (400, b"Invalid host header"), url
        assert _get(url, host=FOREIGN_HOST)[0] == 400, url
    upload = f"{app.url}/_stcore/upload_file/no-session/no-file"
    assert _get(upload, host=FOREIGN_HOST, method="PUT")[0] == 400
    for url in urls:  # the names in server.allowedHosts work, with or without the port
        for name in ("localhost", "127.0.0.1", "[::1]"):
            assert _get(url, host=f"{name}:{port}")[0] == 200, (url, name)
        assert _get(url, host="localhost")[0] == 200, url


def test_a_foreign_host_name_gets_no_live_connection(app) -> None:
    parts = urlsplit(app.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(
            "GET",
            "/_stcore/stream",
            headers={
                "Host": FOREIGN_HOST,
                "Connection": "Upgrade",
                "Upgrade": "websocket",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            },
        )
        status = connection.getresponse().status
    finally:
        connection.close()
    assert 400 <= status < 500  # refused, not 101 Switching Protocols


def _uploads_in_memory(app) -> int:
    """Bytes of uploaded files the server holds, from Streamlit's own memory figures."""
    _, _, body = _get(f"{app.url}/_stcore/metrics?families=cache_memory_bytes")
    return sum(int(n) for n in _UPLOADS_FIGURE.findall(body.decode()))


def _wait_for_uploads(app, done) -> int:
    deadline = time.monotonic() + METRICS_WAIT_S
    held = _uploads_in_memory(app)
    while not done(held) and time.monotonic() < deadline:
        time.sleep(0.5)
        held = _uploads_in_memory(app)
    return held


def test_a_refused_upload_is_let_go_of(empty_workspace, dashboard, app) -> None:
    refused = bytes(range(256)) * (REFUSED_UPLOAD_BYTES // 256)
    before = _uploads_in_memory(app)
    dashboard.upload(
        [{"name": "big.bin", "mimeType": "application/octet-stream", "buffer": refused}]
    )
    held = _wait_for_uploads(app, lambda n: n >= before + len(refused))
    assert held >= before + len(refused)  # Streamlit holds the upload while it is chosen
    dashboard.click("Import")
    dashboard.page.get_by_text("big.bin: it holds binary data").wait_for()
    after = _wait_for_uploads(app, lambda n: n <= held - len(refused))
    assert after <= held - len(refused)
    assert dashboard.page.locator("[data-testid='stFileUploaderFile']").count() == 0


def test_an_upload_may_be_as_large_as_a_zipped_health_export_and_no_larger(dashboard) -> None:
    hint = dashboard.page.locator("[data-testid='stFileUploaderDropzoneInstructions']")
    assert "1GB per file" in hint.inner_text()  # server.maxUploadSize = 1024
