"""The ontology as data: classes, properties, their labels, domains, ranges and lexical cues.

``ontology.ttl`` is the single source of truth. Code asks this module which classes and
properties exist and which words signal them, so adding a property is adding data.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS

from kg.errors import OntologyError

__all__ = [
    "KG",
    "KGR",
    "ClassInfo",
    "Ontology",
    "PropertyInfo",
    "load_ontology",
    "ontology_path",
]

#: Terms of the ontology (classes, properties, modalities).
KG = Namespace("https://w3id.org/kg/ontology#")
#: Instances minted by kg: entities, facts, documents, sentences.
KGR = Namespace("https://w3id.org/kg/id/")


@dataclass(frozen=True, slots=True)
class ClassInfo:
    """A class of the ontology."""

    name: str
    labels: dict[str, str]
    parents: tuple[str, ...]
    definition: str
    noun_cues: tuple[str, ...]
    anaphoric_cues: tuple[str, ...]
    name_suffixes: tuple[str, ...]
    name_prefixes: tuple[str, ...]
    verb_cues: tuple[str, ...]
    inverse_verb_cues: tuple[str, ...]
    color: str
    shape: str
    required_roles: tuple[str, ...] = ()
    subject_role: str | None = None
    object_role: str | None = None
    quantity_roles: tuple[str, ...] = ()
    quantity_complement_role: str | None = None
    quantity_holder_role: str | None = None
    requires_quantity: bool = False
    #: ``kg:earlierValueCue``: a word before a second quantity of the fact's sentence that
    #: gives the fact's value at an earlier time ("30 %, contre 12 % jusqu'ici")
    earlier_value_cues: tuple[str, ...] = ()

    def label(self, lang: str = "fr") -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.name


@dataclass(frozen=True, slots=True)
class PropertyInfo:
    """A property of the ontology with the cues that trigger it."""

    name: str
    labels: dict[str, str]
    kind: str  # "object" or "datatype"
    domain: str
    range: str
    symmetric: bool
    functional: bool
    inverse_of: str | None
    parents: tuple[str, ...]
    title_cues: tuple[str, ...]
    verb_cues: tuple[str, ...]
    inverse_verb_cues: tuple[str, ...]
    noun_cues: tuple[str, ...]
    inverse_noun_cues: tuple[str, ...]
    preposition_cues: tuple[str, ...]
    cue_context: str | None = None
    topic_cues: tuple[str, ...] = ()
    apposition_cues: tuple[str, ...] = ()
    #: ``kg:successionCue``: a verb by which one takes over another's relation ("remplacer")
    succession_cues: tuple[str, ...] = ()
    #: ``kg:demonymCue``: a demonym presenting the subject ("la start-up rennaise X") names
    #: the object, the place it is formed on
    by_demonym: bool = False
    #: ``owl:propertyChainAxiom ( [ owl:inverseOf R1 ] R2 )`` and ``kg:factChain``: the
    #: property links the filler of role R1 of a fact (of class C, if given) to the filler of
    #: its role R2 ("investor" -> "investee").
    fact_chains: tuple[tuple[str, str, str | None], ...] = ()
    #: ``kg:orderedBy``: the quantity role whose values order the holders of facts
    ordered_by: str | None = None

    def label(self, lang: str = "fr") -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.name


@dataclass(frozen=True, eq=False)  # identity hash: one cached instance per language
class Ontology:
    """Read-only view of ``ontology.ttl``."""

    graph: Graph
    classes: dict[str, ClassInfo]
    properties: dict[str, PropertyInfo]
    modality_cues: dict[str, tuple[str, ...]]
    _ancestors: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def ancestors(self, cls: str) -> tuple[str, ...]:
        """``cls`` and every ``kg:`` class above it, nearest first."""
        cached = self._ancestors.get(cls)
        if cached is None:
            cached = self._ancestors[cls] = self._walk_up(cls)
        return cached

    def _walk_up(self, cls: str) -> tuple[str, ...]:
        return _breadth_first(cls, lambda name: self.classes[name].parents, self.classes)

    def property_ancestors(self, prop: str) -> tuple[str, ...]:
        """``prop`` and every ``kg:`` property above it (``ceoOf``, then ``worksFor``)."""
        return _breadth_first(prop, lambda name: self.properties[name].parents, self.properties)

    def is_a(self, cls: str, ancestor: str) -> bool:
        """True when ``cls`` is ``ancestor`` or one of its subclasses."""
        return ancestor in self.ancestors(cls)

    @functools.cached_property
    def _entity_classes(self) -> tuple[str, ...]:
        return tuple(sorted(c for c in self.classes if self.is_a(c, "Entity") and c != "Entity"))

    def entity_classes(self, *, untyped: bool = False) -> tuple[str, ...]:
        """Classes of things named in articles (subclasses of ``kg:Entity``), sorted; with
        ``untyped``, ``Entity`` too: the class of an entity nothing says the kind of."""
        return (*self._entity_classes, "Entity") if untyped else self._entity_classes

    def fact_classes(self) -> tuple[str, ...]:
        """N-ary fact classes (subclasses of ``kg:Fact`` other than ``kg:Relation``), sorted."""
        return tuple(
            sorted(
                c
                for c in self.classes
                if self.is_a(c, "Fact") and c not in {"Fact", "Relation", "Financing"}
            )
        )

    def relation_properties(self) -> tuple[str, ...]:
        """Object properties that link two entities (not roles of n-ary facts), sorted."""
        return tuple(
            sorted(
                p.name
                for p in self.properties.values()
                if p.kind == "object"
                and p.domain in self.classes
                and self.is_a(p.domain, "Entity")
                and p.range in self.classes
                and self.is_a(p.range, "Entity")
            )
        )

    def accepts(self, prop: str, subject_cls: str, object_cls: str) -> bool:
        """True when the property's domain and range admit these classes."""
        info = self.properties[prop]
        return self.is_a(subject_cls, info.domain) and self.is_a(object_cls, info.range)


def _fact_chains(graph: Graph, term: URIRef) -> tuple[tuple[str, str, str | None], ...]:
    """The roles (and the class of the first one's filler) of every chain of ``term``: its
    ``owl:propertyChainAxiom ( [ owl:inverseOf R1 ] R2 )`` and its ``kg:factChain`` nodes."""
    chains: list[tuple[str, str, str | None]] = []
    for head in sorted(graph.objects(term, OWL.propertyChainAxiom), key=str):
        links = list(Collection(graph, head))
        if len(links) != 2:
            raise OntologyError(f"{_local(term)}: a property chain of two links is expected")
        first = graph.value(links[0], OWL.inverseOf)
        if first is None or not isinstance(links[1], URIRef):
            raise OntologyError(f"{_local(term)}: the chain must read ( [ owl:inverseOf R1 ] R2 )")
        chains.append((_local(first), _local(links[1]), None))
    for node in sorted(graph.objects(term, KG.factChain), key=str):
        start, end = graph.value(node, KG.chainFrom), graph.value(node, KG.chainTo)
        if start is None or end is None:
            raise OntologyError(f"{_local(term)}: a kg:factChain needs kg:chainFrom and kg:chainTo")
        cls = graph.value(node, KG.chainFromClass)
        chains.append((_local(start), _local(end), _local(cls) if cls is not None else None))
    return tuple(chains)


def _breadth_first(
    start: str, parents: Callable[[str], tuple[str, ...]], known: Mapping[str, object]
) -> tuple[str, ...]:
    """``start`` and every known term above it, nearest first."""
    seen: list[str] = []
    todo = [start]
    while todo:
        current = todo.pop(0)
        if current in seen or current not in known:
            continue
        seen.append(current)
        todo.extend(parents(current))
    return tuple(seen)


def ontology_path() -> Path:
    """Where ``ontology.ttl`` is: inside the installed package, else at the repository root."""
    packaged = resources.files("kg").joinpath("ontology.ttl")
    if packaged.is_file():
        return Path(str(packaged))
    root = Path(__file__).resolve().parent.parent / "ontology.ttl"
    if root.is_file():
        return root
    raise OntologyError("ontology.ttl not found in the kg package nor at the repository root")


def _local(term: object) -> str:
    text = str(term)
    if not text.startswith(str(KG)):
        return ""
    return text[len(str(KG)) :]


def _labels(graph: Graph, term: URIRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for label in sorted(graph.objects(term, RDFS.label), key=str):
        if isinstance(label, Literal) and label.language:
            out.setdefault(label.language, str(label))
    return out


def _cues(graph: Graph, term: URIRef, prop: URIRef, lang: str) -> tuple[str, ...]:
    return tuple(
        sorted(
            str(o)
            for o in graph.objects(term, prop)
            if isinstance(o, Literal) and o.language in (lang, None)
        )
    )


def _parents(graph: Graph, term: URIRef, link: URIRef) -> tuple[str, ...]:
    return tuple(sorted(p for p in (_local(o) for o in graph.objects(term, link)) if p))


def _required_roles(graph: Graph, term: URIRef) -> tuple[str, ...]:
    """Properties a class restricts to ``owl:minCardinality`` >= 1: the roles a fact needs."""
    roles = []
    for restriction in graph.objects(term, RDFS.subClassOf):
        minimum = graph.value(restriction, OWL.minCardinality)
        prop = graph.value(restriction, OWL.onProperty)
        if minimum is not None and prop is not None and int(minimum) >= 1:
            roles.append(_local(prop))
    return tuple(sorted(r for r in roles if r))


@functools.cache
def load_ontology(lang: str = "fr") -> Ontology:
    """Load and index ``ontology.ttl``; cues are those tagged with ``lang``.

    >>> onto = load_ontology()
    >>> onto.properties["ceoOf"].domain, onto.properties["ceoOf"].range
    ('Person', 'Organization')
    >>> onto.is_a("Company", "Agent")
    True
    """
    path = ontology_path()
    try:
        graph = Graph().parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types on bad Turtle
        raise OntologyError(f"cannot parse {path}: {exc}") from exc

    classes: dict[str, ClassInfo] = {}
    for term in graph.subjects(RDF.type, OWL.Class):
        name = _local(term)
        if not name or not isinstance(term, URIRef):
            continue
        classes[name] = ClassInfo(
            name=name,
            labels=_labels(graph, term),
            parents=_parents(graph, term, RDFS.subClassOf),
            definition=str(graph.value(term, SKOS.definition) or ""),
            noun_cues=_cues(graph, term, KG.nounCue, lang),
            anaphoric_cues=_cues(graph, term, KG.anaphoricCue, lang),
            name_suffixes=_cues(graph, term, KG.nameSuffixCue, lang),
            name_prefixes=_cues(graph, term, KG.namePrefixCue, lang),
            verb_cues=_cues(graph, term, KG.verbCue, lang),
            inverse_verb_cues=_cues(graph, term, KG.inverseVerbCue, lang),
            color=str(graph.value(term, KG.displayColor) or "#97c2fc"),
            shape=str(graph.value(term, KG.displayShape) or "dot"),
            required_roles=_required_roles(graph, term),
            subject_role=_local(graph.value(term, KG.subjectRole)) or None,
            object_role=_local(graph.value(term, KG.objectRole)) or None,
            quantity_roles=_parents(graph, term, KG.quantityRole),
            quantity_complement_role=_local(graph.value(term, KG.quantityComplementRole)) or None,
            quantity_holder_role=_local(graph.value(term, KG.quantityHolderRole)) or None,
            requires_quantity=bool(graph.value(term, KG.requiresQuantity)),
            earlier_value_cues=_cues(graph, term, KG.earlierValueCue, lang),
        )

    properties: dict[str, PropertyInfo] = {}
    for kind, owl_type in (("object", OWL.ObjectProperty), ("datatype", OWL.DatatypeProperty)):
        for term in graph.subjects(RDF.type, owl_type):
            name = _local(term)
            if not name or not isinstance(term, URIRef):
                continue
            domain = graph.value(term, RDFS.domain)
            range_ = graph.value(term, RDFS.range)
            inverse = graph.value(term, OWL.inverseOf)
            properties[name] = PropertyInfo(
                name=name,
                labels=_labels(graph, term),
                kind=kind,
                domain=_local(domain) or str(domain or ""),
                range=_local(range_) or str(range_ or ""),
                symmetric=(term, RDF.type, OWL.SymmetricProperty) in graph,
                functional=(term, RDF.type, OWL.FunctionalProperty) in graph,
                inverse_of=_local(inverse) or None,
                parents=_parents(graph, term, RDFS.subPropertyOf),
                title_cues=_cues(graph, term, KG.titleCue, lang),
                verb_cues=_cues(graph, term, KG.verbCue, lang),
                inverse_verb_cues=_cues(graph, term, KG.inverseVerbCue, lang),
                noun_cues=_cues(graph, term, KG.nounCue, lang),
                inverse_noun_cues=_cues(graph, term, KG.inverseNounCue, lang),
                preposition_cues=_cues(graph, term, KG.prepositionCue, lang),
                cue_context=_local(graph.value(term, KG.cueContext)) or None,
                topic_cues=_cues(graph, term, KG.topicCue, lang),
                apposition_cues=_cues(graph, term, KG.appositionCue, lang),
                succession_cues=_cues(graph, term, KG.successionCue, lang),
                by_demonym=bool(graph.value(term, KG.demonymCue)),
                fact_chains=_fact_chains(graph, term),
                ordered_by=_local(graph.value(term, KG.orderedBy)) or None,
            )

    modality_cues = {
        _local(term): _cues(graph, term, KG.cue, lang)
        for term in graph.subjects(RDF.type, KG.Modality)
    }
    if not classes or "Entity" not in classes:
        raise OntologyError(f"{path} declares no kg:Entity class")
    return Ontology(
        graph=graph, classes=classes, properties=properties, modality_cues=modality_cues
    )
