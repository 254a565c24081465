"""Extraction in worker processes: each loads the spaCy model once and does the whole work of
a document (parse, kg's rules, its RDF graph as N-Triples), so that the process that writes
the store only loads finished graphs. Importable, so that workers never pickle code by value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from kg.extract import extract
from kg.model import Document, Extraction
from kg.nlp import load_pipeline, mask_codes
from kg.rdf import to_ntriples

__all__ = ["extract_batch", "extract_documents", "start_worker"]


def start_worker() -> None:
    """Load the pipeline of this process, once (a ``multiprocessing.Pool`` initializer)."""
    load_pipeline()  # cached: every later call in this process gets the same pipeline


def extract_documents(documents: Iterable[Document]) -> Iterator[tuple[Extraction, str]]:
    """Each document's extraction and its graph in N-Triples, in order, as they are made."""
    documents = list(documents)
    docs = load_pipeline().pipe(mask_codes(d.text) for d in documents)
    for document, doc in zip(documents, docs, strict=True):
        extraction = extract(document, doc)
        yield extraction, to_ntriples(extraction)


def extract_batch(documents: Sequence[Document]) -> list[tuple[Extraction, str]]:
    """:func:`extract_documents` of one batch, as a list a worker process can send back."""
    return list(extract_documents(documents))
