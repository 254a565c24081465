"""Reading names and text out of a kg graph: helpers shared by :mod:`kg.evaluate` and
:mod:`kg.grounding`.

:func:`fold` normalises a name for comparison; :func:`_entities` reads every entity of the graph
with its display label and folded names; :func:`_local_name`, :func:`_one_line`,
:func:`_number` and :func:`_listing` turn graph terms, literals and lists into readable text.
Both modules import from here, so neither needs the other's private helpers:
:mod:`kg.evaluate` imports :mod:`kg.grounding`, never the other way round.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import RDF, RDFS, Graph
from rdflib.term import Node

from kg.ontology import KG, Ontology

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "´": "'", "`": "'"})
_TEXT_WIDTH = 60


def fold(text: str) -> str:
    """Normalise a name for comparison: NFKD, no accents, casefolded, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def _local_name(term: Node) -> str:
    text = str(term)
    if text.startswith(str(KG)):
        return text[len(str(KG)) :]
    return re.split(r"[#/]", text)[-1]


def _one_line(text: str, width: int = _TEXT_WIDTH) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@dataclass(frozen=True)
class _Entity:
    node: Node
    label: str
    names: frozenset[str]  # folded labels and aliases


def _entities(graph: Graph, ontology: Ontology) -> dict[Node, _Entity]:
    classes = {KG[name] for name in ontology.entity_classes(untyped=True)}
    entities: dict[Node, _Entity] = {}
    for node in sorted({s for s, o in graph.subject_objects(RDF.type) if o in classes}):
        labels = sorted(str(o) for o in graph.objects(node, RDFS.label))
        aliases = sorted(str(o) for o in graph.objects(node, KG.alias))
        names = labels + aliases
        label = names[0] if names else _local_name(node)
        entities[node] = _Entity(node=node, label=label, names=frozenset(map(fold, names)))
    return entities


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _listing(title: str, items: Sequence[str]) -> list[str]:
    if not items:
        return [f"{title}: none"]
    return [f"{title}:", *(f"  {item}" for item in items)]
