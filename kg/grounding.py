"""Check a kg graph against its own source text, without gold: the grounding check.

:func:`ground` reads the graph alone and reports, in a :class:`GroundingReport`, whether every
fact has provenance (an evidence sentence with its text and offsets), every entity name occurs
in a sentence that mentions it, every number of a fact can be read again in the fact's source
span, and every quotation is in its sentence. :func:`format_grounding` renders the report as
text. :func:`kg.evaluate.evaluate` includes it in its report; :mod:`kg.evaluate` re-exports
these names.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from kg._graphtext import _entities, _Entity, _listing, _local_name, _number, _one_line, fold
from kg.extract.quantities import Quantity, find_quantities
from kg.ontology import KG, Ontology, load_ontology

__all__ = [
    "GroundingReport",
    "format_grounding",
    "ground",
]

logger = logging.getLogger(__name__)

#: Source spans of ungrounded numbers are shown longer: the number may be anywhere in them.
_SPAN_WIDTH = 120
#: How many sentences an ungrounded label lists by name.
_LISTED_SENTENCES = 3


@dataclass(frozen=True)
class GroundingReport:
    """How well a graph is anchored in the text it was built from, judged from the graph alone.

    ``facts`` counts every reified ``kg:Relation`` node, every n-ary fact node and every plain
    ``kg:`` triple between two entities; ``grounded`` those with provenance. The ``ungrounded_*``
    tuples are readable lines: facts without provenance, entity names (labels and aliases) absent
    from every sentence that mentions the entity, fact numbers that cannot be read again in the
    fact's source span, and quotations not contained in their sentence.
    """

    facts: int
    grounded: int
    ungrounded_facts: tuple[str, ...] = ()
    ungrounded_labels: tuple[str, ...] = ()
    ungrounded_numbers: tuple[str, ...] = ()
    ungrounded_quotes: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        """The share of facts with provenance, from 0 to 1 (1 when there is no fact)."""
        return self.grounded / self.facts if self.facts else 1.0

    @property
    def ok(self) -> bool:
        """True when every fact has provenance and nothing is listed as ungrounded."""
        return self.grounded == self.facts and not (
            self.ungrounded_labels or self.ungrounded_numbers or self.ungrounded_quotes
        )


@dataclass(frozen=True)
class _Sentence:
    node: Node
    content: str | None
    start: int | None
    end: int | None
    name: str
    order: tuple[str, int, str]  # document, index, IRI: reading order

    @property
    def located(self) -> bool:
        """Text and document offsets that agree with each other."""
        return (
            self.content is not None
            and self.start is not None
            and self.end is not None
            and self.end - self.start == len(self.content)
        )

    def describe(self) -> str:
        text = f" «{_one_line(self.content)}»" if self.content is not None else " (no text)"
        return f"sentence {self.name}{text}"


def _integer(graph: Graph, node: Node, prop: URIRef) -> int | None:
    """The one integer value of ``prop`` on ``node``, or None when absent or ambiguous."""
    values = {v for v in graph.objects(node, prop) if isinstance(v, Literal)}
    if len(values) != 1:
        return None
    value = values.pop().toPython()
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _sentence(graph: Graph, node: Node, cache: dict[Node, _Sentence]) -> _Sentence:
    if node not in cache:
        contents = sorted(str(c) for c in graph.objects(node, KG.content))
        index = _integer(graph, node, KG.sentenceIndex)
        document = graph.value(node, KG.inDocument)
        doc_label = graph.value(document, RDFS.label) if document is not None else None
        name = str(index) if index is not None else _local_name(node)
        cache[node] = _Sentence(
            node=node,
            content=contents[0] if len(contents) == 1 else None,
            start=_integer(graph, node, KG.startChar),
            end=_integer(graph, node, KG.endChar),
            name=f"{doc_label}#{name}" if doc_label is not None else name,
            order=(str(doc_label or ""), -1 if index is None else index, str(node)),
        )
    return cache[node]


class _Provenance(NamedTuple):
    sentence: _Sentence
    span: str  # the fact's source span, or the whole sentence when offsets do not locate it
    grounded: bool


def _provenance(graph: Graph, node: Node, cache: dict[Node, _Sentence]) -> list[_Provenance]:
    """Each evidence sentence of ``node`` with its source span and whether it grounds ``node``."""
    start, end = _integer(graph, node, KG.startChar), _integer(graph, node, KG.endChar)
    out = []
    for evidence in sorted(graph.objects(node, KG.evidence)):
        sentence = _sentence(graph, evidence, cache)
        span, inside = sentence.content or "", False
        first, last = sentence.start, sentence.end
        if (
            sentence.located
            and start is not None
            and end is not None
            and first is not None
            and last is not None
            and first <= start < end <= last
        ):
            span, inside = span[start - first : end - first], True
        out.append(_Provenance(sentence, span, inside))
    return out


def _why_ungrounded(graph: Graph, node: Node, cache: dict[Node, _Sentence]) -> str:
    sentences = [_sentence(graph, e, cache) for e in graph.objects(node, KG.evidence)]
    if not sentences:
        return "no evidence"
    if all(s.content is None for s in sentences):
        return "evidence sentence without text"
    if not any(s.located for s in sentences):
        return "evidence sentence without offsets"
    if _integer(graph, node, KG.startChar) is None or _integer(graph, node, KG.endChar) is None:
        return "no span offsets"
    return "span outside its evidence sentence"


def _name(graph: Graph, node: Node, entities: dict[Node, _Entity]) -> str:
    if node in entities:
        return entities[node].label
    label = graph.value(node, RDFS.label)
    return str(label) if label is not None else _local_name(node)


def _fact_name(graph: Graph, node: Node, entities: dict[Node, _Entity]) -> str:
    if (node, RDF.type, KG.Relation) in graph:
        s, p, o = (graph.value(node, r) for r in (RDF.subject, RDF.predicate, RDF.object))
        parts = [_name(graph, x, entities) if x is not None else "?" for x in (s, o)]
        return f"relation  {parts[0]} --{_local_name(p) if p is not None else '?'}--> {parts[1]}"
    classes = sorted(_local_name(c) for c in graph.objects(node, RDF.type))
    label = graph.value(node, RDFS.label)
    return f"{'/'.join(classes)}  " + (str(label) if label is not None else _local_name(node))


def _relation_nodes(graph: Graph) -> list[Node]:
    return sorted(graph.subjects(RDF.type, KG.Relation))


def _fact_nodes(graph: Graph, ontology: Ontology) -> list[Node]:
    classes = {KG[name] for name in ontology.fact_classes()}
    return sorted({node for node, cls in graph.subject_objects(RDF.type) if cls in classes})


def _reified(graph: Graph, grounded: set[Node]) -> set[tuple[Node, Node, Node]]:
    """The (s, p, o) of every reified relation with provenance."""
    out = set()
    for node in grounded:
        s, p, o = (graph.value(node, r) for r in (RDF.subject, RDF.predicate, RDF.object))
        if s is not None and p is not None and o is not None:
            out.add((s, p, o))
    return out


def _ground_facts(
    graph: Graph, ontology: Ontology, entities: dict[Node, _Entity], cache: dict[Node, _Sentence]
) -> tuple[int, int, list[str]]:
    relations = _relation_nodes(graph)
    nodes = relations + _fact_nodes(graph, ontology)
    grounded = {n for n in nodes if any(p.grounded for p in _provenance(graph, n, cache))}
    missing = [
        f"{_fact_name(graph, n, entities)}: {_why_ungrounded(graph, n, cache)}"
        for n in nodes
        if n not in grounded
    ]
    reified = _reified(graph, grounded & set(relations))
    triples = sorted(
        (s, p, o)
        for s, p, o in graph
        if s in entities and o in entities and str(p).startswith(str(KG))
    )
    for s, p, o in triples:
        info = ontology.properties.get(_local_name(p))
        symmetric = info is not None and info.symmetric
        if (s, p, o) not in reified and not (symmetric and (o, p, s) in reified):
            missing.append(
                f"triple  {entities[s].label} --{_local_name(p)}--> {entities[o].label}: "
                "no reified kg:Relation with evidence"
            )
    total = len(nodes) + len(triples)
    return total, total - len(missing), missing


def _ground_labels(
    graph: Graph, entities: dict[Node, _Entity], cache: dict[Node, _Sentence]
) -> list[str]:
    out = []
    for node, entity in entities.items():
        sentences = sorted(
            (_sentence(graph, s, cache) for s in graph.objects(node, KG.mentionedIn)),
            key=lambda s: s.order,
        )
        texts = [fold(s.content) for s in sentences if s.content is not None]
        classes = "/".join(sorted(_local_name(c) for c in graph.objects(node, RDF.type)))
        names = [("label", str(n)) for n in sorted(graph.objects(node, RDFS.label))]
        names += [("alias", str(n)) for n in sorted(graph.objects(node, KG.alias))]
        for kind, name in names:
            if any(fold(name) in text for text in texts):
                continue
            if not sentences:
                where = "mentioned in no sentence"
            elif len(sentences) == 1:
                where = f"not in {sentences[0].describe()}"
            else:
                listed = ", ".join(s.name for s in sentences[:_LISTED_SENTENCES])
                more = ", …" if len(sentences) > _LISTED_SENTENCES else ""
                where = f"not in any of its {len(sentences)} sentences ({listed}{more})"
            out.append(f'{entity.label} ({classes}): {kind} "{name}" {where}')
    return out


def _decimal(graph: Graph, node: Node, prop: URIRef) -> list[Decimal]:
    values = (_number(str(v)) for v in graph.objects(node, prop) if isinstance(v, Literal))
    return sorted(v for v in values if v is not None)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


class _Check(NamedTuple):
    """One number of a fact, readable, and which quantities of its span state it."""

    value: str
    kind: str
    fields: dict[str, Decimal]
    units: tuple[str, ...] = ()  # money: the fact's currencies (any of them)

    def holds(self, quantity: Quantity) -> bool:
        return (
            quantity.kind == self.kind
            and all(getattr(quantity, name) == value for name, value in self.fields.items())
            and (not self.units or quantity.unit in self.units)
        )


def _number_checks(graph: Graph, node: Node) -> list[_Check]:
    """What each number of the fact ``node`` must look like once read again from its span."""
    currencies = tuple(sorted(str(c) for c in graph.objects(node, KG.currency)))
    unit = " ".join(currencies) or "(no currency)"
    checks = [
        _Check(f"amount {_plain(v)} {unit}", "money", {"value": v}, currencies)
        for v in _decimal(graph, node, KG.amount)
    ]
    checks += [
        _Check(f"percent {_plain(v)}", "percent", {"value": v})
        for v in _decimal(graph, node, KG.percent)
    ]
    lows, highs = _decimal(graph, node, KG.percentMin), _decimal(graph, node, KG.percentMax)
    if len(lows) == len(highs) == 1:  # a range: both bounds from the same quantity
        low, high = lows[0], highs[0]
        checks.append(
            _Check(f"percent {_plain(low)}-{_plain(high)}", "percent", {"low": low, "high": high})
        )
    else:
        checks += [_Check(f"percentMin {_plain(v)}", "percent", {"low": v}) for v in lows]
        checks += [_Check(f"percentMax {_plain(v)}", "percent", {"high": v}) for v in highs]
    checks += [
        _Check(f"rank {_plain(v)}", "rank", {"value": v}) for v in _decimal(graph, node, KG.rank)
    ]
    return checks


def _ground_numbers(
    graph: Graph, nodes: Iterable[Node], entities: dict[Node, _Entity], cache: dict[Node, _Sentence]
) -> list[str]:
    out = []
    for node in nodes:
        checks = _number_checks(graph, node)
        if not checks:
            continue
        spans = [p.span for p in _provenance(graph, node, cache) if p.span]
        quantities = [q for span in spans for q in find_quantities(span)]
        for check in checks:
            if not any(check.holds(q) for q in quantities):
                where = " | ".join(f"«{_one_line(span, _SPAN_WIDTH)}»" for span in spans)
                found = f"not in {where}" if spans else "without source text"
                out.append(f"{_fact_name(graph, node, entities)}: {check.value} {found}")
    return out


def _ground_quotes(
    graph: Graph, nodes: Iterable[Node], entities: dict[Node, _Entity], cache: dict[Node, _Sentence]
) -> list[str]:
    out = []
    for node in nodes:
        sentences = [_sentence(graph, e, cache) for e in sorted(graph.objects(node, KG.evidence))]
        texts = [fold(s.content) for s in sentences if s.content is not None]
        for quote in sorted(str(t) for t in graph.objects(node, KG.text)):
            if not any(fold(quote) in text for text in texts):
                where = ", ".join(s.describe() for s in sentences) or "no evidence sentence"
                out.append(
                    f"{_fact_name(graph, node, entities)}: text «{_one_line(quote)}» not in {where}"
                )
    return out


def ground(graph: Graph, ontology: Ontology | None = None) -> GroundingReport:
    """Check, from ``graph`` alone, that what it states can be found in its source sentences.

    * provenance: every reified relation and n-ary fact has a ``kg:evidence`` sentence with its
      ``kg:content``, document offsets, and a span (``kg:startChar``/``kg:endChar``) inside it;
      a plain triple between two entities is grounded by a reified relation with provenance and
      the same subject, predicate and object (either direction for a symmetric property);
    * labels: each ``rdfs:label`` and ``kg:alias`` of an entity occurs, after :func:`fold`, in at
      least one of its ``kg:mentionedIn`` sentences;
    * numbers: each ``kg:amount`` (with its ``kg:currency``), ``kg:percent``, ``kg:percentMin``/
      ``kg:percentMax`` and ``kg:rank`` of a fact is found again, with the same value, by
      :func:`~kg.extract.quantities.find_quantities` in the fact's source span (the whole
      sentence when the offsets do not locate the span);
    * quotations: each ``kg:text`` is contained, after :func:`fold`, in its evidence sentence.
    """
    ontology = ontology or load_ontology()
    entities = _entities(graph, ontology)
    cache: dict[Node, _Sentence] = {}
    total, grounded, missing = _ground_facts(graph, ontology, entities, cache)
    facts = _relation_nodes(graph) + _fact_nodes(graph, ontology)
    report = GroundingReport(
        facts=total,
        grounded=grounded,
        ungrounded_facts=tuple(missing),
        ungrounded_labels=tuple(_ground_labels(graph, entities, cache)),
        ungrounded_numbers=tuple(_ground_numbers(graph, facts, entities, cache)),
        ungrounded_quotes=tuple(_ground_quotes(graph, facts, entities, cache)),
    )
    logger.info(
        "grounding: %d/%d facts with provenance, %d labels, %d numbers, %d quotes ungrounded",
        report.grounded,
        report.facts,
        len(report.ungrounded_labels),
        len(report.ungrounded_numbers),
        len(report.ungrounded_quotes),
    )
    return report


def format_grounding(grounding: GroundingReport) -> str:
    """The grounding check as text: provenance share, then ungrounded labels, numbers, quotes."""
    lines = [
        "grounding:",
        f"  provenance: {grounding.grounded}/{grounding.facts} facts "
        f"({100 * grounding.share:.1f} %)",
        *(f"    {item}" for item in grounding.ungrounded_facts),
    ]
    for title, items in (
        ("ungrounded labels", grounding.ungrounded_labels),
        ("ungrounded numbers", grounding.ungrounded_numbers),
        ("ungrounded quotes", grounding.ungrounded_quotes),
    ):
        lines += [f"  {line}" for line in _listing(title, items)]
    return "\n".join(lines)
