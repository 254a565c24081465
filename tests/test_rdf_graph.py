"""RDF output and its networkx view, from a hand-made extraction."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from kg.conformance import violations
from kg.graph import to_networkx
from kg.model import Document, Entity, Evidence, Extraction, Fact, Mention, Relation, Sentence
from kg.ontology import KG
from kg.rdf import entity_iri, to_rdf, to_turtle

TEXT = "Claire Martin, PDG de Nexaria, l'a dit. Borealis pourrait détenir 20 % de Nexaria."


def _extraction() -> Extraction:
    m = [
        Mention(0, 13, "Claire Martin", 0),
        Mention(22, 29, "Nexaria", 0),
        Mention(40, 48, "Borealis", 1),
        Mention(75, 82, "Nexaria", 1),
    ]
    return Extraction(
        document=Document(doc_id="doc-1", text=TEXT, source="doc-1.txt"),
        sentences=(Sentence(0, 0, 39, TEXT[:39]), Sentence(1, 40, 83, TEXT[40:83])),
        entities=(
            Entity("clairemartin", "Claire Martin", "Person", mentions=(m[0],)),
            Entity("nexaria", "Nexaria", "Company", mentions=(m[1], m[3])),
            Entity("borealis", "Borealis", "Company", aliases=("Borealis SA",), mentions=(m[2],)),
        ),
        relations=(
            Relation("clairemartin", "ceoOf", "nexaria", Evidence(0, 15, 29)),
            Relation("borealis", "partnerOf", "nexaria", Evidence(1, 40, 82), "Possible"),
        ),
        facts=(
            Fact(
                "Stake",
                (("stakeholder", "borealis"), ("stakeIn", "nexaria")),
                (("percent", Decimal(20)),),
                Evidence(1, 40, 82),
                "Possible",
            ),
        ),
    )


def test_rdf_asserted_relation_is_a_triple_and_hedged_one_is_not() -> None:
    g = to_rdf([_extraction()])
    assert (entity_iri("clairemartin"), KG.ceoOf, entity_iri("nexaria")) in g
    assert (entity_iri("borealis"), KG.partnerOf, entity_iri("nexaria")) not in g
    hedged = list(g.subjects(RDF.predicate, KG.partnerOf))
    assert len(hedged) == 1 and g.value(hedged[0], KG.modality) == KG.Possible


def test_rdf_provenance_answers_which_sentence_says_it() -> None:
    g = to_rdf([_extraction()])
    rows = list(
        g.query(
            """SELECT ?text ?start ?end WHERE {
             ?r rdf:subject ?s ; rdf:predicate kg:ceoOf ; kg:evidence ?sentence ;
                kg:startChar ?start ; kg:endChar ?end .
             ?sentence kg:content ?text }""",
            initNs={"kg": KG, "rdf": RDF},
        )
    )
    assert [(str(t), int(s), int(e)) for t, s, e in rows] == [(TEXT[:39], 15, 29)]
    assert TEXT[15:29] == "PDG de Nexaria"


def test_rdf_literals_are_typed_and_labels_tagged() -> None:
    g = to_rdf([_extraction()])
    (fact,) = g.subjects(RDF.type, KG.Stake)
    assert g.value(fact, KG.percent) == Literal("20.0", datatype=XSD.decimal)
    assert g.value(entity_iri("nexaria"), RDFS.label) == Literal("Nexaria", lang="fr")
    assert g.value(entity_iri("borealis"), KG.alias) == Literal("Borealis SA", lang="fr")
    assert violations(g) == []


def test_rdf_facts_told_by_one_span_with_other_values_are_two_nodes() -> None:
    # "détient 20 % de Nexaria, contre 12 % l'an dernier": one span, two stakes
    x = _extraction()
    earlier = dataclasses.replace(x.facts[0], values=(("percent", Decimal(12)),))
    g = to_rdf([dataclasses.replace(x, facts=(*x.facts, earlier))])
    percents = sorted(float(g.value(f, KG.percent)) for f in g.subjects(RDF.type, KG.Stake))
    assert percents == [12.0, 20.0]


def test_rdf_turtle_round_trips_isomorphically() -> None:
    g = to_rdf([_extraction()])
    again = Graph().parse(data=to_turtle(g), format="turtle")
    assert to_turtle(again) == to_turtle(g)


@given(st.text(min_size=1, max_size=30))
def test_rdf_entity_iri_is_valid_for_any_label(label: str) -> None:
    from kg.resolve import entity_key

    iri = entity_iri(entity_key(label))
    g = Graph()
    g.add((iri, RDFS.label, Literal(label)))
    parsed = Graph().parse(data=g.serialize(format="nt"), format="nt")
    assert set(parsed.subjects()) == {URIRef(iri)}
    assert all(c not in str(iri) for c in ' <>"{}|\\^`')


def test_graph_entities_are_nodes_and_literals_are_attributes() -> None:
    nxg = to_networkx(to_rdf([_extraction()]))
    nexaria = str(entity_iri("nexaria"))
    assert {a["kind"] for _, a in nxg.nodes(data=True)} == {"entity", "fact"}
    assert all(not n.startswith(("http://www.w3.org", "20")) for n in nxg.nodes)
    stake = next(n for n, a in nxg.nodes(data=True) if a["cls"] == "Stake")
    assert nxg.nodes[stake]["values"] == {"percent": "20.0"}
    assert nxg.nodes[stake]["modality"] == "Possible"
    assert set(nxg[stake][nexaria]) == {"stakeIn"}
    ceo = nxg[str(entity_iri("clairemartin"))][nexaria]["ceoOf"]
    assert ceo["modality"] == "Asserted" and ceo["label"] == "dirige"
    assert ceo["evidence"][0]["sentence"] == TEXT[:39]
    partner = nxg[str(entity_iri("borealis"))][nexaria]["partnerOf"]
    assert partner["modality"] == "Possible"
