"""The one place where the stages are wired: inputs -> documents -> extractions -> RDF."""

from __future__ import annotations

import functools
import logging
import multiprocessing
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import RDF, Dataset, Graph

from kg import workers
from kg.document import MAX_BYTES
from kg.errors import OutputError
from kg.fingerprint import build_hash
from kg.graph import to_networkx
from kg.inputs import Skipped, read_inputs
from kg.io import write_files_atomic
from kg.model import Document, Extraction
from kg.ontology import KG, load_ontology
from kg.rdf import document_iri, to_turtle
from kg.store import open_store, put_ntriples, union_graph
from kg.viz import to_html

__all__ = [
    "BuildResult",
    "Summary",
    "build",
    "build_documents",
    "stored_build_hashes",
    "summarize",
    "write_outputs",
]

log = logging.getLogger(__name__)

#: Documents sent to a worker process at a time.
_BATCH_SIZE = 64

#: Called after each document with (index from 1, total, document).
Progress = Callable[[int, int, Document], None]


@dataclass(frozen=True)
class Summary:
    """What a graph holds: entities, facts and the classes they belong to."""

    documents: int
    entities: int
    relations: int
    facts: int
    classes: dict[str, int]

    def __str__(self) -> str:
        classes = ", ".join(f"{name} {count}" for name, count in self.classes.items())
        return (
            f"{self.documents} document(s): {self.entities} entities, "
            f"{self.relations + self.facts} facts ({self.relations} relations, "
            f"{self.facts} n-ary facts); classes: {classes}"
        )


@dataclass(frozen=True)
class BuildResult:
    """The graph built from some documents, with the extractions made for it.

    ``dataset`` is the store the documents were built into (one named graph per document);
    ``graph`` is the union of all its graphs as an in-memory rdflib ``Graph``, made on first
    use (for Turtle, networkx, evaluation): queries go to the store itself. ``skipped`` are
    the inputs ``build`` left out because they could not be used.
    """

    extractions: tuple[Extraction, ...]
    dataset: Dataset
    #: ids of the documents built (the same as the extractions', except on a Dask cluster,
    #: where the extractions stay on the workers)
    built: tuple[str, ...] = ()
    #: ids of the documents found unchanged in the store and not rebuilt
    unchanged: tuple[str, ...] = ()
    #: inputs (files, JSON Lines records) that could not be read, with why
    skipped: tuple[Skipped, ...] = ()

    @functools.cached_property
    def graph(self) -> Graph:
        return union_graph(self.dataset)

    @property
    def summary(self) -> Summary:
        return summarize(self.graph)


def summarize(graph: Graph) -> Summary:
    """Count documents, entities, relations and n-ary facts of a kg graph, by class."""
    onto = load_ontology()
    counts: Counter[str] = Counter()
    for _, cls in graph.subject_objects(RDF.type):
        name = str(cls).removeprefix(str(KG))
        if name in onto.classes and (
            name in onto.entity_classes(untyped=True) or name in onto.fact_classes()
        ):
            counts[name] += 1
    entity_total = sum(counts[c] for c in onto.entity_classes(untyped=True))
    fact_total = sum(counts[c] for c in onto.fact_classes())
    relations = sum(1 for _ in graph.subjects(RDF.type, KG.Relation))
    return Summary(
        documents=sum(1 for _ in graph.subjects(RDF.type, KG.Document)),
        entities=entity_total,
        relations=relations,
        facts=fact_total,
        classes=dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def stored_build_hashes(dataset: Dataset) -> dict[str, str]:
    """The build hash of every document in the store, by document IRI."""
    rows = dataset.query(
        "SELECT ?doc ?hash WHERE { GRAPH ?doc { ?doc a kg:Document ; kg:buildHash ?hash } }",
        initNs={"kg": KG},
    )
    return {str(row[0]): str(row[1]) for row in rows}  # type: ignore[index]


def _extracted(documents: Sequence[Document], n_process: int) -> Iterator[tuple[Extraction, str]]:
    """(extraction, N-Triples) of each document, in order: made here, or by ``n_process``
    worker processes in batches."""
    if not documents:  # nothing to rebuild: the model is not even loaded
        return
    if n_process <= 1:
        yield from workers.extract_documents(documents)
        return
    batches = [documents[i : i + _BATCH_SIZE] for i in range(0, len(documents), _BATCH_SIZE)]
    context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
    with context.Pool(n_process, initializer=workers.start_worker) as pool:
        for batch in pool.imap(workers.extract_batch, batches):
            yield from batch


def build_documents(
    documents: Sequence[Document],
    *,
    store: Dataset | None = None,
    progress: Progress | None = None,
    force: bool = False,
    n_process: int = 1,
    scheduler: str | None = None,
    shards: str | Path | None = None,
) -> BuildResult:
    """Extract every document into its own named graph of ``store`` (default: a new one).

    With ``n_process`` > 1, worker processes (``kg.workers``; the model loaded once in each)
    parse, extract and write each document's graph, and this process stores them in order:
    the same graph as one process. With ``scheduler`` (a Dask scheduler address, or
    ``"local"`` for a cluster of ``n_process`` workers here), the workers of a Dask cluster
    write N-Quads shards (into ``shards``, see ``kg.cluster``) that this process bulk-loads:
    the same graph again, but ``extractions`` stays empty.

    A document already in the store is replaced, in one transaction per document, unless its
    build hash (``kg.fingerprint.build_hash``: text, metadata, extractor) is the one stored:
    then it is skipped, with no extraction work (``force`` rebuilds it anyway).
    """
    dataset = store if store is not None else open_store()
    stored = {} if force or store is None else stored_build_hashes(dataset)
    todo: list[Document] = []
    unchanged: list[str] = []
    for document in documents:
        if stored.get(str(document_iri(document.doc_id))) == build_hash(document):
            unchanged.append(document.doc_id)
        else:
            todo.append(document)
    if unchanged:
        log.info("%d document(s) unchanged in the store, not rebuilt", len(unchanged))
    if scheduler is not None:
        from kg.cluster import build_on_cluster  # Dask is an optional dependency

        counter = iter(range(1, len(todo) + 1))
        built = build_on_cluster(
            todo,
            dataset,
            scheduler=scheduler,
            n_workers=n_process,
            shard_dir=shards,
            batch_size=_BATCH_SIZE,
            progress=(lambda d: progress(next(counter), len(todo), d)) if progress else None,
        )
        return BuildResult(
            extractions=(), dataset=dataset, built=tuple(built), unchanged=tuple(unchanged)
        )
    extractions = []
    for index, (extraction, triples) in enumerate(_extracted(todo, n_process), 1):
        document = extraction.document
        put_ntriples(dataset, document_iri(document.doc_id), triples)
        extractions.append(extraction)
        log.info("extracted %s (%d/%d)", document.doc_id, index, len(todo))
        if progress:
            progress(index, len(todo), document)
    return BuildResult(
        extractions=tuple(extractions),
        dataset=dataset,
        built=tuple(x.document.doc_id for x in extractions),
        unchanged=tuple(unchanged),
    )


def build(
    paths: Iterable[str | Path],
    *,
    max_bytes: int = MAX_BYTES,
    store: Dataset | None = None,
    progress: Progress | None = None,
    force: bool = False,
    n_process: int = 1,
    scheduler: str | None = None,
    shards: str | Path | None = None,
) -> BuildResult:
    """Build the knowledge graph of the articles ``paths`` names (into ``store``, if given).

    ``paths`` are files, directories, glob patterns or JSON Lines files (``kg.inputs``). Every
    input is read and checked before any extraction starts: an unusable file or record is
    skipped with a warning and listed in ``BuildResult.skipped``; a spec naming no file, or no
    usable input at all, fails fast with an ``InputError`` and nothing is produced.
    """
    inputs = read_inputs(paths, max_bytes=max_bytes)
    documents = inputs.documents
    seen: dict[str, str] = {}
    for doc in documents:
        if doc.doc_id in seen and seen[doc.doc_id] != doc.text:
            log.warning("two inputs share the document id %r; their graphs merge", doc.doc_id)
        seen[doc.doc_id] = doc.text
    result = build_documents(
        documents,
        store=store,
        progress=progress,
        force=force,
        n_process=n_process,
        scheduler=scheduler,
        shards=shards,
    )
    return replace(result, skipped=inputs.skipped)


def write_outputs(
    result: BuildResult, out_dir: str | Path, *, title: str = "kg"
) -> dict[str, Path]:
    """Write ``kg.ttl`` and ``kg.html`` into ``out_dir``: both are replaced, or neither."""
    out = Path(out_dir)
    files = {
        "turtle": out / "kg.ttl",
        "html": out / "kg.html",
    }
    contents = {
        files["turtle"]: to_turtle(result.graph),
        files["html"]: to_html(to_networkx(result.graph), title=title),
    }
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a directory; choose another -o")
    try:
        write_files_atomic(contents)
    except OSError as exc:
        target = exc.filename2 or exc.filename or out  # replace() names the target second
        raise OutputError(f"{target}: cannot write the output: {exc.strerror or exc}") from exc
    return files
