"""Entities across documents: one IRI, one label, every other name kept as an alias.

An entity's IRI is minted from its normalised name (``kg.resolve.entity_key``: case, accents,
spaces and legal suffixes ignored), so "Nexaria" in one article, "Nex Aria" in another and
"Nexaria Inc." in a third are already one node of the store, each document's graph giving it the
label that document uses. Each document keeps its own graph (so that re-building or removing
one touches nothing else); the whole graph built from the store (``kg.store.union_graph``:
Turtle, networkx, the HTML page) gives such an entity one label, the name the most documents
use (ties: the shortest, then the first in alphabetical order), keeps the others as
``kg:alias`` and records why they are one entity in ``kg:mergeReason``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import unquote

from rdflib import RDFS, Graph, Literal, URIRef

from kg.ontology import KG, KGR

__all__ = ["merge_names", "merge_reason"]

_ENTITY = str(KGR["entity/"])


def merge_reason(key: str, names: Iterable[tuple[str, int]]) -> str:
    """Why differently written names are one entity, with how many documents use each.

    >>> merge_reason("nexaria", [("Nexaria", 2), ("Nex Aria", 1)])
    'same normalised name (nexaria) across documents: «Nexaria» in 2, «Nex Aria» in 1'
    """
    uses = ", ".join(f"«{name}» in {count}" for name, count in names)
    return f"same normalised name ({key}) across documents: {uses}"


def merge_names(graph: Graph, names: Iterable[tuple[URIRef, Literal, int]]) -> Graph:
    """Give every entity named differently by different documents one label, in place.

    ``names`` are (entity, label, number of documents whose graph gives it that label), as
    the store counts them. Entities with one name are left as they are.
    """
    by_entity: dict[URIRef, list[tuple[Literal, int]]] = defaultdict(list)
    for entity, label, count in names:
        if str(entity).startswith(_ENTITY):
            by_entity[entity].append((label, count))
    for entity, labels in sorted(by_entity.items()):
        if len(labels) < 2:
            continue
        ranked = sorted(
            labels, key=lambda lc: (-lc[1], len(lc[0]), str(lc[0]), lc[0].language or "")
        )
        canonical = ranked[0][0]
        for label, _ in ranked[1:]:
            graph.remove((entity, RDFS.label, label))
            graph.add((entity, KG.alias, label))
        key = unquote(str(entity)[len(_ENTITY) :])
        reason = merge_reason(key, [(str(label), count) for label, count in ranked])
        graph.add((entity, KG.mergeReason, Literal(reason)))
        graph.set((entity, RDFS.label, canonical))
    return graph
