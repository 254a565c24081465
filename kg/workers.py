"""Extraction in worker processes: each loads the spaCy model once and does the whole work of
a document (parse, kg's rules, its RDF graph as N-Triples), so that the process that writes
the store only loads finished graphs. Importable, so that workers never pickle code by value.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language

from kg.extract import extract
from kg.model import Document, Extraction
from kg.nlp import load_pipeline, mask_codes
from kg.rdf import to_rdf

__all__ = ["extract_batch", "start_worker"]

_nlp: Language | None = None


def start_worker() -> None:
    """Load the pipeline of this process (a ``multiprocessing.Pool`` initializer)."""
    global _nlp
    _nlp = load_pipeline()


def extract_batch(documents: Sequence[Document]) -> list[tuple[Extraction, str]]:
    """Each document's extraction and its graph in N-Triples, in order."""
    nlp = _nlp or load_pipeline()
    docs = nlp.pipe(mask_codes(d.text) for d in documents)
    results = []
    for document, doc in zip(documents, docs, strict=True):
        extraction = extract(document, doc)
        triples = to_rdf([extraction]).serialize(format="nt", encoding="utf-8").decode("utf-8")
        results.append((extraction, triples))
    return results
