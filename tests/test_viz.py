"""Tests of kg.viz: offline, escaped, deterministic HTML built from hand-made graphs."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from pyvis.network import Network

from kg import viz
from kg.ontology import load_ontology
from kg.viz import PHYSICS_MAX_NODES, to_html, write_html

ID = "https://w3id.org/kg/id/"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
QUOTES = 'Le "dur" l\'a dit </script><script>alert(2)</script>'
#: vis-network JS, the three JSON blocks (data, info, options) and the start-up script.
SCRIPTS_EMITTED = 5


def _entity(g: nx.MultiDiGraph, name: str, cls: str, label: str, **extra: object) -> str:
    iri = ID + name
    attrs = {
        "label": label,
        "aliases": [],
        "kind": "entity",
        "cls": cls,
        "modality": "Asserted",
        "values": {},
        "evidence": [],
    }
    attrs.update(extra)
    g.add_node(iri, **attrs)
    return iri


def _evidence(sentence: str, start: int = 0) -> dict[str, object]:
    return {"doc": "doc-1", "sentence": sentence, "start": start, "end": start + len(sentence)}


def _graph(reverse: bool = False) -> nx.MultiDiGraph:
    """A small news graph; ``reverse`` inserts the same content in the opposite order."""
    g = nx.MultiDiGraph(documents=["doc-1", "doc-2"])
    nodes = [
        ("openai", "Company", "OpenAI", {"aliases": ["Open AI"]}),
        ("altman", "Person", "Sam Altman", {"evidence": [_evidence("Sam Altman dirige OpenAI.")]}),
        ("gpt", "AIModel", "GPT-5", {}),
        ("evil", "Company", SCRIPT, {"evidence": [_evidence(IMG, 40)]}),
        ("quotes", "Person", QUOTES, {}),
        ("gizmo", "Gizmo", "Truc inconnu", {}),
        (
            "round1",
            "FundingRound",
            "levée de 8,3 Md USD",
            {
                "kind": "fact",
                "modality": "Possible",
                "values": {"amount": "8300000000", "currency": "USD"},
                "evidence": [_evidence("OpenAI pourrait lever 8,3 milliards.", 80)],
            },
        ),
    ]
    for name, cls, label, extra in reversed(nodes) if reverse else nodes:
        _entity(g, name, cls, label, **extra)
    edges = [
        (
            "altman",
            "openai",
            "ceoOf",
            "dirige",
            "Asserted",
            [_evidence("Sam Altman dirige OpenAI.")],
        ),
        ("altman", "openai", "founderOf", "fondateur de", "Asserted", []),
        ("openai", "gpt", "developedBy", "développé par", "Asserted", []),
        ("round1", "openai", "investee", "bénéficiaire", "Possible", []),
        ("evil", "quotes", "partnerOf", "partenaire de", "Reported", [_evidence(IMG, 40)]),
    ]
    for u, v, key, label, modality, evidence in reversed(edges) if reverse else edges:
        g.add_edge(ID + u, ID + v, key=key, label=label, modality=modality, evidence=evidence)
    return g


class _Page(HTMLParser):
    """Collects script elements and legend items the way a browser tokenises them."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.script_ends = 0
        self.legend: dict[str, tuple[str, str]] = {}  # class -> (swatch colour, label text)
        self._open: dict[str, str | None] | None = None
        self._legend_item: str | None = None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))
        elif tag == "input" and dict(attrs).get("data-class") is not None:
            self._legend_item = str(dict(attrs)["data-class"])
            self.legend[self._legend_item] = ("", "")
        elif tag == "span" and self._legend_item is not None:
            style = str(dict(attrs).get("style") or "")
            label = self.legend[self._legend_item][1]
            self.legend[self._legend_item] = (style.removeprefix("background:"), label)

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        elif self._legend_item is not None:
            colour, label = self.legend[self._legend_item]
            self.legend[self._legend_item] = (colour, label + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.script_ends += 1
            self._open = None
        elif tag == "label" and self._legend_item is not None:
            colour, label = self.legend[self._legend_item]
            self.legend[self._legend_item] = (colour, label.strip())
            self._legend_item = None

    def json_block(self, element_id: str) -> object:
        (text,) = [t for a, t in self.scripts if a.get("id") == element_id]
        return json.loads(text)


@pytest.fixture(scope="module")
def page() -> str:
    return to_html(_graph(), title="Revue <b>IA</b>")


def test_viz_page_has_no_remote_references(page: str) -> None:
    remote = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
    assert remote.findall(page) == []
    assert re.search(r"url\(\s*[\"']?(?:https?:)?//", page) is None
    assert re.search(r"<link\b", page, re.IGNORECASE) is None
    assert "default-src 'none'" in page


def test_viz_inlines_vis_network(page: str) -> None:
    lib = Path(Network().template_dir) / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    assert js[:2000] in page and js[-2000:] in page
    assert "new vis.Network(" in page
    assert (lib / "vis-network.css").read_text(encoding="utf-8")[:2000] in page


def test_viz_escapes_article_text(page: str) -> None:
    for raw in (SCRIPT, IMG, "<script>alert(2)", "<b>IA</b>"):
        assert raw not in page
    assert "<title>Revue &lt;b&gt;IA&lt;/b&gt;</title>" in page
    parsed = _Page(page)
    data, info = parsed.json_block("kg-data"), parsed.json_block("kg-info")
    # Article text reaches the page's script as data, unchanged, and the script only ever puts
    # it into elements as text: nothing in the page parses it as HTML.
    assert "innerHTML" not in page.split("</script>")[-2]  # the page's own script
    sentences = {text for _, text in info["sentences"]}
    assert IMG in sentences
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert labels[ID + "evil"] == SCRIPT and labels[ID + "quotes"] == QUOTES
    edge = next(e for e in data["edges"] if e["key"] == "partnerOf")
    (ref,) = info["edges"][edge["id"]]["e"]
    assert info["sentences"][ref[0]] == ["doc-1", IMG]
    # vis-network gets no HTML at all: its own tooltips (which parse a title) are unused
    assert all("title" not in item for item in data["nodes"] + data["edges"])


def test_viz_data_cannot_close_script_blocks(page: str) -> None:
    parsed = _Page(page)
    assert len(parsed.scripts) == SCRIPTS_EMITTED
    assert parsed.script_ends == SCRIPTS_EMITTED
    assert len(re.findall(r"</script\s*>", page, re.IGNORECASE)) == SCRIPTS_EMITTED
    labels = {n["id"]: n["label"] for n in parsed.json_block("kg-data")["nodes"]}
    # The canvas draws labels as text: they round-trip unchanged through the escaped JSON.
    assert labels[ID + "quotes"] == QUOTES
    assert labels[ID + "evil"] == SCRIPT


def test_viz_legend_lists_present_classes_with_ontology_colours(page: str) -> None:
    onto = load_ontology("fr")
    expected = {
        cls: (onto.classes[cls].color, onto.classes[cls].label("fr"))
        for cls in ("Company", "Person", "AIModel", "FundingRound")
    }
    expected["Gizmo"] = (viz.UNKNOWN_COLOR, "Gizmo")
    assert _Page(page).legend == expected
    assert "background:#f28e2b" in page  # the AIModel swatch really is painted


def test_viz_legend_and_edge_labels_follow_lang() -> None:
    page = to_html(_graph(), lang="en")
    assert '<html lang="en">' in page
    legend = _Page(page).legend
    assert legend["Company"][1] == load_ontology("en").classes["Company"].label("en") == "company"
    edges = _Page(page).json_block("kg-data")["edges"]
    assert {e["key"]: e["label"] for e in edges}["ceoOf"] == "dirige"  # the graph's own label


def test_viz_is_deterministic(page: str) -> None:
    again = to_html(_graph(), title="Revue <b>IA</b>")
    assert again == page
    assert to_html(_graph(reverse=True), title="Revue <b>IA</b>") == page
    options = _Page(page).json_block("kg-options")
    assert options["layout"]["randomSeed"] == 7


def test_viz_embeds_every_node_and_edge(page: str) -> None:
    g = _graph()
    data = _Page(page).json_block("kg-data")
    assert {n["id"] for n in data["nodes"]} == set(g.nodes)
    assert len(data["nodes"]) == g.number_of_nodes()
    triples = [(e["from"], e["to"], e["key"]) for e in data["edges"]]
    assert sorted(triples) == sorted(g.edges(keys=True))
    assert len({e["id"] for e in data["edges"]}) == g.number_of_edges()


def test_viz_styles_facts_hedges_and_degree(page: str) -> None:
    parsed = _Page(page)
    data, groups = parsed.json_block("kg-data"), parsed.json_block("kg-options")["groups"]
    nodes = {n["id"]: n for n in data["nodes"]}
    fact, hub, leaf = nodes[ID + "round1"], nodes[ID + "openai"], nodes[ID + "gpt"]
    # a node's class is its group, styled once from the ontology
    onto = load_ontology("fr")
    assert (fact["group"], hub["group"]) == ("FundingRound", "Company")
    assert groups["Company"]["color"]["background"] == onto.classes["Company"].color
    assert groups["Company"]["shape"] == onto.classes["Company"].shape
    assert groups["FundingRound"]["shape"] == "box"
    assert groups["FundingRound"]["font"]["size"] < 14 and fact["kind"] == "fact"
    assert groups["Gizmo"]["color"]["background"] == viz.UNKNOWN_COLOR
    assert fact["shapeProperties"]["borderDashes"] and fact["hedged"] is True
    assert "color" not in fact  # a node-level colour would hide its group's in vis-network
    assert "shapeProperties" not in hub and "hedged" not in hub
    assert hub["size"] > leaf["size"]
    dashed = {e["key"]: e.get("dashes", False) for e in data["edges"]}
    assert dashed == {
        "ceoOf": False,
        "founderOf": False,
        "developedBy": False,
        "investee": True,
        "partnerOf": True,
    }
    big = nx.MultiDiGraph()
    big.add_node("hub", kind="entity", cls="Company", label="hub")
    for i in range(500):
        big.add_edge("hub", f"n{i}", key="partnerOf", label="partenaire de")
    sizes = {n["id"]: n["size"] for n in _Page(to_html(big)).json_block("kg-data")["nodes"]}
    assert sizes["hub"] <= viz._SIZE_MAX and sizes["hub"] > sizes["n0"]


def test_viz_details_cap_evidence_and_share_sentences() -> None:
    g = nx.MultiDiGraph()
    sentences = [_evidence(f"Phrase numéro {i}.", 20 * i) for i in range(viz.MAX_EVIDENCE + 2)]
    _entity(g, "hub", "Company", "Hub", evidence=sentences)
    _entity(g, "other", "Person", "Autre", evidence=sentences[1:2])
    info = _Page(to_html(g)).json_block("kg-info")
    hub = info["nodes"][ID + "hub"]
    assert len(hub["e"]) == viz.MAX_EVIDENCE and hub["n"] == viz.MAX_EVIDENCE + 2
    assert info["sentences"][hub["e"][1][0]] == ["doc-1", "Phrase numéro 1."]
    assert hub["e"][1][1:] == [20, 36]  # character offsets
    # the same sentence is stored once and cited by number
    assert info["nodes"][ID + "other"]["e"] == [hub["e"][1]]
    assert len(info["sentences"]) == viz.MAX_EVIDENCE
    assert hub["t"] == load_ontology("fr").classes["Company"].label("fr")


def test_viz_large_graph_has_fixed_layout_without_physics() -> None:
    g = nx.MultiDiGraph()
    for i in range(PHYSICS_MAX_NODES + 1):
        g.add_node(f"n{i:05d}", label=str(i), kind="entity", cls="Company")
    page = to_html(g)
    parsed = _Page(page)
    nodes = parsed.json_block("kg-data")["nodes"]
    assert parsed.json_block("kg-options")["physics"]["enabled"] is False
    positions = {(n["x"], n["y"]) for n in nodes}
    assert len(positions) == len(nodes)
    assert to_html(g) == page  # the layout is seeded
    small = _Page(to_html(_graph()))
    assert small.json_block("kg-options")["physics"]["enabled"] is True
    assert all("x" not in n for n in small.json_block("kg-data")["nodes"])


def test_viz_write_html_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "graph.html"
    written = write_html(_graph(), str(target), title="t")
    assert written == target
    assert target.read_text(encoding="utf-8") == to_html(_graph(), title="t")
    assert sorted(p.name for p in target.parent.iterdir()) == ["graph.html"]

    def failing_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        write_html(nx.MultiDiGraph(), target, title="other")
    # The old page is intact and the half-written temp file is gone.
    assert target.read_text(encoding="utf-8") == to_html(_graph(), title="t")
    assert sorted(p.name for p in target.parent.iterdir()) == ["graph.html"]


def test_viz_draws_the_most_connected_nodes_past_max_nodes_and_says_so() -> None:
    g = nx.MultiDiGraph()
    for i in range(12):
        g.add_node(f"n{i:02d}", label=f"n{i}", kind="entity", cls="Company")
    for i in range(1, 5):  # n00 is the hub, n01-n04 its neighbours: the 5 most connected
        g.add_edge("n00", f"n{i:02d}", key="partnerOf", label="partenaire de")
    g.add_edge("n01", "n02", key="partnerOf", label="partenaire de")
    parsed = _Page(to_html(g, max_nodes=5, lang="en"))
    data = parsed.json_block("kg-data")
    assert sorted(n["id"] for n in data["nodes"]) == ["n00", "n01", "n02", "n03", "n04"]
    assert len(data["edges"]) == 5
    page = to_html(g, max_nodes=5, lang="en")
    assert "shown: the 5 most connected nodes of 12" in page
    assert "most connected" not in to_html(g, lang="en")


def test_viz_search_data_has_labels_aliases_and_kinds(page: str) -> None:
    nodes = {n["id"]: n for n in _Page(page).json_block("kg-data")["nodes"]}
    assert nodes[ID + "openai"]["aliases"] == ["Open AI"]
    assert "aliases" not in nodes[ID + "gpt"]
    assert nodes[ID + "round1"]["kind"] == "fact" and "kind" not in nodes[ID + "openai"]
    assert 'id="kg-search"' in page and 'id="kg-details"' in page
