"""Interactive HTML view of a kg graph: networkx -> vis-network data -> one offline page.

The page is self-contained (vis-network inlined from the copy shipped in pyvis; a
Content-Security-Policy forbids every request), deterministic (same graph, same bytes) and safe
with hostile article text: article strings are HTML-escaped before they reach a tooltip or the
legend, and the JSON embedded in ``<script>`` elements cannot close them. Colours, shapes and
class labels come from ``ontology.ttl`` (``kg:displayColor``, ``kg:displayShape``).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import html
import json
import logging
import math
import os
import random
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import DictLoader, Environment
from markupsafe import Markup
from pyvis.network import Network
from rdflib import RDFS, Literal

from kg.ontology import KG, load_ontology

__all__ = ["MAX_NODES", "PHYSICS_MAX_NODES", "InlineGraph", "show", "to_html", "write_html"]

log = logging.getLogger(__name__)

#: Above this many nodes the browser simulation never settles: positions from igraph, physics off.
PHYSICS_MAX_NODES = 400
#: Above this many nodes a page is no longer usable: the most connected ones are drawn, and the
#: page says so.
MAX_NODES = 60_000
#: Above this many edges the page draws its nodes first and adds the edges just after.
DEFER_EDGES = 50_000
UNKNOWN_COLOR = "#9e9e9e"
#: Tooltips list at most this many evidence sentences so hub nodes do not bloat the page.
MAX_EVIDENCE = 10
#: The vis-network copy that pyvis's own ``in_line`` template embeds.
_VIS_DIR = "lib/vis-9.1.2"
_SIZE_MIN, _SIZE_MAX = 12.0, 40.0
#: Mean distance between neighbouring nodes of a precomputed layout, in vis-network pixels.
_NODE_SPACING = 90.0
_LAYOUT_SEED = 7
_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{3,8}")
# Characters that could end a <script> element, open a comment or spell a URL; their JSON
# escapes decode to the same text.
_SCRIPT_ESCAPES = tuple((c, f"\\u{ord(c):04x}") for c in "<>&\u2028\u2029")

_UI: dict[str, dict[str, str]] = {
    "fr": {
        "aliases": "alias",
        "evidence": "preuves",
        "more": "autres",
        "nodes": "nœuds",
        "edges": "arêtes",
        "legend": "Légende",
        "hedged": "non affirmé (pointillés)",
        "search": "Chercher un nom ou un alias",
        "go": "Trouver",
        "not_found": "introuvable",
        "close": "Fermer",
        "shown": "affichés : les {shown} nœuds les plus reliés sur {total}",
        "loading_edges": "arêtes en cours de tracé…",
    },
    "en": {
        "aliases": "aliases",
        "evidence": "evidence",
        "more": "more",
        "nodes": "nodes",
        "edges": "edges",
        "legend": "Legend",
        "hedged": "not asserted (dashed)",
        "search": "Find a name or alias",
        "go": "Find",
        "not_found": "not found",
        "close": "Close",
        "shown": "shown: the {shown} most connected nodes of {total}",
        "loading_edges": "drawing the edges…",
    },
}

_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>{{ heading }}</title>
<style>{{ vis_css }}</style>
<style>
html, body { margin: 0; height: 100%; font: 14px system-ui, sans-serif; color: #222; }
body { display: flex; flex-direction: column; } main { flex: 1; position: relative; }
header { padding: 6px 14px; border-bottom: 1px solid #ddd; display: flex; flex-wrap: wrap;
  align-items: baseline; gap: 4px 16px; } h1 { font-size: 18px; margin: 0; }
header p, details, .kg-src, .kg-iri { margin: 2px 0; color: #666; font-size: 12px; }
.kg-notice { color: #8a4b00; } #kg-search { margin-left: auto; } #kg-found { color: #b00020; }
#mynetwork { position: absolute; inset: 0; } #kg-legend li { list-style: none; }
#kg-legend, #kg-details { position: absolute; background: rgba(255,255,255,.95);
  border: 1px solid #ccc; font-size: 12px; }
#kg-legend { top: 10px; right: 10px; padding: 0 10px; } #kg-legend ul { padding: 0; }
#kg-details { left: 10px; bottom: 10px; max-width: 440px; max-height: 45%; overflow: auto;
  padding: 6px 10px; } #kg-details button { float: right; }
.kg-swatch, .kg-dashed { display: inline-block; width: 12px; height: 12px; margin-right: 6px;
  vertical-align: middle; border: 1px solid #555; border-radius: 50%; }
.kg-swatch-box { border-radius: 2px; } .kg-tip ul, #kg-details ul { margin: 2px 0; }
.kg-dashed { width: 18px; height: 0; border: 0; border-top: 2px dashed; border-radius: 0; }
#kg-tip { position: absolute; z-index: 10; pointer-events: none; max-width: 420px;
  background: #fffff0; border: 1px solid #999; padding: 4px 6px; box-shadow: 1px 1px 4px #aaa;
  font: 12px system-ui, sans-serif; }
</style>
</head>
<body>
<header><h1>{{ heading }}</h1><p>{{ stats }}</p><p id="kg-status" role="status"></p>\
{% if notice %}
<p class="kg-notice">{{ notice }}</p>{% endif %}{% if documents %}
<details><summary>{{ documents|length }} documents</summary><ul>
{% for doc in documents %}<li>{{ doc }}</li>{% endfor %}</ul></details>{% endif %}
<form id="kg-search" role="search"><input type="search" id="kg-query" \
placeholder="{{ ui.search }}" aria-label="{{ ui.search }}"> <button>{{ ui.go }}</button> \
<span id="kg-found" role="status"></span></form></header>
<main><div id="mynetwork"></div><aside id="kg-legend"><h2 class="kg-src">{{ ui.legend }}</h2><ul>
{% for cls, color, shape, label in legend %}<li><label><input type="checkbox" checked \
data-class="{{ cls }}"> <span class="kg-swatch{{ ' kg-swatch-box' if shape in boxes }}" \
style="background:{{ color }}"></span>{{ label }}</label></li>
{% endfor %}{% if hedged %}<li class="kg-hedged"><label><input type="checkbox" checked \
id="kg-show-hedged"> <span class="kg-dashed"></span>{{ ui.hedged }}</label></li>
{% endif %}</ul></aside>
<aside id="kg-details" hidden><button type="button" id="kg-close" \
aria-label="{{ ui.close }}">×</button><div id="kg-details-body"></div></aside>
<div id="kg-tip" hidden></div></main>
<script>{{ vis_js }}</script>
<script type="application/json" id="kg-data">{{ data|script_json }}</script>
<script type="application/json" id="kg-info">{{ info|script_json }}</script>
<script type="application/json" id="kg-options">{{ options|script_json }}</script>
<script>
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const parse = (id) => JSON.parse($(id).textContent);
  const data = parse("kg-data"), info = parse("kg-info"), ui = {{ script_ui|tojson }};
  // A graph with very many edges shows its nodes first and adds the edges right after the
  // first frame: vis-network spends most of its start-up on edges (seconds at 100,000).
  const nodes = new vis.DataSet(data.nodes);
  const edges = new vis.DataSet(data.deferEdges ? [] : data.edges);
  const network = new vis.Network($("mynetwork"), {nodes, edges}, parse("kg-options"));
  // Stabilise once, then freeze: a running simulation moves what the reader is looking at.
  network.once("stabilizationIterationsDone", () => network.setOptions({physics: false}));
  // For tests and benchmarks: the network, when (ms since navigation) it first drew, and when
  // it was complete (every edge drawn).
  window.kgNetwork = network;
  const stamp = (name) => {
    document.documentElement.dataset[name] = String(Math.round(performance.now()));
  };
  network.once("afterDrawing", () => {
    stamp("kgDrawn");
    if (!data.deferEdges) return stamp("kgComplete");
    $("kg-status").textContent = ui.loading_edges;
    setTimeout(() => {
      network.once("afterDrawing", () => {
        $("kg-status").textContent = "";
        stamp("kgComplete");
      });
      edges.add(data.edges);
    }, 0);
  });

  // Details are built only when shown, and article text only ever goes in as textContent.
  const element = (parent, tag, text, className) => {
    const child = parent.appendChild(document.createElement(tag));
    if (text !== undefined) child.textContent = text;
    if (className) child.className = className;
    return child;
  };
  const label = (id) => (nodes.get(id) || {label: id}).label;
  const describe = (kind, id) => {
    const root = document.createElement("div"), about = info[kind][id] || {};
    if (kind === "nodes") {
      element(root, "b", label(id));
    } else {
      const edge = edges.get(id), title = element(root, "div");
      element(title, "b", label(edge.from));
      title.append(" → " + about.p + " → ");
      element(title, "b", label(edge.to));
    }
    element(root, "div", [about.t, about.m].filter(Boolean).join(" · "));
    if (about.a) element(root, "div", ui.aliases + " : " + about.a.join(", "));
    (about.v || []).forEach(([name, value]) => {
      const line = element(root, "div");
      element(line, "b", name);
      line.append(" : " + value);
    });
    if (about.e) {
      element(root, "div", ui.evidence + " (" + about.n + ") :");
      const list = element(root, "ul");
      about.e.forEach(([sentence, start, end]) => {
        const [doc, text] = info.sentences[sentence];
        const item = element(list, "li", "« " + text + " » ");
        element(item, "span", doc + " [" + start + "–" + end + "]", "kg-src");
      });
      const more = about.n - about.e.length;
      if (more > 0) element(list, "li", "+ " + more + " " + ui.more);
    }
    if (kind === "nodes") element(root, "div", id, "kg-iri");
    return root;
  };

  const tip = $("kg-tip");
  const showTip = (kind, id, pointer) => {
    tip.replaceChildren(describe(kind, id));
    tip.style.left = (pointer.DOM.x + 14) + "px";
    tip.style.top = (pointer.DOM.y + 14) + "px";
    tip.hidden = false;
  };
  const hideTip = () => { tip.hidden = true; };
  network.on("hoverNode", (p) => showTip("nodes", p.node, p.pointer));
  network.on("hoverEdge", (p) => showTip("edges", p.edge, p.pointer));
  ["blurNode", "blurEdge", "dragStart", "zoom"].forEach((e) => network.on(e, hideTip));

  const details = $("kg-details");
  const showDetails = (kind, id) => {
    $("kg-details-body").replaceChildren(describe(kind, id));
    Object.assign(details.dataset, {kind, id});
    details.hidden = false;
  };
  $("kg-close").addEventListener("click", () => { details.hidden = true; });
  network.on("click", (p) => {
    hideTip();
    if (p.nodes.length) showDetails("nodes", p.nodes[0]);
    else if (p.edges.length) showDetails("edges", p.edges[0]);
    else details.hidden = true;
  });

  // Hide or show classes and hedged facts; edges of hidden nodes are not drawn.
  const classBoxes = [...document.querySelectorAll("#kg-legend input[data-class]")];
  const hedgedBox = $("kg-show-hedged");
  const applyFilters = () => {
    const shown = new Set(classBoxes.filter((b) => b.checked).map((b) => b.dataset.class));
    const hedged = !hedgedBox || hedgedBox.checked;
    nodes.update(data.nodes.map((n) => (
      {id: n.id, hidden: !shown.has(n.group) || (!hedged && n.hedged === true)})));
    // (update() would add the edges that a large page has not added yet)
    const drawn = data.edges.filter((e) => e.dashes && edges.get(e.id) !== null);
    edges.update(drawn.map((e) => ({id: e.id, hidden: !hedged})));
  };
  classBoxes.concat(hedgedBox ? [hedgedBox] : []).forEach(
    (box) => box.addEventListener("change", applyFilters));

  // Search by label or alias: exact, then prefix, then substring; entities before facts.
  const fold = (text) => text.normalize("NFKD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase();
  const names = data.nodes.map((n) => [n, [n.label].concat(n.aliases || []).map(fold)]);
  const find = (query) => {
    const tests = [(s) => s === query, (s) => s.startsWith(query), (s) => s.includes(query)];
    for (const test of tests) {
      const hits = names.filter(([, ns]) => ns.some(test)).map(([n]) => n);
      if (hits.length) return hits.find((n) => n.kind !== "fact") || hits[0];
    }
    return null;
  };
  $("kg-search").addEventListener("submit", (event) => {
    event.preventDefault();
    const query = fold($("kg-query").value.trim());
    const node = query ? find(query) : null;
    $("kg-found").textContent = node || !query ? "" : ui.not_found;
    if (!node) return;
    const box = classBoxes.find((b) => b.dataset.class === node.group);
    if (box && !box.checked) { box.checked = true; applyFilters(); }
    if (node.hedged && hedgedBox && !hedgedBox.checked) {
      hedgedBox.checked = true;
      applyFilters();
    }
    network.selectNodes([node.id]);
    network.focus(node.id, {scale: 1.5, animation: false});
    showDetails("nodes", node.id);
  });
})();
</script>
</body>
</html>
"""


def _script_json(value: object) -> Markup:
    """JSON (a str is JSON text already) that cannot end its ``<script>`` nor spell a URL."""
    # Safe on JSON text: the escaped characters can only occur inside JSON strings.
    if not isinstance(value, str):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _SCRIPT_ESCAPES:  # str.replace: 5x faster than str.translate here
        value = value.replace(char, escape)
    return Markup(value)


@functools.cache
def _vis_assets(pyvis_template_dir: str) -> tuple[str, str]:
    """vis-network's JS and CSS as shipped in pyvis, made safe to inline."""
    folder = Path(pyvis_template_dir) / _VIS_DIR
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    # Neither file contains these today; the guard keeps an upgrade from breaking the page.
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)
    css = re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
    return js, css


def _ui(lang: str) -> dict[str, str]:
    return _UI.get(lang, _UI["en"])


def _hedged(attrs: Mapping[str, Any]) -> bool:
    return attrs.get("modality", "Asserted") != "Asserted"


@functools.cache
def _class_style(cls: str, kind: str, lang: str) -> tuple[str, str, str]:
    """(colour, vis shape, label) of a class, from the ontology; grey for an unknown class."""
    info = load_ontology(lang).classes.get(cls)
    if info is None:
        return UNKNOWN_COLOR, ("box" if kind == "fact" else "dot"), (cls or "?")
    # The ontology is data: a malformed colour must not become CSS injected into the page.
    color = info.color if _HEX_COLOR.fullmatch(info.color) else UNKNOWN_COLOR
    return color, info.shape, info.label(lang)


@functools.cache
def _term_label(name: str, lang: str) -> str:
    """rdfs:label of any ``kg:`` term: properties, and modalities (individuals)."""
    found = load_ontology(lang).graph.objects(KG[name], RDFS.label)
    labels = {lit.language: str(lit) for lit in found if isinstance(lit, Literal)}
    return labels.get(lang) or labels.get("en") or name


def _local_name(iri: object) -> str:
    return re.split(r"[#/]", str(iri).rstrip("/#"))[-1]


class _Sentences:
    """Evidence sentences numbered once per page: many facts cite the same sentence."""

    def __init__(self) -> None:
        self.index: dict[tuple[str, str], int] = {}
        # to_networkx gives a fact's role edges the fact's own evidence list: number it once
        self._done: dict[int, tuple[list[Mapping[str, Any]], list[list[int]]]] = {}

    def refs(self, items: list[Mapping[str, Any]]) -> list[list[int]]:
        """``[sentence number, start, end]`` of the first ``MAX_EVIDENCE`` items."""
        done = self._done.get(id(items))
        if done is not None and done[0] is items:
            return done[1]
        refs, index = [], self.index
        for item in items[:MAX_EVIDENCE]:
            key = (str(item.get("doc", "")), str(item.get("sentence", "")))
            number = index.get(key)
            if number is None:
                number = index[key] = len(index)
            refs.append([number, item.get("start", 0), item.get("end", 0)])
        self._done[id(items)] = (items, refs)  # holding items keeps its id from being reused
        return refs

    def table(self) -> list[list[str]]:
        return [list(key) for key in sorted(self.index, key=self.index.__getitem__)]


def _evidence_info(items: list[Mapping[str, Any]], sentences: _Sentences) -> dict[str, Any]:
    return {"e": sentences.refs(items), "n": len(items)} if items else {}


def _node_info(iri: str, attrs: Mapping[str, Any], lang: str, sentences: _Sentences) -> dict:
    """What the page shows of a node on hover and click, as plain text fields."""
    cls, kind = str(attrs.get("cls", "")), str(attrs.get("kind", "entity"))
    info: dict[str, Any] = {
        "t": _class_style(cls, kind, lang)[2],
        "m": _term_label(str(attrs.get("modality", "Asserted")), lang),
    }
    if attrs.get("aliases"):
        info["a"] = [str(alias) for alias in attrs["aliases"]]
    values = attrs.get("values") or {}
    if values:
        info["v"] = [[_term_label(key, lang), str(values[key])] for key in sorted(values)]
    info.update(_evidence_info(attrs.get("evidence") or [], sentences))
    return info


def _edge_info(edge: tuple, lang: str, sentences: _Sentences) -> dict[str, Any]:
    _, _, key, attrs = edge
    info = {
        "p": str(attrs.get("label") or key),
        "m": _term_label(str(attrs.get("modality", "Asserted")), lang),
    }
    return info | _evidence_info(attrs.get("evidence") or [], sentences)


def _vis_node(nxg: nx.MultiDiGraph, iri: str, degree: int) -> dict[str, Any]:
    """A node of vis-network's data: its class is its group (styled once, in the options)."""
    attrs = nxg.nodes[iri]
    node: dict[str, Any] = {
        "id": iri,
        "label": str(attrs.get("label") or _local_name(iri)),
        "group": str(attrs.get("cls", "")),
    }
    if _hedged(attrs):
        # dashed border only: a node-level colour would replace its group's, not refine it
        node.update(hedged=True, borderWidth=2, shapeProperties={"borderDashes": [5, 4]})
    aliases = [str(a) for a in attrs.get("aliases") or []]
    if aliases:  # the page's search box finds a node by its aliases too
        node["aliases"] = aliases
    if attrs.get("kind") == "fact":
        node["kind"] = "fact"  # sized by its group; search prefers entities
    else:  # sqrt keeps hubs visible without letting them swallow their neighbours
        node["size"] = round(min(_SIZE_MAX, _SIZE_MIN + 4 * math.sqrt(degree)), 1)
    return node


def _groups(legend: list[tuple[str, str, str, str]], kinds: Mapping[str, str], large: bool) -> dict:
    """vis-network group options: colour and shape of each class, from the ontology.

    On a large graph a box becomes a square: a box is sized by its label, wrapped word by word
    with a text measure each, which was most of the time to the first frame at 50,000 nodes.
    """
    groups = {}
    for cls, color, class_shape, _ in legend:
        shape = "square" if large and class_shape == "box" else class_shape
        # Keep the class colour under the pointer; vis-network's default blue hides the class.
        focus = {"background": color, "border": "#111111"}
        group: dict[str, Any] = {
            "shape": shape,
            "color": {"background": color, "border": color, "highlight": focus, "hover": focus},
        }
        if kinds[cls] == "fact":
            # n-ary facts are hubs of roles, not actors: keep them small and wrapped.
            group.update(font={"size": 10}, margin=5, size=10)
            if not large:
                group["widthConstraint"] = {"maximum": 150}
        groups[cls] = group
    return groups


def _layout(nxg: nx.MultiDiGraph, ids: list[str]) -> list[tuple[float, float]]:
    """Fixed positions for a graph too big to lay out in the browser (igraph, compiled).

    The largest connected part gets a force-directed layout (Fruchterman-Reingold, igraph's
    grid variant: seconds for 50,000 nodes, where networkx's spring layout takes minutes at
    10,000); the small parts (an entity named once, a fact about it) are packed in rows under
    it, each part's nodes side by side, rather than scattered over the page. Seeded, so the
    page stays deterministic.
    """
    import igraph

    index = {iri: i for i, iri in enumerate(ids)}
    pairs = sorted({tuple(sorted((index[u], index[v]))) for u, v in nxg.edges() if u != v})
    graph = igraph.Graph(n=len(ids), edges=pairs)
    parts = sorted(
        (sorted(part) for part in graph.connected_components()), key=lambda p: (-len(p), p)
    )
    main, rest = parts[0], [node for part in parts[1:] for node in part]
    igraph.set_random_number_generator(random.Random(_LAYOUT_SEED))
    try:
        # The whole graph, not the main part alone: the grid variant is fast when the small
        # parts spread out, and slow (a minute at 50,000 nodes) on one dense part.
        # 250 iterations rather than 500: half the time, the same overview at this scale.
        layout = graph.layout_fruchterman_reingold(niter=250, grid=True).coords
    finally:
        igraph.set_random_number_generator(random)
    coords = [layout[node] for node in main]
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    left, bottom = min(xs), min(ys)
    width, height = max(xs) - left, max(ys) - bottom
    scale = _NODE_SPACING / math.sqrt(max(width * height, 1e-9) / len(main))
    positions: list[tuple[float, float]] = [(0.0, 0.0)] * len(ids)
    for node, (x, y) in zip(main, coords, strict=True):
        positions[node] = ((x - left - width / 2) * scale, (y - bottom) * scale)
    columns = max(1, round(width * scale / _NODE_SPACING))
    top = height * scale + 2 * _NODE_SPACING
    for i, node in enumerate(rest):
        row, column = divmod(i, columns)
        positions[node] = ((column - columns / 2) * _NODE_SPACING, top + row * _NODE_SPACING)
    return [(round(x, 1), round(y, 1)) for x, y in positions]


def _vis_nodes(nxg: nx.MultiDiGraph, large: bool) -> list[dict]:
    ids = sorted(nxg.nodes, key=str)
    degrees = dict(nxg.degree)
    nodes = [_vis_node(nxg, iri, degrees[iri]) for iri in ids]
    if large:
        for node, (x, y) in zip(nodes, _layout(nxg, ids), strict=True):
            node.update(x=x, y=y)
    return nodes


def _ordered_edges(nxg: nx.MultiDiGraph) -> list[tuple[str, str, str, dict[str, Any]]]:
    return sorted(nxg.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))


def _vis_edges(ordered: list[tuple[str, str, str, dict[str, Any]]], large: bool) -> list[dict]:
    """Edges of vis-network's data; a large graph's are drawn unlabelled (label on click)."""
    edges = []
    for index, (u, v, key, attrs) in enumerate(ordered):
        # Explicit ids: otherwise vis-network mints random uuids in the browser.
        edge = {"id": f"e{index}", "from": u, "to": v, "key": str(key)}
        if not large:
            edge["label"] = str(attrs.get("label") or key)
        if _hedged(attrs):
            edge["dashes"] = True
        edges.append(edge)
    return edges


def _info(nxg: nx.MultiDiGraph, ordered: list[tuple], edges: list[dict], lang: str) -> dict:
    """Hover and click details of every node and edge, and the sentences they cite.

    Plain strings the page puts into elements as text (``textContent``), never as HTML: article
    text cannot become markup whatever it contains.
    """
    sentences = _Sentences()
    nodes = {iri: _node_info(iri, nxg.nodes[iri], lang, sentences) for iri in sorted(nxg, key=str)}
    by_edge = {
        edge["id"]: _edge_info(item, lang, sentences)
        for edge, item in zip(edges, ordered, strict=True)
    }
    return {"nodes": nodes, "edges": by_edge, "sentences": sentences.table()}


def _most_connected(nxg: nx.MultiDiGraph, limit: int) -> nx.MultiDiGraph:
    """The subgraph of the ``limit`` nodes of highest degree (ties by IRI)."""
    ranked = sorted(nxg.degree, key=lambda item: (-item[1], str(item[0])))
    return nxg.subgraph(node for node, _ in ranked[:limit])


def _legend(nxg: nx.MultiDiGraph, lang: str) -> list[tuple[str, str, str, str]]:
    """(class, colour, shape, label) of each class present, sorted by label."""
    present: dict[str, str] = {}
    for iri in sorted(nxg.nodes, key=str):
        attrs = nxg.nodes[iri]
        present.setdefault(str(attrs.get("cls", "")), str(attrs.get("kind", "entity")))
    rows = [(cls, *_class_style(cls, kind, lang)) for cls, kind in present.items()]
    return sorted(rows, key=lambda row: (row[3].casefold(), row[0]))


def _options(net: Network, large: bool, groups: dict[str, Any]) -> dict[str, Any]:
    """pyvis's default vis-network options, adjusted for kg."""
    options: dict[str, Any] = json.loads(net.options.to_json())
    options["groups"] = groups
    # Physics settles before the first frame: keep that short (the default 1,000 iterations
    # take a minute on 1,000 nodes); bigger graphs come with positions and no physics.
    options["physics"]["stabilization"] = {"enabled": True, "iterations": 200, "fit": True}
    small = len(net.nodes) <= 100  # vis-network's improved layout gives up above that
    # Longer springs than vis-network's default leave room for the edge labels.
    options["physics"].update(
        enabled=not large, barnesHut={"springLength": 170, "avoidOverlap": 0.3}
    )
    # A fixed seed makes vis-network's initial placement, hence the drawing, reproducible.
    options["layout"] = {"randomSeed": 7, "improvedLayout": small}
    options["edges"].update(
        arrows={"to": {"enabled": not large, "scaleFactor": 0.6}},
        color={"color": "#8a8a8a", "highlight": "#333333", "inherit": False},
        font={"size": 10, "color": "#555555", "strokeWidth": 3},
        smooth={"enabled": not large, "type": "dynamic"},
    )
    # The page shows its own tooltips (kg-info); edges vanish while a big graph pans or zooms.
    options["interaction"].update(hover=True, hideEdgesOnDrag=large, hideEdgesOnZoom=large)
    return options


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: a page of 50,000 nodes makes millions of small
    dicts and lists, none in a cycle, and the collector's passes over them took a quarter of
    the time. Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def to_html(
    nxg: nx.MultiDiGraph, *, title: str = "kg", lang: str = "fr", max_nodes: int = MAX_NODES
) -> str:
    """One self-contained, offline, deterministic HTML page drawing ``nxg``.

    Above ``PHYSICS_MAX_NODES`` nodes the positions are computed here and physics is off;
    above ``max_nodes`` only the most connected nodes are drawn, and the page says how many.
    """
    with _no_cyclic_gc():
        return _page(nxg, title, lang, max_nodes)


def _page(nxg: nx.MultiDiGraph, title: str, lang: str, max_nodes: int) -> str:
    ui = _ui(lang)
    total, notice = nxg.number_of_nodes(), ""
    if total > max_nodes:
        log.warning("%d nodes > %d: drawing the %d most connected", total, max_nodes, max_nodes)
        nxg = _most_connected(nxg, max_nodes)
        notice = ui["shown"].format(shown=f"{max_nodes:,}", total=f"{total:,}")
    large = nxg.number_of_nodes() > PHYSICS_MAX_NODES
    if large:
        log.info("%d nodes > %d: igraph layout, physics off", len(nxg), PHYSICS_MAX_NODES)
    net = Network(directed=True, heading=title, cdn_resources="in_line")
    # Filled directly: add_node/add_edge check membership in lists, quadratic on big graphs.
    ordered = _ordered_edges(nxg)
    net.nodes, net.edges = _vis_nodes(nxg, large), _vis_edges(ordered, large)
    legend = _legend(nxg, lang)
    kinds = {str(a.get("cls", "")): str(a.get("kind", "entity")) for _, a in nxg.nodes(data=True)}
    net.options = _options(net, large, _groups(legend, kinds, large))
    vis_js, vis_css = _vis_assets(net.template_dir)
    env = Environment(loader=DictLoader({"kg.html": _TEMPLATE}), autoescape=True)
    env.filters["script_json"] = _script_json
    env.globals.update(
        lang=lang,
        ui=ui,
        boxes=("box", "square"),
        script_ui={
            key: ui[key] for key in ("aliases", "evidence", "more", "not_found", "loading_edges")
        },
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
        data={
            "nodes": net.nodes,
            "edges": net.edges,
            "deferEdges": len(net.edges) > DEFER_EDGES,
        },
        info=_info(nxg, ordered, net.edges, lang),
        legend=legend,
        hedged=any(n.get("hedged") for n in net.nodes) or any(e.get("dashes") for e in net.edges),
        stats=f"{len(net.nodes)} {ui['nodes']} · {len(net.edges)} {ui['edges']}",
        notice=notice,
        documents=[str(doc) for doc in nxg.graph.get("documents") or []],
    )
    # pyvis renders our template; its stock one links bootstrap from a CDN and does not escape.
    net.templateEnv, net.path = env, "kg.html"
    page = net.generate_html()
    log.debug("html page: %d nodes, %d edges, %d chars", len(net.nodes), len(net.edges), len(page))
    return page


@dataclass(frozen=True)
class InlineGraph:
    """A page shown inline by Jupyter, JupyterLab and VS Code notebooks (``_repr_html_``).

    The page goes into an ``<iframe srcdoc>``: its script runs in a document of its own, so
    it neither depends on the front-end running scripts of HTML outputs nor sees the notebook.
    """

    page: str = field(repr=False)
    height: int = 600

    def __repr__(self) -> str:
        return f"InlineGraph({len(self.page):,} characters, height={self.height})"

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.page, quote=True)}" sandbox="allow-scripts" '
            f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #ddd" '
            'title="kg graph"></iframe>'
        )


def show(
    nxg: nx.MultiDiGraph, *, title: str = "kg", lang: str = "fr", height: int = 600
) -> InlineGraph:
    """The interactive graph for a notebook cell: ``kg.show(nxg)`` as the cell's last line."""
    return InlineGraph(to_html(nxg, title=title, lang=lang), height)


def write_html(
    nxg: nx.MultiDiGraph,
    path: str | Path,
    *,
    title: str = "kg",
    lang: str = "fr",
    max_nodes: int = MAX_NODES,
) -> Path:
    """Write :func:`to_html` to ``path`` atomically (temp file + ``os.replace``); return it."""
    target = Path(path)
    page = to_html(nxg, title=title, lang=lang, max_nodes=max_nodes)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(page)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)  # mkstemp creates 0600; a report is meant to be shared
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    log.info("wrote %s", target)
    return target
