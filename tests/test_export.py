"""kg export: every format reads back as the same graph, deterministically."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError
from kg.export import EXPORT_FORMATS, export, write_export
from kg.graph import to_networkx

DOC = URIRef("https://w3id.org/kg/id/doc/fr-microsoft-mai-openai")


def _assert_same(actual: Graph, expected: Graph) -> None:
    if not isomorphic(actual, expected):
        _, only_actual, only_expected = graph_diff(to_isomorphic(actual), to_isomorphic(expected))
        pytest.fail(
            "graphs differ\nonly in export:\n"
            + only_actual.serialize(format="nt")
            + "\nonly in source:\n"
            + only_expected.serialize(format="nt")
        )


@pytest.mark.parametrize(
    ("fmt", "parser"),
    [
        ("ttl", "turtle"),
        ("nt", "nt"),
        # rdflib's JSON-LD parser warns that ConjunctiveGraph is deprecated (not kg's code)
        pytest.param(
            "jsonld", "json-ld", marks=pytest.mark.filterwarnings("ignore::DeprecationWarning")
        ),
    ],
)
def test_triple_formats_read_back_as_the_same_graph(example_build, fmt: str, parser: str) -> None:
    text = export(example_build.dataset, fmt)
    _assert_same(Graph().parse(data=text, format=parser), example_build.graph)


def test_nquads_keep_each_document_in_its_named_graph(example_build) -> None:
    text = export(example_build.dataset, "nq")
    dataset = Dataset()
    dataset.parse(data=text, format="nquads")
    names = {g.identifier for g in dataset.graphs() if len(g)}
    assert names == {DOC}
    _assert_same(dataset.graph(DOC), example_build.graph)
    assert text.splitlines() == sorted(text.splitlines())


def test_graphml_has_the_networkx_nodes_and_edges(example_build, tmp_path: Path) -> None:
    path = write_export(example_build.dataset, tmp_path / "kg.graphml")
    read = nx.read_graphml(path, force_multigraph=True)
    view = to_networkx(example_build.graph)
    assert set(read.nodes) == {str(n) for n in view.nodes}
    assert read.number_of_edges() == view.number_of_edges()
    azure = read.nodes["https://w3id.org/kg/id/entity/azure"]
    # nothing in the article says what Azure is: an entity of no narrower class, still a node
    assert (azure["label"], azure["cls"]) == ("Azure", "Entity")
    assert "Azure" in azure["evidence"]  # lists flattened to JSON text, not dropped


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_exports_are_byte_identical_across_runs(example_build, fmt: str) -> None:
    assert export(example_build.dataset, fmt) == export(example_build.dataset, fmt)
    if fmt != "nq":  # the store and its in-memory union give the same bytes
        assert export(example_build.dataset, fmt) == export(example_build.graph, fmt)


def test_unknown_format_and_suffix(example_build, tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="unknown export format 'xml'"):
        export(example_build.graph, "xml")
    with pytest.raises(QueryError, match=r"kg\.xyz: cannot tell the format from the suffix"):
        write_export(example_build.graph, tmp_path / "kg.xyz")


def test_cli_export(example_build, tmp_path: Path) -> None:
    source = tmp_path / "kg.ttl"
    source.write_text(export(example_build.graph, "ttl"), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["export", str(source), str(tmp_path / "out.data"), "-f", "nt"])
    assert result.exit_code == 0, result.output
    _assert_same(Graph().parse(tmp_path / "out.data", format="nt"), example_build.graph)
    bad = runner.invoke(app, ["export", str(source), str(tmp_path / "out.xyz")])
    assert bad.exit_code == 1
    assert bad.output.strip().startswith("kg: error:") and len(bad.output.strip().splitlines()) == 1
    missing = runner.invoke(app, ["export", str(tmp_path / "none.ttl"), str(tmp_path / "o.nt")])
    assert missing.exit_code == 1 and "no such graph file" in missing.output
