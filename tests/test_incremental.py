"""Building into an existing store: unchanged documents are skipped, changed ones replaced,
removed ones gone with their facts, and nothing else moves."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg import workers
from kg.cli import app
from kg.document import make_document
from kg.model import Document
from kg.pipeline import build_documents
from kg.rdf import document_iri
from kg.store import graph_names, native, open_store

FIRST = (
    "La start-up Brindel a levé 12 millions d'euros auprès de Ferrand Capital. "
    "Claire Vasseur, directrice générale de Brindel, veut recruter trente ingénieurs."
)
SECOND = (
    "Le groupe Marlow a présenté Orca-2, un modèle de langage développé par sa filiale Marlow "
    "Labs. Selon des sources proches du dossier, Marlow pourrait racheter la société Tessine."
)


def _doc(doc_id: str, text: str) -> Document:
    return make_document(text, doc_id=doc_id, source=f"{doc_id}.txt")


def _quads(dataset, doc_id: str | None = None) -> list[str]:
    """The store's quads (or one document's) as sorted N-Quads lines."""
    store = native(dataset)
    graph = ox.NamedNode(str(document_iri(doc_id))) if doc_id else None
    return sorted(str(q) for q in store.quads_for_pattern(None, None, None, graph))


def test_rebuilding_an_unchanged_corpus_does_no_extraction_and_changes_no_triple(
    nlp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(tmp_path / "store")
    documents = [_doc("first", FIRST), _doc("second", SECOND)]
    build_documents(documents, store=store)
    before = _quads(store)

    monkeypatch.setattr(workers, "extract", lambda *_: pytest.fail("a document was extracted"))
    monkeypatch.setattr(workers, "load_pipeline", lambda: pytest.fail("the model was loaded"))
    again = build_documents(documents, store=store)
    assert again.extractions == () and again.unchanged == ("first", "second")
    assert _quads(store) == before


def test_adding_an_article_changes_only_its_graph(nlp: object) -> None:
    store = open_store()
    build_documents([_doc("first", FIRST)], store=store)
    first = _quads(store, "first")
    result = build_documents([_doc("first", FIRST), _doc("second", SECOND)], store=store)
    assert [x.document.doc_id for x in result.extractions] == ["second"]
    assert result.unchanged == ("first",)
    assert _quads(store, "first") == first
    assert graph_names(store) == [document_iri("first"), document_iri("second")]


@pytest.mark.parametrize(
    "change",
    [
        lambda d: dataclasses.replace(d, text=d.text.replace("trente", "quarante")),
        lambda d: dataclasses.replace(d, date=dt.date(2025, 3, 6)),  # anchors relative dates
        lambda d: dataclasses.replace(d, title="Brindel lève 12 millions"),
    ],
    ids=["text", "date", "title"],
)
def test_a_changed_document_is_rebuilt_and_no_other(nlp: object, change) -> None:
    store = open_store()
    first, second = _doc("first", FIRST), _doc("second", SECOND)
    build_documents([first, second], store=store)
    before = {doc: _quads(store, doc) for doc in ("first", "second")}
    result = build_documents([change(first), second], store=store)
    assert [x.document.doc_id for x in result.extractions] == ["first"]
    assert _quads(store, "second") == before["second"]
    assert _quads(store, "first") != before["first"]  # the build hash at least


def test_force_rebuilds_unchanged_documents_to_the_same_triples(nlp: object) -> None:
    store = open_store()
    build_documents([_doc("first", FIRST)], store=store)
    before = _quads(store)
    result = build_documents([_doc("first", FIRST)], store=store, force=True)
    assert [x.document.doc_id for x in result.extractions] == ["first"]
    assert _quads(store) == before


def test_cli_rebuild_skips_unchanged_and_remove_drops_one_document(
    nlp: object, tmp_path: Path
) -> None:
    for name, text in (("first", FIRST), ("second", SECOND)):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    store_dir = tmp_path / "store"
    runner = CliRunner()
    built_args = [
        "build", str(tmp_path / "first.txt"), str(tmp_path / "second.txt"),
        "-o", str(tmp_path / "out"), "--store", str(store_dir),
    ]  # fmt: skip
    built = runner.invoke(app, built_args)
    assert built.exit_code == 0, built.output
    for flags, unchanged in (([], True), (["--force"], False)):
        gc.collect()  # the in-process command's store (rdflib objects hold cycles) lets go
        again = runner.invoke(app, [*built_args, *flags])
        assert again.exit_code == 0, again.output
        assert ("2 document(s) unchanged in the store" in again.stdout) is unchanged
    gc.collect()
    store = open_store(store_dir, create=False)
    second = _quads(store, "second")
    del store
    gc.collect()

    removed = runner.invoke(app, ["remove", "first", "--store", str(store_dir)])
    assert removed.exit_code == 0, removed.output
    assert "removed first" in removed.stdout

    gc.collect()
    unknown = runner.invoke(app, ["remove", "second", "nowhere", "--store", str(store_dir)])
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("kg: error: ") and "'nowhere'" in unknown.stderr
    del unknown  # its traceback holds the command's frames, and so the open store
    gc.collect()
    store = open_store(store_dir, create=False)
    assert graph_names(store) == [document_iri("second")]  # nothing removed by the failed call
    assert _quads(store, "second") == second
