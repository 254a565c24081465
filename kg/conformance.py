"""Check that a graph keeps the ontology's contract: declared terms, domains, ranges, datatypes."""

from __future__ import annotations

import functools

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from kg.ontology import KG, Ontology, load_ontology

__all__ = ["violations"]


@functools.cache
def _superclasses(onto: Ontology) -> dict[Node, frozenset[Node]]:
    """Every class of the ontology with all its superclasses, external ones included."""
    g = onto.graph
    return {
        cls: frozenset(g.transitive_objects(cls, RDFS.subClassOf))
        for cls in set(g.subjects(RDF.type, OWL.Class))
    }


def _types(graph: Graph, onto: Ontology, node: Node) -> set[Node]:
    supers = _superclasses(onto)
    types: set[Node] = set()
    for t in set(graph.objects(node, RDF.type)) | set(onto.graph.objects(node, RDF.type)):
        types |= supers.get(t, frozenset({t}))
    return types


def _datatype_ok(value: Literal, expected: Node) -> bool:
    if expected == RDF.langString:
        return value.language is not None
    if expected == RDFS.Literal:
        return True
    if expected == XSD.string and value.datatype is None and value.language is None:
        return True  # RDF 1.1: a simple literal is an xsd:string
    return value.datatype == expected or (expected == OWL.real and value.datatype is not None)


def violations(graph: Graph, onto: Ontology | None = None) -> list[str]:
    """Triples of ``graph`` that break ``ontology.ttl``, one readable line each (none: conforms)."""
    onto = onto or load_ontology()
    problems: list[str] = []
    declared_classes = {KG[c] for c in onto.classes}
    for s, p, o in sorted(graph):
        if p == RDF.type:
            if str(o).startswith(str(KG)) and o not in declared_classes:
                problems.append(f"{s} has undeclared class {o}")
            continue
        if not str(p).startswith(str(KG)):
            continue
        name = str(p)[len(str(KG)) :]
        info = onto.properties.get(name)
        if info is None:
            problems.append(f"undeclared property {p}")
            continue
        domain = onto.graph.value(p, RDFS.domain)
        range_ = onto.graph.value(p, RDFS.range)
        if domain is not None and domain not in _types(graph, onto, s):
            problems.append(f"{s} {name} ...: subject is not a {domain}")
        if info.kind == "object":
            if not isinstance(o, URIRef):
                problems.append(f"{s} {name} {o!r}: object property with a literal")
            elif range_ is not None and range_ not in _types(graph, onto, o):
                problems.append(f"{s} {name} {o}: object is not a {range_}")
        elif not isinstance(o, Literal) or (range_ is not None and not _datatype_ok(o, range_)):
            problems.append(f"{s} {name} {o!r}: value is not a {range_}")
    return problems
