"""RDF -> networkx: entities and facts become nodes, relations and roles become edges.

Literals, types and provenance become node and edge attributes, never nodes: a graph of 500
articles must not turn every "USD" into one hub. Reified relations fold into the edge they
describe, with their modality and evidence sentences.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from kg.ontology import KG, Ontology, load_ontology

__all__ = ["to_networkx"]

_MODALITY_STRENGTH = {"Asserted": 3, "Reported": 2, "Possible": 1, "Negated": 0}


def _local(term: Node) -> str:
    text = str(term)
    return text[len(str(KG)) :] if text.startswith(str(KG)) else text


def _int(graph: Graph, node: Node, prop: URIRef) -> int:
    value = graph.value(node, prop)
    return int(value) if isinstance(value, Literal) else -1


class _Evidence:
    """Evidence dictionaries for sentence nodes, cached: many facts share a sentence."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.cache: dict[Node, dict[str, Any]] = {}

    def sentence(self, sentence: Node) -> dict[str, Any]:
        if sentence not in self.cache:
            g = self.graph
            doc = g.value(sentence, KG.inDocument)
            self.cache[sentence] = {
                "doc": str(g.value(doc, RDFS.label) or doc or ""),
                "sentence": str(g.value(sentence, KG.content) or ""),
                "start": _int(g, sentence, KG.startChar),
                "end": _int(g, sentence, KG.endChar),
            }
        return self.cache[sentence]

    def of_fact(self, node: Node) -> list[dict[str, Any]]:
        g = self.graph
        items = []
        for sentence in sorted(g.objects(node, KG.evidence), key=str):
            item = dict(self.sentence(sentence))
            item["start"], item["end"] = _int(g, node, KG.startChar), _int(g, node, KG.endChar)
            items.append(item)
        return items


def _classes(graph: Graph, node: Node, onto: Ontology) -> list[str]:
    return sorted(_local(t) for t in graph.objects(node, RDF.type) if _local(t) in onto.classes)


def to_networkx(graph: Graph, *, lang: str = "fr") -> nx.MultiDiGraph:
    """Convert a kg graph to an ``nx.MultiDiGraph``.

    Nodes are entity and fact IRIs with attributes ``label``, ``aliases``, ``kind``
    (``entity``/``fact``), ``cls``, ``modality``, ``values`` (literals as text) and
    ``evidence`` (dicts with ``doc``, ``sentence``, ``start``, ``end``). Edges are keyed by
    property local name, with ``label`` (in ``lang``), ``modality`` and ``evidence``.
    """
    onto = load_ontology(lang)
    evidence = _Evidence(graph)
    entity_classes = set(onto.entity_classes(untyped=True))
    fact_classes = set(onto.fact_classes())
    nxg = nx.MultiDiGraph()
    nxg.graph["documents"] = sorted(
        str(graph.value(d, RDFS.label) or d) for d in graph.subjects(RDF.type, KG.Document)
    )

    for node in sorted(set(graph.subjects(RDF.type, None)), key=str):
        classes = _classes(graph, node, onto)
        kind = (
            "entity"
            if entity_classes & set(classes)
            else "fact"
            if fact_classes & set(classes)
            else None
        )
        if kind is None:
            continue
        cls = next(c for c in classes if c in entity_classes | fact_classes)
        values = {
            _local(p): str(o)
            for p, o in sorted(graph.predicate_objects(node))
            if isinstance(o, Literal)
            and _local(p) in onto.properties
            and p not in (KG.startChar, KG.endChar, KG.alias, KG.mergeReason)
        }
        modality = graph.value(node, KG.modality)
        mention_evidence = [
            evidence.sentence(s) for s in sorted(graph.objects(node, KG.mentionedIn), key=str)
        ]
        nxg.add_node(
            str(node),
            label=str(graph.value(node, RDFS.label) or _local(node)),
            aliases=sorted(str(a) for a in graph.objects(node, KG.alias)),
            kind=kind,
            cls=cls,
            modality=_local(modality) if modality else "Asserted",
            values=values,
            evidence=evidence.of_fact(node) if kind == "fact" else mention_evidence,
        )

    # n-ary roles: fact -> entity edges
    for fact in [n for n, a in nxg.nodes(data=True) if a["kind"] == "fact"]:
        for p, o in sorted(graph.predicate_objects(URIRef(fact))):
            if isinstance(o, URIRef) and str(o) in nxg and _local(p) in onto.properties:
                attrs = nxg.nodes[fact]
                nxg.add_edge(
                    fact,
                    str(o),
                    key=_local(p),
                    label=onto.properties[_local(p)].label(lang),
                    modality=attrs["modality"],
                    evidence=attrs["evidence"],
                )

    # binary relations: one edge per (subject, property, object), evidence from every statement
    statements: dict[tuple[str, str, str], list[Node]] = defaultdict(list)
    for stmt in graph.subjects(RDF.type, KG.Relation):
        s, p, o = (graph.value(stmt, t) for t in (RDF.subject, RDF.predicate, RDF.object))
        if s is not None and p is not None and o is not None:
            statements[(str(s), _local(p), str(o))].append(stmt)
    plain = {
        (str(s), _local(p), str(o))
        for s, p, o in graph
        if _local(p) in onto.properties
        and str(s) in nxg
        and str(o) in nxg
        and nxg.nodes[str(s)]["kind"] == "entity"
        and nxg.nodes[str(o)]["kind"] == "entity"
    }
    for s, p, o in sorted(plain | set(statements)):
        if s not in nxg or o not in nxg:
            continue
        stmts = sorted(statements.get((s, p, o), []), key=str)
        modalities = [_local(graph.value(st, KG.modality) or KG.Asserted) for st in stmts]
        if (s, p, o) in plain:
            modalities.append("Asserted")
        nxg.add_edge(
            s,
            o,
            key=p,
            label=onto.properties[p].label(lang) if p in onto.properties else p,
            modality=max(modalities, key=lambda m: _MODALITY_STRENGTH.get(m, 0)),
            evidence=[e for st in stmts for e in evidence.of_fact(st)],
        )
    return nxg
