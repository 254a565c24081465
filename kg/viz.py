"""Interactive HTML view of a kg graph: networkx -> vis-network data -> one offline page.

The page is self-contained (vis-network inlined from the copy shipped in pyvis; a
Content-Security-Policy forbids every request), deterministic (same graph, same bytes) and safe
with hostile article text: article strings are HTML-escaped before they reach a tooltip or the
legend, and the JSON embedded in ``<script>`` elements cannot close them. Colours, shapes and
class labels come from ``ontology.ttl`` (``kg:displayColor``, ``kg:displayShape``).
"""

from __future__ import annotations

import functools
import html
import json
import logging
import math
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import DictLoader, Environment
from markupsafe import Markup
from pyvis.network import Network
from rdflib import RDFS, Literal

from kg.ontology import KG, load_ontology

__all__ = ["PHYSICS_MAX_NODES", "to_html", "write_html"]

log = logging.getLogger(__name__)

#: Above this many nodes the browser simulation never settles: lay out on a grid, physics off.
PHYSICS_MAX_NODES = 1500
UNKNOWN_COLOR = "#9e9e9e"
#: Tooltips list at most this many evidence sentences so hub nodes do not bloat the page.
MAX_EVIDENCE = 10
#: The vis-network copy that pyvis's own ``in_line`` template embeds.
_VIS_DIR = "lib/vis-9.1.2"
_SIZE_MIN, _SIZE_MAX = 12.0, 40.0
_GRID_STEP = 150
_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{3,8}")
# Characters that could end a <script> element, open a comment or spell a URL; their JSON
# escapes decode to the same text.
_SCRIPT_ESCAPES = str.maketrans({c: f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"} | {"/": "\\/"})

_UI_KEYS = ("aliases", "evidence", "more", "nodes", "edges", "legend", "hedged")
_UI = {
    "fr": ("alias", "preuves", "autres", "nœuds", "arêtes", "Légende", "non affirmé (pointillés)"),
    "en": ("aliases", "evidence", "more", "nodes", "edges", "Legend", "not asserted (dashed)"),
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
header { padding: 6px 14px; border-bottom: 1px solid #ddd; } h1 { font-size: 18px; margin: 0; }
header p, details, .kg-src, .kg-iri { margin: 2px 0; color: #666; font-size: 12px; }
#mynetwork { position: absolute; inset: 0; } #kg-legend li { list-style: none; }
#kg-legend { position: absolute; top: 10px; right: 10px; background: rgba(255,255,255,.9);
  border: 1px solid #ccc; padding: 0 10px; font-size: 12px; } #kg-legend ul { padding: 0; }
.kg-swatch, .kg-dashed { display: inline-block; width: 12px; height: 12px; margin-right: 6px;
  vertical-align: middle; border: 1px solid #555; border-radius: 50%; }
.kg-swatch-box { border-radius: 2px; } .kg-tip ul { margin: 2px 0; }
.kg-dashed { width: 18px; height: 0; border: 0; border-top: 2px dashed; border-radius: 0; }
.kg-tip { max-width: 420px; white-space: normal; font: 12px system-ui, sans-serif; }
</style>
</head>
<body>
<header><h1>{{ heading }}</h1><p>{{ stats }}</p>{% if documents %}
<details><summary>{{ documents|length }} documents</summary><ul>
{% for doc in documents %}<li>{{ doc }}</li>{% endfor %}</ul></details>{% endif %}</header>
<main><div id="mynetwork"></div><aside id="kg-legend"><h2 class="kg-src">{{ ui.legend }}</h2><ul>
{% for cls, color, shape, label in legend %}<li data-class="{{ cls }}" data-color="{{ color }}">\
<span class="kg-swatch{{ ' kg-swatch-box' if shape in ('box', 'square') }}" \
style="background:{{ color }}"></span>{{ label }}</li>
{% endfor %}{% if hedged %}<li class="kg-hedged"><span class="kg-dashed"></span>{{ ui.hedged }}</li>
{% endif %}</ul></aside></main>
<script>{{ vis_js }}</script>
<script type="application/json" id="kg-data">\
{{ {"nodes": nodes, "edges": edges}|script_json }}</script>
<script type="application/json" id="kg-options">{{ options|script_json }}</script>
<script>
(function () {
  "use strict";
  const parse = (id) => JSON.parse(document.getElementById(id).textContent);
  // vis-network 9 shows string titles as plain text; ours were escaped in Python, so they
  // can be parsed as HTML to give structured tooltips.
  const withTip = (item) => {
    const div = Object.assign(document.createElement("div"), {className: "kg-tip"});
    div.innerHTML = item.title || "";
    return Object.assign(item, {title: div});
  };
  const data = parse("kg-data");
  const network = new vis.Network(document.getElementById("mynetwork"), {
    nodes: new vis.DataSet(data.nodes.map(withTip)), edges: new vis.DataSet(data.edges.map(withTip))
  }, parse("kg-options"));
  // Stabilise once, then freeze: a running simulation moves what the reader is looking at.
  network.once("stabilizationIterationsDone", () => network.setOptions({physics: false}));
  // For tests and benchmarks: the network, and when (ms since navigation) it first drew.
  window.kgNetwork = network;
  network.once("afterDrawing", () => {
    document.documentElement.dataset.kgDrawn = String(Math.round(performance.now()));
  });
})();
</script>
</body>
</html>
"""


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _script_json(value: object) -> Markup:
    """JSON (a str is JSON text already) that cannot end its ``<script>`` nor spell a URL."""
    # Safe on JSON text: the escaped characters can only occur inside JSON strings.
    if not isinstance(value, str):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return Markup(value.translate(_SCRIPT_ESCAPES))


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
    return dict(zip(_UI_KEYS, _UI.get(lang, _UI["en"]), strict=True))


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


def _evidence_html(items: list[Mapping[str, Any]], ui: Mapping[str, str]) -> str:
    if not items:  # roles of n-ary facts carry their evidence on the fact node
        return ""
    lines = [
        f"<li>« {_esc(e.get('sentence', ''))} » <span class='kg-src'>{_esc(e.get('doc', ''))}"
        f" [{_esc(e.get('start', ''))}–{_esc(e.get('end', ''))}]</span></li>"
        for e in items[:MAX_EVIDENCE]
    ]
    if len(items) > MAX_EVIDENCE:
        lines.append(f"<li>+ {len(items) - MAX_EVIDENCE} {ui['more']}</li>")
    return f"<div>{ui['evidence']} ({len(items)}) :</div><ul>{''.join(lines)}</ul>"


def _node_title(iri: str, attrs: Mapping[str, Any], lang: str) -> str:
    ui = _ui(lang)
    class_label = _class_style(str(attrs.get("cls", "")), str(attrs.get("kind", "entity")), lang)[2]
    modality = _term_label(str(attrs.get("modality", "Asserted")), lang)
    parts = [
        f"<b>{_esc(attrs.get('label') or _local_name(iri))}</b>",
        f"<div>{_esc(class_label)} · {_esc(modality)}</div>",
    ]
    aliases = attrs.get("aliases") or []
    if aliases:
        parts.append(f"<div>{ui['aliases']} : {_esc(', '.join(map(str, aliases)))}</div>")
    values = attrs.get("values") or {}
    parts.extend(
        f"<div><b>{_esc(_term_label(key, lang))}</b> : {_esc(values[key])}</div>"
        for key in sorted(values)
    )
    parts.append(_evidence_html(attrs.get("evidence") or [], ui))
    parts.append(f"<div class='kg-iri'>{_esc(iri)}</div>")
    return "".join(parts)


def _edge_title(nxg: nx.MultiDiGraph, edge: tuple, lang: str) -> str:
    u, v, key, attrs = edge
    names = [_esc(nxg.nodes[n].get("label") or _local_name(n)) for n in (u, v)]
    modality = _term_label(str(attrs.get("modality", "Asserted")), lang)
    return (
        f"<b>{names[0]}</b> → {_esc(attrs.get('label') or key)} → <b>{names[1]}</b>"
        f"<div>{_esc(modality)}</div>" + _evidence_html(attrs.get("evidence") or [], _ui(lang))
    )


def _vis_node(nxg: nx.MultiDiGraph, iri: str, lang: str) -> dict[str, Any]:
    attrs = nxg.nodes[iri]
    cls, kind = str(attrs.get("cls", "")), str(attrs.get("kind", "entity"))
    color, shape, _ = _class_style(cls, kind, lang)
    hedged = _hedged(attrs)
    # Keep the class colour under the pointer; vis-network's default blue hides the class.
    focus = {"background": color, "border": "#111111"}
    node: dict[str, Any] = {
        "id": iri,
        "label": str(attrs.get("label") or _local_name(iri)),
        "title": _node_title(iri, attrs, lang),
        "cls": cls,
        "shape": shape,
        "color": {
            "background": color,
            "border": "#333333" if hedged else color,
            "highlight": focus,
            "hover": focus,
        },
        "borderWidth": 2 if hedged else 1,
        "shapeProperties": {"borderDashes": [5, 4] if hedged else False},
    }
    if kind == "fact":
        # n-ary facts are hubs of roles, not actors: keep them small and wrapped.
        node.update(font={"size": 10}, margin=5, widthConstraint={"maximum": 150}, size=10)
    else:  # sqrt keeps hubs visible without letting them swallow their neighbours
        node["size"] = round(min(_SIZE_MAX, _SIZE_MIN + 4 * math.sqrt(nxg.degree(iri))), 1)
    return node


def _vis_nodes(nxg: nx.MultiDiGraph, lang: str, large: bool) -> list[dict]:
    nodes = [_vis_node(nxg, iri, lang) for iri in sorted(nxg.nodes, key=str)]
    if large:
        _place_on_grid(nodes)
    return nodes


def _place_on_grid(nodes: list[dict[str, Any]]) -> None:
    """Fixed square grid grouped by class; a stand-in until a real layout (igraph) lands."""
    columns = math.ceil(math.sqrt(len(nodes)))
    for i, node in enumerate(sorted(nodes, key=lambda n: (n["cls"], str(n["id"])))):
        node.update(x=(i % columns) * _GRID_STEP, y=(i // columns) * _GRID_STEP)


def _vis_edges(nxg: nx.MultiDiGraph, lang: str) -> list[dict]:
    ordered = sorted(nxg.edges(keys=True, data=True), key=lambda e: tuple(map(str, e[:3])))
    return [
        {
            # Explicit ids: otherwise vis-network mints random uuids in the browser.
            "id": f"e{index}",
            "from": u,
            "to": v,
            "key": str(key),
            "label": str(attrs.get("label") or key),
            "title": _edge_title(nxg, (u, v, key, attrs), lang),
            "dashes": _hedged(attrs),
        }
        for index, (u, v, key, attrs) in enumerate(ordered)
    ]


def _legend(nxg: nx.MultiDiGraph, lang: str) -> list[tuple[str, str, str, str]]:
    """(class, colour, shape, label) of each class present, sorted by label."""
    present: dict[str, str] = {}
    for iri in sorted(nxg.nodes, key=str):
        attrs = nxg.nodes[iri]
        present.setdefault(str(attrs.get("cls", "")), str(attrs.get("kind", "entity")))
    rows = [(cls, *_class_style(cls, kind, lang)) for cls, kind in present.items()]
    return sorted(rows, key=lambda row: (row[3].casefold(), row[0]))


def _options(net: Network, large: bool) -> dict[str, Any]:
    """pyvis's default vis-network options, adjusted for kg."""
    options: dict[str, Any] = json.loads(net.options.to_json())
    small = len(net.nodes) <= 100  # vis-network's improved layout gives up above that
    # Longer springs than vis-network's default leave room for the edge labels.
    options["physics"].update(
        enabled=not large, barnesHut={"springLength": 170, "avoidOverlap": 0.3}
    )
    # A fixed seed makes vis-network's initial placement, hence the drawing, reproducible.
    options["layout"] = {"randomSeed": 7, "improvedLayout": small}
    options["edges"].update(
        arrows={"to": {"enabled": True, "scaleFactor": 0.6}},
        color={"color": "#8a8a8a", "highlight": "#333333", "inherit": False},
        font={"size": 10, "color": "#555555", "strokeWidth": 3},
        smooth={"enabled": not large, "type": "dynamic"},
    )
    options["interaction"].update(hover=True, tooltipDelay=150)
    return options


def to_html(nxg: nx.MultiDiGraph, *, title: str = "kg", lang: str = "fr") -> str:
    """One self-contained, offline, deterministic HTML page drawing ``nxg``."""
    large = nxg.number_of_nodes() > PHYSICS_MAX_NODES
    if large:
        log.info("%d nodes > %d: physics off, grid layout", len(nxg), PHYSICS_MAX_NODES)
    net = Network(directed=True, heading=title, cdn_resources="in_line")
    # Filled directly: add_node/add_edge check membership in lists, quadratic on big graphs.
    net.nodes = _vis_nodes(nxg, lang, large)
    net.edges = _vis_edges(nxg, lang)
    net.options = _options(net, large)
    vis_js, vis_css = _vis_assets(net.template_dir)
    env = Environment(loader=DictLoader({"kg.html": _TEMPLATE}), autoescape=True)
    env.filters["script_json"] = _script_json
    ui = _ui(lang)
    env.globals.update(
        lang=lang,
        ui=ui,
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
        legend=_legend(nxg, lang),
        hedged=any(n["shapeProperties"]["borderDashes"] for n in net.nodes)
        or any(e["dashes"] for e in net.edges),
        stats=f"{len(net.nodes)} {ui['nodes']} · {len(net.edges)} {ui['edges']}",
        documents=[str(doc) for doc in nxg.graph.get("documents") or []],
    )
    # pyvis renders our template; its stock one links bootstrap from a CDN and does not escape.
    net.templateEnv, net.path = env, "kg.html"
    page = net.generate_html()
    log.debug("html page: %d nodes, %d edges, %d chars", len(net.nodes), len(net.edges), len(page))
    return page


def write_html(
    nxg: nx.MultiDiGraph, path: str | Path, *, title: str = "kg", lang: str = "fr"
) -> Path:
    """Write :func:`to_html` to ``path`` atomically (temp file + ``os.replace``); return it."""
    target = Path(path)
    page = to_html(nxg, title=title, lang=lang)
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
