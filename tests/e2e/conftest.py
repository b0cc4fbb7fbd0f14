"""The dashboard served by ``streamlit run app.py`` and driven in Debian's Chromium.

Fixtures for every browser test:

- ``app``: one server for the whole session, on 127.0.0.1 and a free port, with its own
  temporary workspace (``PGA_WORKSPACE``); ``app.url``, ``app.workspace``.
- ``empty_workspace``: removes every import before a test, so the sample person is shown.
- ``dashboard``: a fresh browser tab (1400 × 1000) on the dashboard, Streamlit done loading,
  as a :class:`Dashboard` (``.page`` is Playwright's page; ``.open(title)``, ``.upload(files)``,
  ``.click(name)``, ``.idle()``, ``.screenshot(name)`` → ``screenshots/<name>.png``,
  git-ignored).

Chromium is a requirement, not an option: without it these tests fail and say how to install it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pga_core.data import WORKSPACE_ENV, Workspace

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 60.0
PAGE_TIMEOUT_MS = 30_000
VIEWPORT = {"width": 1400, "height": 1000}


@dataclass(frozen=True)
class App:
    """A running dashboard: where to reach it and which workspace file it uses."""

    url: str
    workspace: Path
    log: Path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives a real browser: mark it ``browser``."""
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium; its absence fails the tests (a skip would hide a broken product)."""
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "Chromium is not installed, so the dashboard cannot be tested in a browser: "
            "install it with `apt-get install -y chromium` (Debian/Ubuntu, as root)",
            pytrace=False,
        )
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with status {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    pytest.fail(
        f"streamlit did not answer within {SERVER_START_TIMEOUT_S:.0f} s:\n{log.read_text()}"
    )


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """``streamlit run app.py`` on 127.0.0.1 with a temporary workspace, for the whole session."""
    folder = tmp_path_factory.mktemp("app")
    workspace = folder / "workspace.sqlite"
    log = folder / "streamlit.log"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, WORKSPACE_ENV: str(workspace), "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        _wait_healthy(url, server, log)
        yield App(url=url, workspace=workspace, log=log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def empty_workspace(app: App) -> Path:
    """The app's workspace with every import removed: the dashboard shows the sample person."""
    workspace = Workspace(app.workspace)
    for import_id in workspace.imports()["import_id"]:
        workspace.remove_import(int(import_id))
    return app.workspace


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[object]:
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Dashboard:
    """One browser tab on the dashboard, with the few moves every page test needs."""

    def __init__(self, page: object) -> None:
        self.page = page

    def idle(self) -> None:
        """Wait until Streamlit has finished running the page's script."""
        self.page.wait_for_selector(  # type: ignore[attr-defined]
            "[data-testid='stApp'][data-test-script-state='notRunning']"
        )

    def open(self, title: str) -> None:
        """Go to a page by its title in the sidebar (``Data``, ``Behaviours``, …)."""
        self.page.get_by_role("link", name=title, exact=True).click()  # type: ignore[attr-defined]
        self.page.get_by_role("heading", name=title, exact=True).wait_for()  # type: ignore[attr-defined]
        self.idle()

    def upload(self, files: object) -> None:
        """Choose files in the page's file uploader (paths or Playwright file payloads)."""
        uploader = self.page.locator("[data-testid='stFileUploaderDropzoneInput']")  # type: ignore[attr-defined]
        uploader.set_input_files(files)
        self.idle()

    def click(self, name: str) -> None:
        """Click the button called ``name`` and wait for the script to finish."""
        self.page.get_by_role("button", name=name, exact=True).click()  # type: ignore[attr-defined]
        self.idle()

    def screenshot(self, name: str) -> Path:
        """Save a full-page PNG as screenshots/<name>.png (git-ignored) and return its path."""
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page = self.page
        # Streamlit scrolls inside its main block, so the window is made as tall as the page.
        height = page.evaluate(  # type: ignore[attr-defined]
            "document.querySelector('[data-testid=stMain]').scrollHeight"
        )
        page.set_viewport_size({**VIEWPORT, "height": max(VIEWPORT["height"], int(height))})  # type: ignore[attr-defined]
        try:
            self.idle()
            page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        finally:
            page.set_viewport_size(VIEWPORT)  # type: ignore[attr-defined]
        return path


@pytest.fixture
def dashboard(browser: object, app: App) -> Iterator[Dashboard]:
    """A fresh tab (1400 × 1000) on the dashboard's default page, loaded and idle."""
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    page.goto(app.url)
    page.wait_for_selector("h1")
    tab = Dashboard(page)
    tab.idle()
    yield tab
    context.close()
