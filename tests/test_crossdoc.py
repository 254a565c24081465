"""Entities across documents: one IRI whatever the spelling, one label in the whole graph,
every other name kept as an alias with the reason of the merge; document graphs untouched."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import RDFS, Graph, Literal, URIRef

from kg.crossdoc import merge_names
from kg.document import make_document
from kg.ontology import KG, KGR
from kg.pipeline import build_documents
from kg.rdf import entity_iri
from kg.store import native, open_store, put_graph, union_graph

NOVA = KGR["entity/novalyne"]


def _named(label: str, lang: str = "fr") -> Literal:
    return Literal(label, lang=lang)


def test_the_name_most_documents_use_becomes_the_label_and_the_others_aliases() -> None:
    graph = Graph()
    for name in ("Novalyne", "Nova Lyne"):
        graph.add((NOVA, RDFS.label, _named(name)))
    other = KGR["entity/brindel"]
    graph.add((other, RDFS.label, _named("Brindel")))
    merge_names(graph, [(NOVA, _named("Nova Lyne"), 3), (NOVA, _named("Novalyne"), 1)])
    assert list(graph.objects(NOVA, RDFS.label)) == [_named("Nova Lyne")]
    assert list(graph.objects(NOVA, KG.alias)) == [_named("Novalyne")]
    assert [str(r) for r in graph.objects(NOVA, KG.mergeReason)] == [
        "same normalised name (novalyne) across documents: «Nova Lyne» in 3, «Novalyne» in 1"
    ]
    assert list(graph.objects(other, RDFS.label)) == [_named("Brindel")]
    assert not list(graph.objects(other, KG.mergeReason))


def test_a_tie_goes_to_the_shortest_name_then_the_alphabet() -> None:
    graph = Graph()
    names = ("Novalyne SAS", "Nova Lyne", "Novalyne")
    for name in names:
        graph.add((NOVA, RDFS.label, _named(name)))
    merge_names(graph, [(NOVA, _named(name), 1) for name in names])
    assert graph.value(NOVA, RDFS.label) == _named("Novalyne")
    assert sorted(str(a) for a in graph.objects(NOVA, KG.alias)) == ["Nova Lyne", "Novalyne SAS"]


def test_documents_are_not_merged_like_entities() -> None:
    doc = URIRef(str(KGR["doc/a"]))
    graph = Graph()
    graph.add((doc, RDFS.label, Literal("a")))
    graph.add((doc, RDFS.label, Literal("b")))
    merge_names(graph, [(doc, Literal("a"), 1), (doc, Literal("b"), 1)])
    assert len(graph) == 2


def _doc_graph(label: str) -> Graph:
    graph = Graph()
    graph.add((NOVA, RDFS.label, _named(label)))
    return graph


def test_the_store_counts_documents_per_name_and_keeps_document_graphs_as_built() -> None:
    store = open_store()
    for i, name in enumerate(("Novalyne", "Nova Lyne", "Novalyne")):
        put_graph(store, KGR[f"doc/{i}"], _doc_graph(name))
    before = sorted(str(q) for q in native(store))
    whole = union_graph(store)
    assert whole.value(NOVA, RDFS.label) == _named("Novalyne")
    assert list(whole.objects(NOVA, KG.alias)) == [_named("Nova Lyne")]
    assert "«Novalyne» in 2, «Nova Lyne» in 1" in str(whole.value(NOVA, KG.mergeReason))
    assert sorted(str(q) for q in native(store)) == before  # the merge is only in the view
    assert all(isinstance(q.graph_name, ox.NamedNode) for q in native(store))


def test_one_company_written_three_ways_in_three_articles_is_one_entity(nlp: object) -> None:
    texts = {
        "a": "La start-up Novalyne a levé 12 millions d'euros auprès de Ferrand Capital.",
        "b": "Claire Vasseur, directrice générale de Nova Lyne, veut recruter trente ingénieurs.",
        "c": "Le groupe Marlow a signé un partenariat avec Novalyne SAS pour ses serveurs.",
    }
    documents = [make_document(t, doc_id=k, source=f"{k}.txt") for k, t in texts.items()]
    whole = build_documents(documents).graph
    nova = entity_iri("novalyne")
    assert whole.value(nova, RDFS.label) == _named("Novalyne")
    assert {str(a) for a in whole.objects(nova, KG.alias)} >= {"Nova Lyne", "Novalyne SAS"}
    assert "across documents" in str(whole.value(nova, KG.mergeReason))
    assert len(list(whole.objects(nova, RDFS.label))) == 1
