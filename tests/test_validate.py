"""SHACL validation: shapes derived from ontology.ttl, pySHACL reports, and ``kg validate``."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from rdflib import OWL, RDF, RDFS, SH, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from typer.testing import CliRunner, Result

from kg.cli import app
from kg.ontology import KG, KGR, load_ontology
from kg.rdf import write_turtle
from kg.shapes import shapes_graph
from kg.validate import ValidationReport, Violation, format_report, validate

if TYPE_CHECKING:
    from kg.pipeline import BuildResult

PREFIXES = """\
@prefix kg: <https://w3id.org/kg/ontology#> .
@prefix e: <https://w3id.org/kg/id/entity/> .
@prefix f: <https://w3id.org/kg/id/fact/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
ALICE = KGR["entity/alice"]
WIDGET = KGR["entity/widget"]
ROUND = KGR["fact/round"]
#: A person, a company, a product, and a complete funding round: everything conforms.
VALID = """
e:alice a kg:Person ; rdfs:label "Alice Martin"@fr ; kg:ceoOf e:acme .
e:acme a kg:Company ; rdfs:label "Acme"@fr .
e:widget a kg:Product ; rdfs:label "Widget X"@fr ; kg:developedBy e:acme .
f:round a kg:FundingRound ; rdfs:label "levée de fonds : Acme"@fr ;
    kg:investee e:acme ; kg:leadInvestor e:alice ;
    kg:amount 12000000.0 ; kg:currency "EUR" ; kg:date "2024-03-07"^^xsd:date ;
    kg:modality kg:Asserted .
"""


def _graph(turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


def _report(turtle: str) -> tuple[ValidationReport, str]:
    graph = _graph(turtle)
    report = validate(graph)
    return report, format_report(report, graph)


def _only(report: ValidationReport) -> Violation:
    assert not report.conforms
    assert len(report.violations) == 1, report.violations
    return report.violations[0]


# ---------------------------------------------------------------------------
# validate and format_report
# ---------------------------------------------------------------------------


def test_example_graph_conforms(example_build: BuildResult) -> None:
    graph = example_build.graph
    before = set(graph)
    start = time.perf_counter()
    report = validate(graph)
    seconds = time.perf_counter() - start
    assert report == ValidationReport(conforms=True, violations=())
    assert format_report(report, graph) == "conforms"
    assert set(graph) == before  # the ontology is mixed into a copy, never into the graph
    # ~0.05 s measured (2 cores); the issue allows 1-2 s, left loose for a busy machine
    assert seconds < 2, f"validate took {seconds:.1f} s"


def test_small_valid_graph_conforms() -> None:
    # Company is accepted where Organization is required, Alice (a Person) as a lead investor
    # where an Agent is, and kg:Asserted is a Modality although only the ontology says so.
    report, text = _report(VALID)
    assert report.conforms, text
    assert text == "conforms"


def test_ceo_of_a_product_fails_and_the_report_names_it() -> None:
    report, text = _report(VALID + "e:alice kg:ceoOf e:widget .")
    assert _only(report) == Violation(
        focus=ALICE,
        path=KG.ceoOf,
        value=WIDGET,
        message="the object of ceoOf must be an Organization",
    )
    assert text.splitlines() == [
        '"Alice Martin" (kg:Person)  kg:ceoOf -> "Widget X" (kg:Product): '
        "the object of ceoOf must be an Organization",
        "1 violation",
    ]


def test_ceo_of_a_company_passes_because_company_is_an_organization() -> None:
    onto = load_ontology()
    assert onto.properties["ceoOf"].range == "Organization"  # else this test proves nothing
    assert onto.is_a("Company", "Organization")
    assert (ALICE, KG.ceoOf, KGR["entity/acme"]) in _graph(VALID)
    assert validate(_graph(VALID)).conforms


def test_subject_outside_the_domain_fails() -> None:
    report, text = _report(VALID + "e:widget kg:ceoOf e:acme .")
    assert _only(report) == Violation(
        focus=WIDGET,
        path=KG.ceoOf,
        value=None,
        message="the subject of ceoOf must be a Person",
    )
    assert text.splitlines()[0] == (
        '"Widget X" (kg:Product)  kg:ceoOf: the subject of ceoOf must be a Person'
    )


def test_object_property_with_a_literal_fails() -> None:
    violation = _only(_report(VALID + 'e:alice kg:ceoOf "Acme" .')[0])
    assert (violation.path, violation.value) == (KG.ceoOf, Literal("Acme"))


END = "kg:modality kg:Asserted ."


@pytest.mark.parametrize(
    ("old", "new", "path", "expected"),
    [
        ("12000000.0", '"12000000"', KG.amount, "xsd:decimal"),
        ("12000000.0 ;", "12000000.0 ; kg:percent 12 ;", KG.percent, "xsd:decimal"),
        ("2024-03-07", "2024-13-07", KG.date, "xsd:date"),
        (
            END,
            END + ' f:r a kg:Ranking ; kg:rankedItem e:widget ; kg:rank "1.0"^^xsd:decimal .',
            KG.rank,
            "xsd:integer",
        ),
        (
            END,
            END + ' f:q a kg:Quote ; kg:speaker e:alice ; kg:text "sans langue" .',
            KG.text,
            "rdf:langString",
        ),
    ],
    ids=["amount-string", "percent-integer", "date-ill-formed", "rank-decimal", "text-no-lang"],
)
def test_wrong_datatype_fails(old: str, new: str, path: URIRef, expected: str) -> None:
    assert old in VALID
    violation = _only(validate(_graph(VALID.replace(old, new))))
    assert violation.path == path
    assert expected in violation.message


def test_plain_string_is_an_xsd_string() -> None:
    # RDF 1.1: "EUR" and "EUR"^^xsd:string are the same literal (kg:currency's range)
    assert 'kg:currency "EUR" ;' in VALID
    assert validate(_graph(VALID.replace('"EUR"', '"EUR"^^xsd:string'))).conforms


def test_fact_missing_a_required_role_fails() -> None:
    report, text = _report(VALID.replace("kg:investee e:acme ;", ""))
    assert _only(report) == Violation(
        focus=ROUND,
        path=KG.investee,
        value=None,
        message="a FundingRound needs at least 1 investee",
    )
    assert text.splitlines()[0] == (
        '"levée de fonds : Acme" (kg:FundingRound)  kg:investee: '
        "a FundingRound needs at least 1 investee"
    )


def test_sub_property_fills_a_required_role() -> None:
    # kg:leadInvestor is an rdfs:subPropertyOf kg:investor: a lead investor is an investor
    investment = "f:i a kg:Investment ; kg:investee e:acme ; kg:{} e:alice ."
    assert validate(_graph(VALID + investment.format("leadInvestor"))).conforms
    assert validate(_graph(VALID + investment.format("investor"))).conforms
    violation = _only(validate(_graph(VALID + "f:i a kg:Investment ; kg:investee e:acme .")))
    assert (violation.path, violation.message) == (
        KG.investor,
        "an Investment needs at least 1 investor",
    )


def test_functional_property_takes_one_value() -> None:
    violation = _only(validate(_graph(VALID + 'f:round kg:currency "USD" .')))
    assert (violation.focus, violation.path, violation.value) == (ROUND, KG.currency, None)
    assert "at most one value" in violation.message


def test_violations_are_sorted_and_stable() -> None:
    bad = VALID.replace("kg:investee e:acme ;", "").replace("12000000.0", '"x"') + (
        "e:alice kg:ceoOf e:widget . e:widget kg:ceoOf e:acme ."
    )
    first = validate(_graph(bad))
    assert first == validate(_graph(bad))
    keys = [(str(v.focus), str(v.path), str(v.value or "")) for v in first.violations]
    assert keys == sorted(keys)
    assert len(keys) == 4
    assert format_report(first, _graph(bad)).splitlines()[-1] == "4 violations"


# ---------------------------------------------------------------------------
# The shapes are derived from the ontology
# ---------------------------------------------------------------------------


def _property_shapes(shapes: Graph, prop: URIRef) -> list[URIRef]:
    return [s for s in shapes.subjects(SH.path, prop) if isinstance(s, URIRef)]


def test_every_object_property_with_a_range_has_a_class_shape() -> None:
    onto, shapes = load_ontology(), shapes_graph()
    props = list(onto.graph.subjects(RDF.type, OWL.ObjectProperty))
    assert len(props) > 20
    for prop in props:
        range_ = onto.graph.value(prop, RDFS.range)
        assert range_ is not None, prop
        assert any((s, SH["class"], range_) in shapes for s in _property_shapes(shapes, prop)), prop
        domain = onto.graph.value(prop, RDFS.domain)
        node_shapes = set(shapes.subjects(SH.targetSubjectsOf, prop))
        assert any((s, SH["class"], domain) in shapes for s in node_shapes), prop


def test_datatype_and_functional_properties_have_shapes() -> None:
    onto, shapes = load_ontology(), shapes_graph()
    for prop in onto.graph.subjects(RDF.type, OWL.DatatypeProperty):
        range_ = onto.graph.value(prop, RDFS.range)
        assert any((s, SH.datatype, range_) in shapes for s in _property_shapes(shapes, prop)), prop
    for prop in onto.graph.subjects(RDF.type, OWL.FunctionalProperty):
        assert any((s, SH.maxCount, None) in shapes for s in _property_shapes(shapes, prop)), prop


def test_every_required_role_has_a_min_count() -> None:
    onto, shapes = load_ontology(), shapes_graph()
    required = {(c, r) for c, info in onto.classes.items() for r in info.required_roles}
    assert ("FundingRound", "investee") in required
    found = set()
    for cls_shape, cls in shapes.subject_objects(SH.targetClass):
        for shape in shapes.objects(cls_shape, SH.property):
            path = shapes.value(shape, SH.path)
            alternatives = shapes.value(path, SH.alternativePath)
            if alternatives is not None:
                path = next(iter(Collection(shapes, alternatives)))
            if shapes.value(shape, SH.minCount) is not None:
                found.add((str(cls)[len(str(KG)) :], str(path)[len(str(KG)) :]))
    assert found == required


def test_a_property_added_to_the_ontology_gets_shapes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.ontology import ontology_path

    extended = tmp_path / "ontology.ttl"
    extended.write_text(
        ontology_path().read_text(encoding="utf-8")
        + '\nkg:mentors a owl:ObjectProperty ; rdfs:label "mentors"@en ;'
        " rdfs:domain kg:Person ; rdfs:range kg:Person .\n",
        encoding="utf-8",
    )
    monkeypatch.setattr("kg.ontology.ontology_path", lambda: extended)
    onto = load_ontology.__wrapped__()  # not the cached ontology.ttl
    shapes = shapes_graph(onto)
    assert any((s, SH["class"], KG.Person) in shapes for s in _property_shapes(shapes, KG.mentors))
    assert not validate(_graph(VALID + "e:alice kg:mentors e:acme ."), onto).conforms
    assert validate(_graph(VALID + "e:alice kg:mentors e:alice ."), onto).conforms


def test_shapes_are_built_once() -> None:
    assert shapes_graph() is shapes_graph(load_ontology())


def test_every_shape_has_a_message() -> None:
    shapes = shapes_graph()
    constrained = {s for s, p, _ in shapes if p in {SH["class"], SH.datatype, SH.minCount}}
    assert constrained
    assert all(shapes.value(s, SH.message) is not None for s in constrained)


# ---------------------------------------------------------------------------
# kg validate
# ---------------------------------------------------------------------------


def _invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def _assert_user_error(result: Result, *fragments: str) -> None:
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("kg: error: ") and result.stderr.count("\n") == 1
    for fragment in fragments:
        assert fragment in result.stderr


def test_cli_validate_example_graph(example_build: BuildResult, tmp_path: Path) -> None:
    path = write_turtle(example_build.graph, tmp_path / "kg.ttl")
    result = _invoke("validate", path)
    assert result.exit_code == 0, result.output
    assert (result.stdout, result.stderr) == ("conforms\n", "")


def test_cli_validate_non_conforming_graph(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text(PREFIXES + VALID + "e:alice kg:ceoOf e:widget .\n", encoding="utf-8")
    result = _invoke("validate", path)
    assert result.exit_code == 1
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert "kg:ceoOf" in lines[0] and '"Widget X" (kg:Product)' in lines[0]
    assert lines[-1] == "1 violation"


def test_cli_validate_ill_formed_literal_logs_no_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text(PREFIXES + VALID.replace("2024-03-07", "2024-13-07"), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        result = _invoke("validate", path)
    assert result.exit_code == 1
    assert "kg:date" in result.stdout and "xsd:date" in result.stdout
    assert [r for r in caplog.records if r.name.startswith("rdflib")] == []


def test_cli_validate_missing_graph(tmp_path: Path) -> None:
    _assert_user_error(_invoke("validate", tmp_path / "kg.ttl"), "kg.ttl: no such graph file")


def test_cli_validate_unreadable_graph(tmp_path: Path) -> None:
    path = tmp_path / "kg.ttl"
    path.write_text("ceci n'est pas du Turtle", encoding="utf-8")
    _assert_user_error(_invoke("validate", path), "kg.ttl: not a readable RDF graph")


def test_cli_validate_needs_a_graph() -> None:
    _assert_user_error(_invoke("validate"), "GRAPH", "--shapes")


def test_cli_validate_shapes_prints_turtle() -> None:
    result = _invoke("validate", "--shapes")
    assert result.exit_code == 0, result.output
    assert isomorphic(Graph().parse(data=result.stdout, format="turtle"), shapes_graph())
    assert "kgsh:ceoOf-range" in result.stdout


def test_cli_validate_shapes_takes_no_graph(tmp_path: Path) -> None:
    _assert_user_error(_invoke("validate", "--shapes", tmp_path / "kg.ttl"), "--shapes")
