"""Extraction in worker processes: each loads the spaCy model once and does the whole work of
a document (parse, kg's rules, its RDF graph as N-Triples or N-Quads), so that the process that
writes the store only loads finished graphs. Importable, so that workers (``multiprocessing``
or Dask) never pickle code by value: a function pickled by value would reload the model for
every batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from kg.extract import extract
from kg.io import write_text_atomic
from kg.model import Document, Extraction
from kg.nlp import load_pipeline, parser_text
from kg.rdf import to_nquads, to_ntriples

__all__ = ["extract_batch", "extract_documents", "start_worker", "write_shard"]


def start_worker() -> None:
    """Load the pipeline of this process, once (a ``multiprocessing.Pool`` initializer)."""
    load_pipeline()  # cached: every later call in this process gets the same pipeline


def _extractions(documents: Iterable[Document]) -> Iterator[Extraction]:
    documents = list(documents)
    docs = load_pipeline().pipe(parser_text(d.text, d.lang) for d in documents)
    for document, doc in zip(documents, docs, strict=True):
        yield extract(document, doc)


def extract_documents(documents: Iterable[Document]) -> Iterator[tuple[Extraction, str]]:
    """Each document's extraction and its graph in N-Triples, in order, as they are made."""
    for extraction in _extractions(documents):
        yield extraction, to_ntriples(extraction)


def extract_batch(documents: Sequence[Document]) -> list[tuple[Extraction, str]]:
    """:func:`extract_documents` of one batch, as a list a worker process can send back."""
    return list(extract_documents(documents))


def write_shard(documents: Sequence[Document], path: str) -> tuple[str, ...]:
    """Extract ``documents`` and write their graphs to the N-Quads file ``path``, one named
    graph per document, atomically (a Dask task: only the document ids travel back).

    ``path`` must be on storage the process that loads the store can read.
    """
    text = "".join(to_nquads(extraction) for extraction in _extractions(documents))
    write_text_atomic(Path(path), text)
    return tuple(d.doc_id for d in documents)
