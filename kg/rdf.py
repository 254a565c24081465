"""Extractions -> an rdflib graph that conforms to ``ontology.ttl``, and Turtle on disk.

IRIs are minted from normalised names and offsets only, so the same input always gives the
same graph, and canonical Turtle makes it byte-identical.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.fingerprint import build_hash
from kg.io import write_text_atomic
from kg.model import Entity, Evidence, Extraction, Fact, Relation, Value
from kg.ontology import KG, KGR, load_ontology

__all__ = [
    "bind_prefixes",
    "document_iri",
    "entity_iri",
    "sentence_iri",
    "to_nquads",
    "to_ntriples",
    "to_rdf",
    "to_turtle",
    "triples",
    "write_turtle",
]


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the prefixes kg uses, explicitly, so serialisations are stable."""
    graph.bind("kg", KG, override=True, replace=True)
    graph.bind("kgr", KGR, override=True, replace=True)
    graph.bind("rdfs", RDFS)
    graph.bind("xsd", XSD)
    graph.bind("dcterms", DCTERMS)
    return graph


def entity_iri(key: str) -> URIRef:
    """IRI of the entity with normalised name ``key``; any Unicode key gives a valid IRI.

    >>> entity_iri("nexaria")
    rdflib.term.URIRef('https://w3id.org/kg/id/entity/nexaria')
    """
    return KGR["entity/" + quote(key, safe="")]


def document_iri(doc_id: str) -> URIRef:
    return KGR["doc/" + quote(doc_id, safe="")]


def sentence_iri(doc_id: str, index: int) -> URIRef:
    return KGR[f"doc/{quote(doc_id, safe='')}/sentence/{index}"]


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


def _literal(name: str, value: Value) -> Literal:
    if isinstance(value, Decimal):
        if name == "rank":
            return Literal(int(value), datatype=XSD.integer)
        text = format(value, "f")
        # the canonical xsd:decimal form keeps a fractional part, as Turtle writes it back
        return Literal(text if "." in text else text + ".0", datatype=XSD.decimal)
    if isinstance(value, bool):
        raise TypeError(f"unexpected boolean for {name}")
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if name == "text":
        return Literal(value, lang="fr")
    return Literal(value)  # RDF 1.1: a simple literal is an xsd:string; stores drop the type


_SCALES = ((Decimal(10) ** 9, "Md"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "k"))


def _number_text(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def _quantity_text(values: dict[str, Value]) -> str:
    """A short French reading of a fact's main quantity: "8,3 Md USD", "30-35 %", "n° 13"."""
    amount, currency = values.get("amount"), values.get("currency", "")
    if isinstance(amount, Decimal):
        scale, word = next(((s, w) for s, w in _SCALES if amount >= s), (Decimal(1), ""))
        return " ".join(x for x in (_number_text(amount / scale), word, str(currency)) if x)
    low, high, percent = values.get("percentMin"), values.get("percentMax"), values.get("percent")
    if isinstance(low, Decimal) and isinstance(high, Decimal):
        return f"{_number_text(low)}-{_number_text(high)} %"
    if isinstance(percent, Decimal):
        return f"{_number_text(percent)} %"
    if "rank" in values:
        return f"n° {values['rank']}"
    return ""


#: A triple of rdflib terms.
Triple = tuple[URIRef, URIRef, URIRef | Literal]


class _Writer:
    """The triples of one extraction, in the order they are made (duplicates possible)."""

    def __init__(self, extraction: Extraction) -> None:
        self.triples: list[Triple] = []
        self.x = extraction
        self.doc_id = extraction.document.doc_id
        self.lang = extraction.document.lang
        self.used_sentences: set[int] = set()

    def sentence(self, index: int) -> URIRef:
        self.used_sentences.add(index)
        return sentence_iri(self.doc_id, index)

    def provenance(self, node: URIRef, evidence: Evidence, modality: str) -> None:
        add = self.triples.append
        add((node, KG.evidence, self.sentence(evidence.sentence)))
        add((node, KG.startChar, Literal(evidence.start, datatype=XSD.integer)))
        add((node, KG.endChar, Literal(evidence.end, datatype=XSD.integer)))
        add((node, KG.modality, KG[modality]))

    def entity(self, entity: Entity) -> None:
        add, node = self.triples.append, entity_iri(entity.key)
        add((node, RDF.type, KG[entity.cls]))
        add((node, RDFS.label, Literal(entity.label, lang=self.lang)))
        for alias in entity.aliases:
            add((node, KG.alias, Literal(alias, lang=self.lang)))
        for reason in entity.merges:
            add((node, KG.mergeReason, Literal(reason)))
        for sentence in sorted({m.sentence for m in entity.mentions if m.sentence >= 0}):
            add((node, KG.mentionedIn, self.sentence(sentence)))

    def relation(self, relation: Relation) -> None:
        add = self.triples.append
        s, p, o = entity_iri(relation.subject), KG[relation.predicate], entity_iri(relation.object)
        if relation.modality == "Asserted":
            add((s, p, o))
        node = KGR[
            "relation/"
            + _digest(
                self.doc_id,
                relation.subject,
                relation.predicate,
                relation.object,
                relation.evidence.start,
                relation.evidence.end,
            )
        ]
        add((node, RDF.type, KG.Relation))
        add((node, RDF.subject, s))
        add((node, RDF.predicate, p))
        add((node, RDF.object, o))
        self.provenance(node, relation.evidence, relation.modality)

    def fact(self, fact: Fact, labels: dict[str, str]) -> None:
        add = self.triples.append
        node = KGR[
            "fact/"
            # the values too: "30 %, contre 12 % jusqu'ici" are two stakes told by one span
            + _digest(
                self.doc_id,
                fact.cls,
                fact.evidence.start,
                fact.evidence.end,
                fact.roles,
                sorted(fact.values, key=str),
            )
        ]
        add((node, RDF.type, KG[fact.cls]))
        onto = load_ontology(self.lang)
        names = [labels[key] for _, key in fact.roles if key in labels]
        title = onto.classes[fact.cls].label(self.lang)
        label = f"{title} : {', '.join(names)}" if names else title
        quantity = _quantity_text(dict(fact.values))
        label = f"{label} ({quantity})" if quantity else label
        add((node, RDFS.label, Literal(label, lang=self.lang)))
        for role, key in fact.roles:
            add((node, KG[role], entity_iri(key)))
        for name, value in fact.values:
            add((node, KG[name], _literal(name, value)))
        self.provenance(node, fact.evidence, fact.modality)

    def document(self) -> None:
        add, doc = self.triples.append, self.x.document
        node = document_iri(self.doc_id)
        add((node, RDF.type, KG.Document))
        add((node, RDFS.label, Literal(self.doc_id)))
        add((node, KG.contentHash, Literal(hashlib.sha256(doc.text.encode()).hexdigest())))
        add((node, KG.buildHash, Literal(build_hash(doc))))
        if doc.source:
            add((node, KG.sourcePath, Literal(doc.source)))
        if doc.title:
            add((node, DCTERMS.title, Literal(doc.title, lang=self.lang)))
        if doc.date:
            add((node, DCTERMS.date, Literal(doc.date.isoformat(), datatype=XSD.date)))
        for sentence in self.x.sentences:
            if sentence.index not in self.used_sentences:
                continue
            s = sentence_iri(self.doc_id, sentence.index)
            add((s, RDF.type, KG.Sentence))
            add((s, KG.inDocument, node))
            add((s, KG.sentenceIndex, Literal(sentence.index, datatype=XSD.integer)))
            add((s, KG.startChar, Literal(sentence.start, datatype=XSD.integer)))
            add((s, KG.endChar, Literal(sentence.end, datatype=XSD.integer)))
            add((s, KG.content, Literal(sentence.text, lang=self.lang)))

    def write(self) -> list[Triple]:
        labels = {e.key: e.label for e in self.x.entities}
        for entity in self.x.entities:
            self.entity(entity)
        for relation in self.x.relations:
            self.relation(relation)
        for fact in self.x.facts:
            self.fact(fact, labels)
        self.document()  # last: it writes the sentences the facts above used
        return self.triples


def triples(extraction: Extraction) -> list[Triple]:
    """The triples of one extraction's graph, each once, in a stable order."""
    return list(dict.fromkeys(_Writer(extraction).write()))


def to_ntriples(extraction: Extraction) -> str:
    """One extraction's graph as N-Triples, written straight from its triples: what worker
    processes send back, without building an rdflib ``Graph`` (a third of the cost)."""
    return "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples(extraction))


def to_nquads(extraction: Extraction) -> str:
    """One extraction's graph as N-Quads, in the named graph of its document (a shard line
    set that any store's bulk loader reads)."""
    graph = document_iri(extraction.document.doc_id).n3()
    return "".join(f"{s.n3()} {p.n3()} {o.n3()} {graph} .\n" for s, p, o in triples(extraction))


def to_rdf(extractions: Iterable[Extraction], graph: Graph | None = None) -> Graph:
    """Add the entities, relations, facts and provenance of ``extractions`` to a graph."""
    graph = bind_prefixes(graph if graph is not None else Graph(bind_namespaces="core"))
    for extraction in extractions:
        graph.addN((s, p, o, graph) for s, p, o in _Writer(extraction).write())
    return graph


def to_turtle(graph: Graph) -> str:
    """Canonical, diff-friendly Turtle: the same graph always gives the same bytes."""
    return bind_prefixes(graph).serialize(format="longturtle", canon=True)


def write_turtle(graph: Graph, path: str | Path) -> Path:
    """Write ``graph`` as canonical Turtle, atomically."""
    return write_text_atomic(Path(path), to_turtle(graph))
