"""SHACL shapes derived from ``ontology.ttl``: the ontology's contract in a form SHACL tools run.

Nothing here names a class or a property: the shapes are read off the ontology at run time, so
adding a property to ``ontology.ttl`` gives it shapes with no code change.

* Every ``kg:`` object or datatype property ``p`` gets a node shape ``kgsh:p`` that targets the
  subjects of ``p``: they must be instances of its ``rdfs:domain`` (``sh:class``); a property
  shape ``kgsh:p-range`` checks its values against ``rdfs:range`` (``sh:class`` for an object
  property, ``sh:datatype`` for a datatype property), and ``kgsh:p-functional`` allows one value
  when ``p`` is an ``owl:FunctionalProperty`` (``sh:maxCount 1``).
* Every class with ``owl:minCardinality`` restrictions (the n-ary facts' required roles) gets a
  node shape ``kgsh:Class`` with one ``sh:minCount`` property shape per role.

``sh:class`` accepts subclasses only when the ``rdfs:subClassOf`` triples are in the data graph:
validate with the ontology as pySHACL's ``ont_graph`` (``kg.validate`` does).
"""

from __future__ import annotations

import functools

from rdflib import OWL, RDF, RDFS, SH, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.ontology import KG, Ontology, load_ontology

__all__ = ["KGSH", "shapes_graph"]

#: The shapes themselves, one IRI per shape so a report's ``sh:sourceShape`` reads well.
KGSH = Namespace("https://w3id.org/kg/shapes#")

# Ranges that admit any literal: a datatype can say nothing more than "a literal" for them.
_ANY_LITERAL = {RDFS.Literal, OWL.real}
_DATATYPE_WORDS = {
    RDF.langString: "a text with a language tag (rdf:langString)",
    XSD.string: "a string (xsd:string)",
    XSD.decimal: "a decimal number (xsd:decimal)",
    XSD.integer: "an integer (xsd:integer)",
    XSD.date: "a date (xsd:date, YYYY-MM-DD)",
}


def shapes_graph(onto: Ontology | None = None) -> Graph:
    """The SHACL shapes of ``onto`` (default: ``ontology.ttl``), built once per ontology.

    The graph is shared between callers: read it, serialise it, do not add to it.

    >>> shapes = shapes_graph()
    >>> (KGSH["ceoOf-range"], SH["class"], KG.Organization) in shapes
    True
    """
    return _shapes(onto or load_ontology())


@functools.cache  # an Ontology is immutable and hashed by identity: one graph per ontology
def _shapes(onto: Ontology) -> Graph:
    g = Graph()
    g.bind("sh", SH)
    g.bind("kg", KG)
    g.bind("kgsh", KGSH)
    g.bind("xsd", XSD)
    for prop in sorted(_declared(onto, OWL.ObjectProperty) | _declared(onto, OWL.DatatypeProperty)):
        _add_property_shapes(g, onto, prop)
    for cls in sorted(_declared(onto, OWL.Class)):
        _add_required_roles(g, onto, cls)
    return g


def _declared(onto: Ontology, kind: URIRef) -> set[URIRef]:
    return {
        t
        for t in onto.graph.subjects(RDF.type, kind)
        if isinstance(t, URIRef) and t.startswith(str(KG))
    }


def _name(onto: Ontology, term: Node) -> str:
    """``Organization`` for a ``kg:`` term, ``prov:Entity`` for another vocabulary's."""
    if isinstance(term, URIRef) and term.startswith(str(KG)):
        return term[len(str(KG)) :]
    return onto.graph.namespace_manager.normalizeUri(term)


def _a(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _add_property_shapes(g: Graph, onto: Ontology, prop: URIRef) -> None:
    name = _name(onto, prop)
    shape = KGSH[name]
    g.add((shape, RDF.type, SH.NodeShape))
    g.add((shape, SH.targetSubjectsOf, prop))
    domain = onto.graph.value(prop, RDFS.domain)
    if domain is not None:
        g.add((shape, SH["class"], domain))
        _say(g, shape, f"the subject of {name} must be {_a(_name(onto, domain))}")

    range_shape = _property_shape(g, shape, KGSH[f"{name}-range"], prop, name)
    range_ = onto.graph.value(prop, RDFS.range)
    if (prop, RDF.type, OWL.ObjectProperty) in onto.graph:
        if range_ is None:
            g.add((range_shape, SH.nodeKind, SH.BlankNodeOrIRI))
            message = f"the object of {name} must be a resource, not a literal"
        else:
            g.add((range_shape, SH["class"], range_))
            message = f"the object of {name} must be {_a(_name(onto, range_))}"
    elif range_ is None or range_ in _ANY_LITERAL:
        g.add((range_shape, SH.nodeKind, SH.Literal))
        message = f"the value of {name} must be a literal"
    else:
        g.add((range_shape, SH.datatype, range_))
        words = _DATATYPE_WORDS.get(range_) or _a(_name(onto, range_))
        message = f"the value of {name} must be {words}"
    _say(g, range_shape, message)

    if (prop, RDF.type, OWL.FunctionalProperty) in onto.graph:
        functional = _property_shape(g, shape, KGSH[f"{name}-functional"], prop, name)
        g.add((functional, SH.maxCount, Literal(1)))
        _say(g, functional, f"{name} takes at most one value (owl:FunctionalProperty)")


def _say(g: Graph, shape: URIRef, message: str) -> None:
    """The message a report gives for a violation of ``shape``'s own constraints."""
    g.add((shape, SH.message, Literal(message, lang="en")))


def _property_shape(g: Graph, owner: URIRef, shape: URIRef, path: Node, name: str) -> URIRef:
    g.add((owner, SH.property, shape))
    g.add((shape, RDF.type, SH.PropertyShape))
    g.add((shape, SH.path, path))
    g.add((shape, SH.name, Literal(name)))
    return shape


def _add_required_roles(g: Graph, onto: Ontology, cls: URIRef) -> None:
    """``owl:minCardinality`` restrictions of ``cls`` as ``sh:minCount`` property shapes."""
    cls_name = _name(onto, cls)
    shape = KGSH[cls_name]
    for restriction in onto.graph.objects(cls, RDFS.subClassOf):
        prop = onto.graph.value(restriction, OWL.onProperty)
        minimum = onto.graph.value(restriction, OWL.minCardinality)
        if not isinstance(prop, URIRef) or minimum is None or int(minimum) < 1:
            continue
        g.add((shape, RDF.type, SH.NodeShape))
        g.add((shape, SH.targetClass, cls))
        role = _name(onto, prop)
        required = _property_shape(
            g, shape, KGSH[f"{cls_name}-{role}"], _role_path(g, onto, prop), role
        )
        g.add((required, SH.minCount, Literal(int(minimum))))
        _say(g, required, f"{_a(cls_name)} needs at least {int(minimum)} {role}")


def _role_path(g: Graph, onto: Ontology, prop: URIRef) -> Node:
    """``prop``, or ``prop`` or any of its sub-properties: a ``leadInvestor`` is an ``investor``.

    The property comes first in the alternative path; ``kg.validate`` names the path by it.
    """
    below = sorted(
        s
        for s in onto.graph.transitive_subjects(RDFS.subPropertyOf, prop)
        if isinstance(s, URIRef) and s != prop
    )
    if not below:
        return prop
    path, members = BNode(), BNode()
    Collection(g, members, [prop, *below])
    g.add((path, SH.alternativePath, members))
    return path
