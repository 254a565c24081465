"""The ontology is the contract: complete declarations, and a checker that catches breaches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal
from rdflib.namespace import SKOS

from kg.conformance import violations
from kg.ontology import KG, KGR, load_ontology

ONTO = load_ontology()
KG_SOURCES = sorted((Path(__file__).parents[1] / "kg").rglob("*.py"))


@pytest.mark.parametrize("name", sorted(ONTO.classes))
def test_ontology_class_has_labels_and_definition(name: str) -> None:
    info = ONTO.classes[name]
    assert {"fr", "en"} <= set(info.labels), name
    assert info.definition, name


@pytest.mark.parametrize("name", sorted(ONTO.properties))
def test_ontology_property_has_labels_domain_range(name: str) -> None:
    info = ONTO.properties[name]
    assert {"fr", "en"} <= set(info.labels), name
    assert ONTO.graph.value(KG[name], SKOS.definition), name
    assert info.domain and info.range, name


def test_ontology_declares_every_term_the_code_uses() -> None:
    used = set()
    for path in KG_SOURCES:
        used |= set(re.findall(r"\bKG\.([A-Za-z]+)\b", path.read_text(encoding="utf-8")))
    declared = set(ONTO.classes) | set(ONTO.properties) | set(ONTO.modality_cues)
    annotation = {
        str(term).removeprefix(str(KG))
        for term in ONTO.graph.subjects(RDF.type, OWL.AnnotationProperty)
    }
    assert used - declared - annotation == set()


def test_ontology_core_vocabulary_of_the_gold_files_is_declared() -> None:
    core_classes = {
        "Organization",
        "Company",
        "Person",
        "Place",
        "AIModel",
        "Product",
        "Hardware",
        "FundingRound",
        "Investment",
        "Valuation",
        "Stake",
        "Ranking",
        "Quote",
    }
    core_properties = {
        "ceoOf",
        "worksFor",
        "founderOf",
        "subOrganizationOf",
        "developedBy",
        "partnerOf",
        "negotiatesWith",
        "investsIn",
        "acquired",
        "powers",
        "usesHardware",
        "rankedAbove",
        "rankedBelow",
        "investee",
        "investor",
        "leadInvestor",
        "amount",
        "valuationOf",
        "stakeholder",
        "stakeIn",
        "percent",
        "percentMin",
        "percentMax",
        "rankedItem",
        "leaderboard",
        "rank",
        "speaker",
        "text",
        "date",
        "modality",
    }
    assert core_classes <= set(ONTO.classes)
    assert core_properties <= set(ONTO.properties)


def _small_graph() -> Graph:
    g = Graph()
    person, org, product = KGR["entity/ada"], KGR["entity/acme"], KGR["entity/widget"]
    g.add((person, RDF.type, KG.Person))
    g.add((org, RDF.type, KG.Company))
    g.add((product, RDF.type, KG.Product))
    for node, label in ((person, "Ada"), (org, "Acme"), (product, "Widget")):
        g.add((node, RDFS.label, Literal(label, lang="fr")))
    return g


def test_ontology_conforming_graph_has_no_violation() -> None:
    g = _small_graph()
    g.add((KGR["entity/ada"], KG.ceoOf, KGR["entity/acme"]))
    g.add((KGR["entity/widget"], KG.developedBy, KGR["entity/acme"]))
    assert violations(g) == []


@pytest.mark.parametrize(
    ("triple", "message"),
    [
        ((KGR["entity/ada"], KG.ceoOf, KGR["entity/widget"]), "object is not a"),
        ((KGR["entity/widget"], KG.ceoOf, KGR["entity/acme"]), "subject is not a"),
        ((KGR["entity/ada"], KG.bossOf, KGR["entity/acme"]), "undeclared property"),
        ((KGR["entity/ada"], RDF.type, KG.Wizard), "undeclared class"),
        ((KGR["entity/ada"], KG.alias, Literal("Ada L.")), "value is not a"),
    ],
)
def test_ontology_violations_are_reported(triple: tuple, message: str) -> None:
    g = _small_graph()
    g.add(triple)
    problems = violations(g)
    assert len(problems) == 1 and message in problems[0], problems
