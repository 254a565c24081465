"""Frozen data passed between the stages of the pipeline.

``str -> Document -> Sentence/Mention -> Entity, Relation, Fact -> rdflib.Graph``.
Everything holds character offsets into ``Document.text``, never spaCy objects, so values
can be compared in tests, hashed and sent between processes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "LATTER",
    "Document",
    "Entity",
    "Evidence",
    "Extraction",
    "Fact",
    "Mention",
    "Relation",
    "Sentence",
    "Value",
]

#: A literal value of a fact role: an amount, a percentage, a rank, a quotation, a date.
Value = Decimal | int | str | dt.date


@dataclass(frozen=True, slots=True)
class Document:
    """One article: its text and what is known about it."""

    doc_id: str
    text: str
    source: str = ""
    title: str | None = None
    date: dt.date | None = None
    lang: str = "fr"


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a document, located by character offsets."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a fact comes from: a sentence and the character span inside the document."""

    sentence: int
    start: int
    end: int


#: The ``cue`` of a "ce dernier" mention: it refers to the last name before it.
LATTER = "ce dernier"


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of text that names an entity, or a description ("la start-up") that refers to one.

    ``votes`` are the ontology classes the mention's own context suggests, with weights (name
    shape, a cue noun next to it); ``ner_votes`` are those of spaCy's NER label, which are
    averaged over an entity's mentions; ``fallback_votes`` (what a brand-shaped name usually
    is) count only for an entity nothing else votes on. ``source`` is ``name`` or
    ``description``.
    For a description, ``cue`` is its head noun, ``subject`` tells whether it is the subject of
    its clause, ``clause_subject`` is the start offset of its clause's subject, if any, and
    ``scope_start`` the offset from which names of its own sentence may be what it refers to
    (after a fronted phrase: "Fondée par deux anciens de X, la start-up ..." is not about X),
    ``apposed`` tells that it follows a name and a comma ("X, la filiale de Y"),
    ``reporter`` that it is the subject of a closing verb of speech ("..., a annoncé le groupe"),
    and ``opens_paragraph`` that its sentence opens a paragraph after the lead.
    For a name, ``presented_as`` is the cue noun that introduces it ("le groupe X": "groupe"),
    and ``backgrounded`` tells that it is only an agent, a source or a noun's complement ("par
    X", "selon X", "le capital de X"): a description in its sentence is not about it;
    ``cited`` tells that it is a source ("selon X", "d'après X"), which no description continues.
    """

    start: int
    end: int
    text: str
    sentence: int
    votes: tuple[tuple[str, float], ...] = ()
    ner_votes: tuple[tuple[str, float], ...] = ()
    fallback_votes: tuple[tuple[str, float], ...] = ()
    source: str = "name"
    cue: str = ""
    subject: bool = False
    clause_subject: int | None = None
    scope_start: int | None = None
    presented_as: str = ""
    backgrounded: bool = False
    cited: bool = False
    apposed: bool = False
    reporter: bool = False
    opens_paragraph: bool = False


@dataclass(frozen=True, slots=True)
class Entity:
    """A real-world thing, one per document however it is written.

    ``key`` is the normalised name the IRI is minted from; ``aliases`` are the other surface
    forms; ``merges`` records why mentions were folded into this entity.
    """

    key: str
    label: str
    cls: str
    aliases: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    merges: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Relation:
    """A binary relation between two entities (by key), with its modality and evidence."""

    subject: str
    predicate: str
    object: str
    evidence: Evidence
    modality: str = "Asserted"


@dataclass(frozen=True, slots=True)
class Fact:
    """An n-ary fact: a class (``FundingRound``, ``Stake``...), entity roles and literal values."""

    cls: str
    roles: tuple[tuple[str, str], ...]
    values: tuple[tuple[str, Value], ...]
    evidence: Evidence
    modality: str = "Asserted"

    def role(self, name: str) -> str | None:
        """The entity key filling role ``name``, or None."""
        return next((key for role, key in self.roles if role == name), None)

    def value(self, name: str) -> Value | None:
        """The literal value of ``name``, or None."""
        return next((val for role, val in self.values if role == name), None)


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one document, ready to become RDF."""

    document: Document
    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]
    facts: tuple[Fact, ...]
