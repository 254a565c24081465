"""The reference article end to end: gold score, ontology conformance, golden Turtle."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.conformance import violations
from kg.evaluate import evaluate, format_report
from kg.pipeline import BuildResult, build
from kg.rdf import to_turtle
from tests.conftest import EXAMPLE

GOLDEN = Path(__file__).parent / "data" / "fr-microsoft-mai-openai.ttl"


def _dump(graph: Graph) -> str:
    return "\n".join(sorted(f"  {s.n3()} {p.n3()} {o.n3()}" for s, p, o in graph))


def test_example_scores_against_gold(example_build: BuildResult, gold_path: Path) -> None:
    report = evaluate(example_build.graph, gold_path)
    assert report.bad == (), format_report(report)
    assert report.overall.f1 >= 0.85, format_report(report)
    for score in report.scores:
        assert score.f1 >= 0.85, format_report(report)


def test_example_graph_conforms_to_the_ontology(example_build: BuildResult) -> None:
    assert violations(example_build.graph) == []


def test_example_matches_golden_turtle(example_build: BuildResult, update_golden: bool) -> None:
    actual = example_build.graph
    if update_golden or not GOLDEN.exists():
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(to_turtle(actual), encoding="utf-8")
    expected = Graph().parse(GOLDEN, format="turtle")
    if not isomorphic(actual, expected):
        _, only_actual, only_expected = graph_diff(to_isomorphic(actual), to_isomorphic(expected))
        raise AssertionError(
            "graph differs from tests/data golden file (rerun with --update-golden if intended)\n"
            f"only in expected:\n{_dump(only_expected)}\nonly in actual:\n{_dump(only_actual)}"
        )


def test_example_turtle_is_byte_identical_across_builds(example_build: BuildResult) -> None:
    again = build([EXAMPLE])
    assert to_turtle(again.graph) == to_turtle(example_build.graph)
