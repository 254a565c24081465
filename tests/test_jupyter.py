"""The notebook's interactive graph in a real Jupyter front-end: JupyterLab in headless Chromium.

The notebook is executed (nbclient), signed as trusted (as a user's own executed notebook is),
and opened in a JupyterLab server started on a free loopback port with its own Jupyter
directories. Chromium may only talk to that server. The test passes when the graph of the
``kg.show`` cell has drawn inside its frame in the notebook page. With ``KG_SCREENSHOT_DIR`` set
it also saves ``notebook.png`` there (the README's picture: ``docs/notebook.png``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import ARGS, CHROMIUM, sync_playwright

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"
JUPYTER = Path(sys.executable).with_name("jupyter")

pytestmark = pytest.mark.slow

if not (JUPYTER.parent / "jupyter-lab").exists():
    if os.environ.get("CI"):
        raise RuntimeError("JupyterLab is needed (the dev extra installs it)")
    pytest.skip("JupyterLab is not installed (pip install -e '.[dev]')", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    """A JupyterLab server on a loopback port, serving the executed, trusted notebook."""
    import nbclient
    import nbformat

    root = tmp_path_factory.mktemp("lab")
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"):
        env[name] = str(root / name.lower())
    env["IPYTHONDIR"] = str(root / "ipython")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    resources = {"metadata": {"path": str(NOTEBOOK.parent)}}
    nbclient.NotebookClient(notebook, timeout=300, resources=resources).execute()
    work = root / "work"
    work.mkdir()
    nbformat.write(notebook, work / NOTEBOOK.name)
    subprocess.run([str(JUPYTER), "trust", str(work / NOTEBOOK.name)], env=env, check=True)
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        str(JUPYTER), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={work}", "--ServerApp.allow_root=True", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    log = (root / "lab.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((root / "lab.log").read_text()[-2000:]) from None
                time.sleep(0.5)
        yield base, {"token": token, "notebook": NOTEBOOK.name}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(root / "jupyter_runtime_dir", ignore_errors=True)


def test_interactive_graph_renders_inside_jupyterlab(lab: tuple[str, dict[str, str]]) -> None:
    base, info = lab
    outside: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith((base, "data:", "about:", "blob:")):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.route("**/*", route)
        page.goto(f"{base}/lab/tree/{info['notebook']}?token={info['token']}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        frame_element = page.locator(".jp-OutputArea-output iframe")
        deadline = time.monotonic() + 90
        while frame_element.count() == 0:  # JupyterLab renders cells as they scroll into view
            assert time.monotonic() < deadline, "no iframe output in the notebook page"
            page.mouse.move(700, 500)
            page.mouse.wheel(0, 2000)
            page.wait_for_timeout(300)
        frame_element.first.scroll_into_view_if_needed()
        frame = frame_element.first.element_handle().content_frame()
        assert frame is not None
        frame.wait_for_selector("html[data-kg-drawn]", state="attached", timeout=60_000)
        nodes = frame.evaluate("kgNetwork.body.data.nodes.length")
        assert nodes > 10
        assert "kg-legend" in frame.content()
        if os.environ.get("KG_SCREENSHOT_DIR"):
            page.wait_for_timeout(500)
            page.screenshot(path=str(Path(os.environ["KG_SCREENSHOT_DIR"]) / "notebook.png"))
        browser.close()
    assert outside == []
