"""Validate a graph against the SHACL shapes of the ontology (:mod:`kg.shapes`) with pySHACL.

:func:`validate` returns a :class:`ValidationReport` (a value, in a stable order) and
:func:`format_report` prints it one violation per line, naming nodes by their label.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, SH, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg._graphtext import _one_line
from kg.ontology import KG, KGR, Ontology, load_ontology
from kg.shapes import shapes_graph

__all__ = ["ValidationReport", "Violation", "format_report", "validate"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Violation:
    """One broken constraint: ``focus`` (through ``path``, to ``value``) breaks ``message``.

    ``path`` is the property concerned; ``value`` is the offending object, ``None`` when the
    focus node itself is at fault (wrong class for a property's domain, a missing or repeated
    role).
    """

    focus: Node
    path: URIRef | None
    value: Node | None
    message: str


@dataclass(frozen=True)
class ValidationReport:
    """Whether the graph conforms, and every violation sorted by focus, path, value."""

    conforms: bool
    violations: tuple[Violation, ...]


def validate(graph: Graph, onto: Ontology | None = None) -> ValidationReport:
    """Check ``graph`` against the shapes derived from the ontology; ``graph`` is not modified.

    >>> validate(Graph()).conforms
    True
    """
    onto = onto or load_ontology()
    shapes = shapes_graph(onto)
    start = time.perf_counter()
    # The ontology as ont_graph puts its rdfs:subClassOf triples (and the types of its named
    # individuals, kg:Asserted a kg:Modality) beside the data, in a copy: sh:class then accepts
    # a Company where an Organization is required, with no inference pass (which costs seconds).
    conforms, results, _ = shacl_validate(
        graph, shacl_graph=shapes, ont_graph=onto.graph, inference="none"
    )
    assert isinstance(results, Graph)  # not serialised: no serialize_report_graph option
    violations = tuple(
        sorted(
            {_violation(results, shapes, r) for r in results.objects(None, SH.result)},
            key=lambda v: (str(v.focus), str(v.path or ""), str(v.value or ""), v.message),
        )
    )
    log.info(
        "validated %d triples in %.2f s: %d violations",
        len(graph),
        time.perf_counter() - start,
        len(violations),
    )
    return ValidationReport(conforms=bool(conforms), violations=violations)


def _violation(results: Graph, shapes: Graph, result: Node) -> Violation:
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    if path is None:  # a node shape's own constraint: the subject is outside the domain
        value = None
    if not isinstance(path, URIRef):  # the shapes know which property a complex path stands for
        path = _shape_property(shapes, results.value(result, SH.sourceShape))
    message = results.value(result, SH.resultMessage)
    component = results.value(result, SH.sourceConstraintComponent)
    return Violation(
        focus=results.value(result, SH.focusNode),  # type: ignore[arg-type]
        path=path,
        value=value,
        message=str(message) if message is not None else str(component),
    )


def _shape_property(shapes: Graph, shape: Node | None) -> URIRef | None:
    """The property a shape is about: its target, its path, or the first of its alternatives."""
    for candidate in (
        shapes.value(shape, SH.targetSubjectsOf),
        shapes.value(shape, SH.path),
    ):
        if isinstance(candidate, URIRef):
            return candidate
        alternatives = (
            shapes.value(candidate, SH.alternativePath) if candidate is not None else None
        )
        if alternatives is not None:
            first = next(iter(Collection(shapes, alternatives)), None)
            return first if isinstance(first, URIRef) else None
    return None


def format_report(report: ValidationReport, graph: Graph) -> str:
    """One line per violation, then ``conforms`` or ``N violations``.

    A node is named by its ``rdfs:label`` and classes when it has a label
    (``"Widget X" (kg:Product)``), by its IRI otherwise; ``graph`` is where labels are read.
    """
    lines = []
    for v in report.violations:
        where = _node(graph, v.focus)
        if v.path is not None:
            where += f"  {_short(graph, v.path)}"
        if v.value is not None:
            where += f" -> {_node(graph, v.value)}"
        lines.append(f"{where}: {v.message}")
    count = len(report.violations)
    if report.conforms:
        lines.append("conforms")
    else:
        lines.append(f"{count} violation{'s' if count != 1 else ''}")
    return "\n".join(lines)


def _node(graph: Graph, node: Node) -> str:
    if isinstance(node, Literal):
        return _one_line(node.n3(graph.namespace_manager))
    labels = sorted(
        (o for o in graph.objects(node, RDFS.label) if isinstance(o, Literal)),
        key=lambda label: (label.language != "fr", str(label)),
    )
    types = ", ".join(sorted(_short(graph, t) for t in graph.objects(node, RDF.type)))
    name = f'"{_one_line(str(labels[0]))}"' if labels else _short(graph, node)
    return f"{name} ({types})" if types else name


def _short(graph: Graph, term: Node) -> str:
    """``kg:ceoOf``, ``kgr:entity/x``; other IRIs by the graph's prefixes, else in full."""
    for ns, prefix in ((KG, "kg:"), (KGR, "kgr:")):
        if isinstance(term, URIRef) and term.startswith(str(ns)):
            return prefix + term[len(str(ns)) :]
    return term.n3(graph.namespace_manager)
