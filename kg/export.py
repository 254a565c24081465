"""Export a graph to the formats other tools read: Turtle, N-Triples, N-Quads, JSON-LD, GraphML.

Line-based formats are sorted, so an export is byte-identical from run to run and diffs well.
N-Quads keeps the named graph of each document; GraphML (for Gephi, yEd, Cytoscape) is the
networkx view of ``kg.graph`` with every attribute flattened to a string or number.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import Dataset, Graph

from kg.errors import OutputError, QueryError
from kg.graph import to_networkx
from kg.io import write_text_atomic
from kg.rdf import to_turtle
from kg.sparql import open_graph
from kg.store import graph_names, named_graph, union_graph

__all__ = ["EXPORT_FORMATS", "export", "write_export"]

#: Format name -> file suffix.
EXPORT_FORMATS = {
    "ttl": ".ttl",
    "nt": ".nt",
    "nq": ".nq",
    "jsonld": ".jsonld",
    "graphml": ".graphml",
}

_JSONLD_CONTEXT = {
    "kg": "https://w3id.org/kg/ontology#",
    "kgr": "https://w3id.org/kg/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
}


def _sorted_lines(text: str) -> str:
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "\n".join(lines) + "\n" if lines else ""


def _flat(value: Any) -> str | int | float | bool:
    """GraphML attributes are scalars: lists and mappings become JSON text."""
    if isinstance(value, bool | int | float | str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _graphml(graph: Graph) -> str:
    source = to_networkx(graph)
    flat = nx.MultiDiGraph()
    for node, data in sorted(source.nodes(data=True), key=lambda item: str(item[0])):
        flat.add_node(str(node), **{k: _flat(v) for k, v in sorted(data.items())})
    edges = sorted(source.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), e[2]))
    for u, v, key, data in edges:
        flat.add_edge(str(u), str(v), key=key, **{k: _flat(v_) for k, v_ in sorted(data.items())})
    return "\n".join(nx.generate_graphml(flat)) + "\n"


def export(source: str | Path | Graph, fmt: str) -> str:
    """``source`` (a graph file, a store directory, a ``Dataset`` or ``Graph``) as ``fmt``."""
    if fmt not in EXPORT_FORMATS:
        raise QueryError(f"unknown export format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    opened = open_graph(source)
    if fmt == "nq" and isinstance(opened, Dataset):
        lines = []
        for name in graph_names(opened):
            triples = named_graph(opened, name).serialize(format="nt")
            lines += [f"{line[:-1]}<{name}> ." for line in triples.splitlines() if line.strip()]
        return _sorted_lines("\n".join(lines))
    graph = union_graph(opened) if isinstance(opened, Dataset) else opened
    if fmt == "ttl":
        return to_turtle(graph)
    if fmt in ("nt", "nq"):  # a plain graph has no named graphs: its quads are its triples
        return _sorted_lines(graph.serialize(format="nt"))
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context=_JSONLD_CONTEXT, sort_keys=True, indent=1)
    return _graphml(graph)


def write_export(source: str | Path | Graph, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``source`` to ``path``, atomically, in ``fmt`` or the format its suffix names."""
    path = Path(path)
    if fmt is None:
        by_suffix = {suffix: name for name, suffix in EXPORT_FORMATS.items()}
        fmt = by_suffix.get(path.suffix.lower())
        if fmt is None:
            raise QueryError(
                f"{path}: cannot tell the format from the suffix; "
                f"use --format ({', '.join(EXPORT_FORMATS)})"
            )
    text = export(source, fmt)
    try:
        return write_text_atomic(path, text)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the export: {exc.strerror or exc}") from exc
