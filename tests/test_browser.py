"""The HTML graph in a real browser: headless Chromium (Debian's ``chromium``) through playwright.

Every page is opened from ``file://`` with the network blocked: any request to another scheme is
aborted and counted, and must not happen. Outside CI the module is skipped when playwright or
Chromium is missing; in CI (``CI`` set, as ``.ci/run`` runs) a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg import viz
from kg.graph import to_networkx
from kg.viz import PHYSICS_MAX_NODES, show, write_html

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ID = "https://w3id.org/kg/id/"
#: Would set window.kgPwned if article text ever ran as markup or script.
HOSTILE = [
    '<img src=x onerror="window.kgPwned=1">',
    "<script>window.kgPwned=2</script>",
    '"><svg onload="window.kgPwned=3">',
]

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None  # type: ignore[assignment]

if sync_playwright is None or not Path(CHROMIUM).exists():
    reason = "playwright and Debian's chromium are needed (.ci/run installs both)"
    if os.environ.get("CI"):
        raise RuntimeError(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason, allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class Opened:
    """A page opened offline, with the requests it tried and the errors it logged."""

    def __init__(self, browser: Browser, path: Path) -> None:
        self.page: Page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("html[data-kg-drawn]", state="attached", timeout=60_000)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def click_node(self, node_id: str) -> None:
        """Click the node where the canvas drew it."""
        box = self.page.locator("#mynetwork canvas").bounding_box()
        assert box is not None
        dom = self.js(
            "id => kgNetwork.canvasToDOM(kgNetwork.getPositions([id])[id])",
            node_id,
        )
        self.page.mouse.click(box["x"] + dom["x"], box["y"] + dom["y"])


@pytest.fixture(scope="module")
def example_graph(example_build) -> nx.MultiDiGraph:
    return to_networkx(example_build.graph)


@pytest.fixture(scope="module")
def example_page(
    browser: Browser, example_graph: nx.MultiDiGraph, tmp_path_factory
) -> Iterator[Opened]:
    path = write_html(example_graph, tmp_path_factory.mktemp("html") / "kg.html", title="kg")
    opened = Opened(browser, path)
    yield opened
    opened.page.close()


def _entity_with_evidence(nxg: nx.MultiDiGraph) -> tuple[str, dict[str, Any]]:
    """The entity with most evidence sentences (ties by IRI): a node worth clicking."""
    entities = [(n, a) for n, a in nxg.nodes(data=True) if a["kind"] == "entity"]
    return max(entities, key=lambda item: (len(item[1]["evidence"]), item[0]))


def test_page_draws_every_node_and_edge_offline(
    example_page: Opened, example_graph: nx.MultiDiGraph
) -> None:
    counts = example_page.js("[kgNetwork.body.data.nodes.length, kgNetwork.body.data.edges.length]")
    assert counts == [example_graph.number_of_nodes(), example_graph.number_of_edges()]
    drawn = example_page.js("Number(document.documentElement.dataset.kgDrawn)")
    assert drawn > 0
    assert example_page.requests == []
    assert example_page.errors == []


def test_search_focuses_the_node_by_label_or_alias(
    example_page: Opened, example_graph: nx.MultiDiGraph
) -> None:
    aliased = sorted(
        (n, a) for n, a in example_graph.nodes(data=True) if a["kind"] == "entity" and a["aliases"]
    )
    node, attrs = aliased[0] if aliased else _entity_with_evidence(example_graph)
    for name in [attrs["label"], *attrs["aliases"]]:
        example_page.js("() => kgNetwork.unselectAll()")
        example_page.page.fill("#kg-query", name.upper())  # search ignores case
        example_page.page.press("#kg-query", "Enter")
        assert example_page.js("kgNetwork.getSelectedNodes()") == [node]
        assert example_page.page.is_visible("#kg-details")
        assert attrs["label"] in example_page.page.inner_text("#kg-details-body")
        # focused: the node is at the centre of the view
        centre = example_page.js("kgNetwork.getViewPosition()")
        position = example_page.js("id => kgNetwork.getPositions([id])[id]", node)
        assert abs(centre["x"] - position["x"]) < 1 and abs(centre["y"] - position["y"]) < 1
    example_page.page.fill("#kg-query", "Zzyzx introuvable")
    example_page.page.press("#kg-query", "Enter")
    assert example_page.page.inner_text("#kg-found") == "introuvable"


def test_click_on_a_node_shows_its_evidence_sentence(
    example_page: Opened, example_graph: nx.MultiDiGraph
) -> None:
    node, attrs = _entity_with_evidence(example_graph)
    example_page.js("id => kgNetwork.focus(id, {scale: 1.2, animation: false})", node)
    example_page.click_node(node)
    assert example_page.js("kgNetwork.getSelectedNodes()") == [node]
    details = example_page.page.inner_text("#kg-details-body")
    sentence = attrs["evidence"][0]["sentence"]
    assert sentence[:60] in details
    assert attrs["evidence"][0]["doc"] in details
    assert example_page.errors == []


def test_checkboxes_hide_and_show_a_class_and_hedged_facts(
    example_page: Opened, example_graph: nx.MultiDiGraph
) -> None:
    persons = sorted(n for n, a in example_graph.nodes(data=True) if a["cls"] == "Person")
    assert persons
    hidden = "ids => ids.map(id => kgNetwork.body.data.nodes.get(id).hidden === true)"
    example_page.page.uncheck('#kg-legend input[data-class="Person"]')
    assert example_page.js(hidden, persons) == [True] * len(persons)
    example_page.page.check('#kg-legend input[data-class="Person"]')
    assert example_page.js(hidden, persons) == [False] * len(persons)
    hedged = sorted(n for n, a in example_graph.nodes(data=True) if a["modality"] != "Asserted")
    if hedged:
        example_page.page.uncheck("#kg-show-hedged")
        assert example_page.js(hidden, hedged) == [True] * len(hedged)
        example_page.page.check("#kg-show-hedged")
        assert example_page.js(hidden, hedged) == [False] * len(hedged)


def test_article_text_never_runs_as_script(browser: Browser, tmp_path: Path) -> None:
    g = nx.MultiDiGraph()
    for i, text in enumerate(HOSTILE):
        g.add_node(
            f"{ID}n{i}",
            label=text,
            aliases=[text + " alias"],
            kind="entity",
            cls="Company",
            modality="Asserted",
            values={},
            evidence=[{"doc": text, "sentence": f"Phrase {text} fin.", "start": 0, "end": 9}],
        )
    g.add_edge(f"{ID}n0", f"{ID}n1", key="partnerOf", label=HOSTILE[2], modality="Possible")
    opened = Opened(browser, write_html(g, tmp_path / "hostile.html", title=HOSTILE[0]))
    for node in sorted(g):
        opened.click_node(node)  # renders its details panel (escaped HTML)
        box = opened.page.locator("#mynetwork canvas").bounding_box()
        assert box is not None
        dom = opened.js("id => kgNetwork.canvasToDOM(kgNetwork.getPositions([id])[id])", node)
        opened.page.mouse.move(box["x"] + dom["x"] + 1, box["y"] + dom["y"] + 1)  # tooltip
        assert g.nodes[node]["label"] in opened.page.inner_text("#kg-details-body")
    opened.page.fill("#kg-query", HOSTILE[1])
    opened.page.press("#kg-query", "Enter")
    assert opened.js("typeof window.kgPwned") == "undefined"
    assert opened.page.title() == HOSTILE[0]  # shown as text
    assert opened.js("document.querySelectorAll('img, svg').length") == 0
    assert opened.requests == [] and opened.errors == []


def test_page_with_many_edges_draws_nodes_first_then_every_edge(
    browser: Browser, example_graph: nx.MultiDiGraph, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(viz, "DEFER_EDGES", 10)  # the example has more edges than that
    opened = Opened(browser, write_html(example_graph, tmp_path / "deferred.html"))
    opened.page.wait_for_selector("html[data-kg-complete]", state="attached", timeout=60_000)
    stamps = opened.js(
        "[document.documentElement.dataset.kgDrawn, document.documentElement.dataset.kgComplete]"
    )
    assert 0 < int(stamps[0]) <= int(stamps[1])
    assert opened.js("kgNetwork.body.data.edges.length") == example_graph.number_of_edges()
    assert opened.page.inner_text("#kg-status") == ""  # "drawing the edges..." is gone
    assert opened.requests == [] and opened.errors == []


def test_large_page_draws_with_fixed_positions(browser: Browser, tmp_path: Path) -> None:
    g = nx.MultiDiGraph()
    size = PHYSICS_MAX_NODES + 500
    for i in range(size):
        g.add_node(f"n{i:05d}", label=f"Société {i}", kind="entity", cls="Company")
        if i:
            g.add_edge(f"n{i:05d}", f"n{(i * 7) % i:05d}", key="partnerOf", label="partenaire")
    opened = Opened(browser, write_html(g, tmp_path / "large.html"))
    assert opened.js("kgNetwork.body.data.nodes.length") == size
    assert opened.js("kgNetwork.physics.options.enabled") is False
    assert opened.requests == [] and opened.errors == []


def test_notebook_inline_graph_draws_in_its_own_frame(
    browser: Browser, example_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    """``kg.show`` as a notebook front-end shows it: its ``_repr_html_`` inside a host page."""
    host = tmp_path / "notebook.html"
    cell = show(example_graph, height=500)._repr_html_()
    host.write_text(f"<!DOCTYPE html><html><body><h1>Out[1]:</h1>{cell}</body></html>")
    page = browser.new_page()
    requests: list[str] = []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file:", "data:", "about:"))
            else (requests.append(route.request.url), route.abort())
        ),
    )
    page.goto(host.as_uri())
    frame = page.frame_locator("iframe")
    frame.locator("html[data-kg-drawn]").wait_for(state="attached", timeout=60_000)
    (inner,) = [f for f in page.frames if f != page.main_frame]
    assert inner.evaluate("kgNetwork.body.data.nodes.length") == example_graph.number_of_nodes()
    assert page.evaluate("typeof window.kgNetwork") == "undefined"  # the notebook is untouched
    assert requests == []
    page.close()
