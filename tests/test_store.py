"""The Oxigraph-backed store: named graphs per document, persistence, faithful read-back."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rdflib import RDFS, XSD, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.errors import InputError
from kg.ontology import KG
from kg.store import graph_names, load_file, open_store, put_graph, remove_graph, union_graph

A, B = URIRef("https://example.org/doc/a"), URIRef("https://example.org/doc/b")
X = URIRef("https://example.org/x")


def _graph(*labels: str) -> Graph:
    g = Graph()
    for label in labels:
        g.add((X, RDFS.label, Literal(label, lang="fr")))
    return g


def test_put_graph_replaces_one_named_graph_and_nothing_else() -> None:
    store = open_store()
    put_graph(store, A, _graph("old a"))
    put_graph(store, B, _graph("b"))
    put_graph(store, A, _graph("new a"))
    labels = sorted(str(o) for o in union_graph(store).objects(X, RDFS.label))
    assert labels == ["b", "new a"]
    assert graph_names(store) == [A, B]


def test_remove_graph_drops_only_that_document() -> None:
    store = open_store()
    put_graph(store, A, _graph("a"))
    put_graph(store, B, _graph("b"))
    assert remove_graph(store, A) is True
    assert remove_graph(store, A) is False
    assert graph_names(store) == [B]
    assert [str(o) for o in union_graph(store).objects(X, RDFS.label)] == ["b"]


def test_store_directory_persists_between_openings(tmp_path: Path) -> None:
    location = tmp_path / "store"
    store = open_store(location)
    put_graph(store, A, _graph("kept"))
    store.close()
    again = open_store(location)
    assert [str(o) for o in union_graph(again).objects(X, RDFS.label)] == ["kept"]


def test_union_graph_reads_back_what_was_written(example_build) -> None:
    """Literals survive the store: simple strings stay simple, decimals keep rdflib's form."""
    written = example_build.graph
    store = open_store()
    put_graph(store, A, written)
    read_back = union_graph(store)
    assert isomorphic(read_back, written)
    amounts = set(read_back.objects(None, KG.amount))
    assert Literal("8300000000.0", datatype=XSD.decimal) in amounts


def test_a_build_puts_each_document_in_the_graph_named_by_its_iri(example_build) -> None:
    assert graph_names(example_build.dataset) == [
        URIRef("https://w3id.org/kg/id/doc/fr-microsoft-mai-openai")
    ]


def test_load_file_reports_unreadable_rdf_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.ttl: not a readable RDF graph") as info:
        load_file(open_store(), bad)
    assert "\n" not in str(info.value)
    with pytest.raises(InputError, match="no such graph file"):
        load_file(open_store(), tmp_path / "missing.ttl")


def test_load_file_puts_triples_in_the_named_graph_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "g.nt"
    path.write_text(f'<{X}> <{RDFS.label}> "x" .\n', encoding="utf-8")
    store = open_store()
    load_file(store, path, graph=A)
    assert graph_names(store) == [A]


def test_open_store_rejects_a_file_and_a_store_held_by_another_process(tmp_path: Path) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="not a store directory"):
        open_store(a_file)
    location = tmp_path / "held"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, pyoxigraph
                store = pyoxigraph.Store({str(location)!r})
                print("ready", flush=True)
                sys.stdin.read()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(InputError, match="cannot open the store") as info:
            open_store(location)
        assert "\n" not in str(info.value)
    finally:
        holder.communicate("", timeout=30)
