"""Extraction in worker processes (kg.workers) gives the very same graph as in one process."""

from __future__ import annotations

from kg.document import make_document
from kg.pipeline import build_documents
from kg.rdf import to_turtle

TEXTS = [
    "La jeune pousse Brindel a levé 12 millions d'euros lors d'un tour de table mené par "
    "Ferrand Capital.",
    "Claire Vasseur, directrice générale de Brindel, veut recruter trente ingénieurs à Annecy.",
    "Selon des sources proches du dossier, le groupe Marlow pourrait racheter la société "
    "Tessine pour 40 millions d'euros.",
]


def test_two_worker_processes_give_the_same_graph_as_one(nlp: object) -> None:
    documents = [make_document(t, doc_id=f"d{i}", source=f"d{i}.txt") for i, t in enumerate(TEXTS)]
    one = build_documents(documents)
    two = build_documents(documents, n_process=2)
    assert [x.document.doc_id for x in two.extractions] == ["d0", "d1", "d2"]
    assert to_turtle(two.graph) == to_turtle(one.graph)
    assert "Ferrand Capital" in to_turtle(two.graph)  # something was extracted
