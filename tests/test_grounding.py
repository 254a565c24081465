"""Tests for kg.evaluate.ground: provenance, labels, numbers and quotes, from the graph alone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from kg.evaluate import GroundingReport, format_grounding, ground
from kg.ontology import KG, KGR
from kg.pipeline import BuildResult

DOC = KGR["doc/article"]

NADELLA = "Satya Nadella, PDG de Microsoft, salue l’accord avec OpenAI."
FUNDING = "OpenAI a levé 8,3 milliards de dollars lors d’un tour mené par SoftBank."
STAKE = "Microsoft pourrait posséder entre 30 et 35 % d’OpenAI."
QUOTE = "Mustafa Suleyman a déclaré : « Nous devons disposer de l’expertise interne »."


class Article:
    """A graph shaped like kg's output: sentences with document offsets, entities, facts."""

    def __init__(self, *sentences: str, first: int = 120) -> None:
        self.graph = Graph()
        self.graph.add((DOC, RDF.type, KG.Document))
        self.graph.add((DOC, RDFS.label, Literal("article")))
        self.texts = list(sentences)
        self.starts: list[int] = []
        self.counter = 0
        offset = first
        for index, text in enumerate(sentences):
            node = self.sentence(index)
            self.graph.add((node, RDF.type, KG.Sentence))
            self.graph.add((node, KG.inDocument, DOC))
            self.graph.add((node, KG.sentenceIndex, Literal(index)))
            self.graph.add((node, KG.startChar, Literal(offset)))
            self.graph.add((node, KG.endChar, Literal(offset + len(text))))
            self.graph.add((node, KG.content, Literal(text, lang="fr")))
            self.starts.append(offset)
            offset += len(text) + 1

    @staticmethod
    def sentence(index: int) -> URIRef:
        return KGR[f"doc/article/sentence/{index}"]

    def entity(self, label: str, cls: str, *aliases: str, sentences: tuple[int, ...]) -> URIRef:
        node = KGR["entity/" + label.replace(" ", "").lower()]
        self.graph.add((node, RDF.type, KG[cls]))
        self.graph.add((node, RDFS.label, Literal(label, lang="fr")))
        for alias in aliases:
            self.graph.add((node, KG.alias, Literal(alias, lang="fr")))
        for index in sentences:
            self.graph.add((node, KG.mentionedIn, self.sentence(index)))
        return node

    def evidence(self, node: URIRef, index: int, part: str) -> None:
        """``node`` comes from ``part`` of sentence ``index`` (document offsets)."""
        start = self.starts[index] + self.texts[index].index(part)
        self.graph.add((node, KG.evidence, self.sentence(index)))
        self.graph.add((node, KG.startChar, Literal(start, datatype=XSD.integer)))
        self.graph.add((node, KG.endChar, Literal(start + len(part), datatype=XSD.integer)))
        self.graph.add((node, KG.modality, KG.Asserted))

    def relation(
        self, s: URIRef, predicate: str, o: URIRef, index: int, part: str, *, plain: bool = True
    ) -> URIRef:
        self.counter += 1
        node = KGR[f"relation/{self.counter}"]
        self.graph.add((node, RDF.type, KG.Relation))
        self.graph.add((node, RDF.subject, s))
        self.graph.add((node, RDF.predicate, KG[predicate]))
        self.graph.add((node, RDF.object, o))
        self.evidence(node, index, part)
        if plain:
            self.graph.add((s, KG[predicate], o))
        return node

    def fact(self, cls: str, index: int, part: str, **roles: object) -> URIRef:
        self.counter += 1
        node = KGR[f"fact/{self.counter}"]
        self.graph.add((node, RDF.type, KG[cls]))
        self.graph.add((node, RDFS.label, Literal(f"{cls.lower()} {self.counter}", lang="fr")))
        for role, value in roles.items():
            if isinstance(value, URIRef):
                self.graph.add((node, KG[role], value))
            elif isinstance(value, Decimal):
                self.graph.add((node, KG[role], Literal(value, datatype=XSD.decimal)))
            elif isinstance(value, int):
                self.graph.add((node, KG[role], Literal(value, datatype=XSD.integer)))
            elif role == "text":
                self.graph.add((node, KG[role], Literal(str(value), lang="fr")))
            else:
                self.graph.add((node, KG[role], Literal(str(value), datatype=XSD.string)))
        self.evidence(node, index, part)
        return node


def grounded_article() -> tuple[Article, dict[str, URIRef]]:
    """Every fact, name, number and quote of this graph is in its source text."""
    a = Article(NADELLA, FUNDING, STAKE, QUOTE)
    e = {
        "nadella": a.entity("Satya Nadella", "Person", "Nadella", sentences=(0,)),
        "microsoft": a.entity("Microsoft", "Company", sentences=(0, 2)),
        "openai": a.entity("OpenAI", "Company", sentences=(0, 1, 2)),
        "softbank": a.entity("SoftBank", "Company", sentences=(1,)),
        "suleyman": a.entity("Mustafa Suleyman", "Person", sentences=(3,)),
    }
    a.relation(e["nadella"], "ceoOf", e["microsoft"], 0, "Satya Nadella, PDG de Microsoft")
    a.relation(e["microsoft"], "partnerOf", e["openai"], 0, "Microsoft, salue l’accord avec OpenAI")
    a.fact(
        "FundingRound",
        1,
        "OpenAI a levé 8,3 milliards de dollars lors d’un tour mené par SoftBank",
        investee=e["openai"],
        leadInvestor=e["softbank"],
        amount=Decimal("8300000000.0"),
        currency="USD",
    )
    a.fact(
        "Stake",
        2,
        "Microsoft pourrait posséder entre 30 et 35 % d’OpenAI",
        stakeholder=e["microsoft"],
        stakeIn=e["openai"],
        percentMin=Decimal(30),
        percentMax=Decimal(35),
    )
    a.fact(
        "Quote",
        3,
        "déclaré : « Nous devons disposer de l’expertise interne »",
        speaker=e["suleyman"],
        text="Nous devons disposer de l'expertise interne",
    )
    return a, e


def one_fact(
    sentence: str, part: str, cls: str = "FundingRound", **values: object
) -> GroundingReport:
    """The grounding of a graph holding one fact with ``values`` from ``part`` of ``sentence``."""
    a = Article(sentence)
    openai = a.entity("OpenAI", "Company", sentences=(0,))
    role = {"FundingRound": "investee", "Stake": "stakeIn", "Ranking": "rankedItem"}[cls]
    a.fact(cls, 0, part, **{role: openai}, **values)
    return ground(a.graph)


# ---------------------------------------------------------------------------
# Provenance
# ---------------------------------------------------------------------------


def test_ground_fully_grounded_graph_is_complete() -> None:
    a, _ = grounded_article()
    report = ground(a.graph)
    # 2 reified relations + 3 n-ary facts + 2 plain triples
    assert (report.facts, report.grounded, report.share) == (7, 7, 1.0)
    assert report.ungrounded_facts == ()
    assert report.ungrounded_labels == ()
    assert report.ungrounded_numbers == ()
    assert report.ungrounded_quotes == ()
    assert report.ok


def test_ground_empty_graph_has_nothing_ungrounded() -> None:
    report = ground(Graph())
    assert (report.facts, report.grounded, report.share, report.ok) == (0, 0, 1.0, True)


def _funding_node(graph: Graph) -> URIRef:
    node = next(graph.subjects(RDF.type, KG.FundingRound))
    assert isinstance(node, URIRef)
    return node


def test_ground_fact_without_evidence_lowers_the_share() -> None:
    a, _ = grounded_article()
    a.graph.remove((_funding_node(a.graph), KG.evidence, None))
    report = ground(a.graph)
    assert (report.facts, report.grounded) == (7, 6)
    assert report.share == pytest.approx(6 / 7)
    assert report.ungrounded_facts == ("FundingRound  fundinground 3: no evidence",)
    assert not report.ok


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("content", "evidence sentence without text"),
        ("sentence offsets", "evidence sentence without offsets"),
        ("fact offsets", "no span offsets"),
        ("outside", "span outside its evidence sentence"),
    ],
)
def test_ground_incomplete_provenance_is_not_provenance(damage: str, reason: str) -> None:
    a, _ = grounded_article()
    g, fact = a.graph, _funding_node(a.graph)
    sentence = Article.sentence(1)
    if damage == "content":
        g.remove((sentence, KG.content, None))
    elif damage == "sentence offsets":
        g.remove((sentence, KG.startChar, None))
    elif damage == "fact offsets":
        g.remove((fact, KG.endChar, None))
    else:
        g.set((fact, KG.endChar, Literal(a.starts[1] + len(FUNDING) + 5, datatype=XSD.integer)))
    report = ground(g)
    assert report.grounded < report.facts
    assert f"FundingRound  fundinground 3: {reason}" in report.ungrounded_facts


def test_ground_plain_triple_without_reified_statement_is_ungrounded() -> None:
    a, e = grounded_article()
    a.graph.add((e["softbank"], KG.investsIn, e["openai"]))
    report = ground(a.graph)
    assert (report.facts, report.grounded) == (8, 7)
    assert report.ungrounded_facts == (
        "triple  SoftBank --investsIn--> OpenAI: no reified kg:Relation with evidence",
    )


def test_ground_plain_triple_needs_a_reified_relation_with_evidence() -> None:
    a = Article(NADELLA)
    nadella = a.entity("Satya Nadella", "Person", sentences=(0,))
    microsoft = a.entity("Microsoft", "Company", sentences=(0,))
    node = a.relation(nadella, "ceoOf", microsoft, 0, "Satya Nadella, PDG de Microsoft")
    a.graph.remove((node, KG.evidence, None))
    report = ground(a.graph)
    assert (report.facts, report.grounded) == (2, 0)
    assert report.ungrounded_facts == (
        "relation  Satya Nadella --ceoOf--> Microsoft: no evidence",
        "triple  Satya Nadella --ceoOf--> Microsoft: no reified kg:Relation with evidence",
    )


def test_ground_hedged_relation_without_plain_triple_is_grounded() -> None:
    a = Article(STAKE)
    microsoft = a.entity("Microsoft", "Company", sentences=(0,))
    openai = a.entity("OpenAI", "Company", sentences=(0,))
    a.relation(microsoft, "investsIn", openai, 0, "Microsoft pourrait posséder", plain=False)
    report = ground(a.graph)
    assert (report.facts, report.grounded) == (1, 1)


@pytest.mark.parametrize(("predicate", "grounded"), [("partnerOf", True), ("ceoOf", False)])
def test_ground_reverse_triple_is_grounded_only_for_symmetric_property(
    predicate: str, grounded: bool
) -> None:
    a = Article(NADELLA)
    microsoft = a.entity("Microsoft", "Company", sentences=(0,))
    openai = a.entity("OpenAI", "Company", sentences=(0,))
    a.relation(microsoft, predicate, openai, 0, "Microsoft, salue l’accord avec OpenAI")
    a.graph.add((openai, KG[predicate], microsoft))
    report = ground(a.graph)
    assert report.facts == 3
    assert (report.grounded == 3) is grounded


# ---------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------


def test_ground_label_absent_from_its_sentence_is_listed() -> None:
    a, _ = grounded_article()
    a.entity("Google", "Company", sentences=(0,))
    report = ground(a.graph)
    assert report.ungrounded_labels == (
        f'Google (Company): label "Google" not in sentence article#0 «{NADELLA}»',
    )
    assert report.share == 1.0
    assert not report.ok


def test_ground_alias_absent_from_every_sentence_is_listed() -> None:
    a, e = grounded_article()
    a.graph.add((e["openai"], KG.alias, Literal("Open AI Inc.", lang="fr")))
    (line,) = ground(a.graph).ungrounded_labels
    assert line == (
        'OpenAI (Company): alias "Open AI Inc." not in any of its 3 sentences '
        "(article#0, article#1, article#2)"
    )


def test_ground_label_in_another_sentence_than_its_mentions_is_listed() -> None:
    a, e = grounded_article()
    a.graph.remove((e["softbank"], KG.mentionedIn, None))
    a.graph.add((e["softbank"], KG.mentionedIn, Article.sentence(0)))
    assert ground(a.graph).ungrounded_labels == (
        f'SoftBank (Company): label "SoftBank" not in sentence article#0 «{NADELLA}»',
    )


def test_ground_entity_mentioned_nowhere_is_listed() -> None:
    a, _ = grounded_article()
    a.entity("Tolvane", "Company", sentences=())
    assert ground(a.graph).ungrounded_labels == (
        'Tolvane (Company): label "Tolvane" mentioned in no sentence',
    )


def test_ground_labels_are_compared_after_folding() -> None:
    a = Article("L’ORÉAL et la SOCIÉTÉ   GÉNÉRALE signent.")
    a.entity("L'Oréal", "Company", sentences=(0,))
    a.entity("Société Générale", "Company", "societe generale", sentences=(0,))
    assert ground(a.graph).ungrounded_labels == ()


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------

USD_8_3_BN = {"amount": Decimal("8300000000.0"), "currency": "USD"}


def test_ground_amount_read_again_from_its_span_is_grounded() -> None:
    report = one_fact(FUNDING, "OpenAI a levé 8,3 milliards de dollars", **USD_8_3_BN)
    assert report.ungrounded_numbers == ()
    assert report.ok


def test_ground_amount_not_in_its_span_is_listed() -> None:
    sentence = "OpenAI a levé 9 milliards de dollars lors d’un tour mené par SoftBank."
    report = one_fact(sentence, "OpenAI a levé 9 milliards", **USD_8_3_BN)
    assert report.ungrounded_numbers == (
        "FundingRound  fundinground 1: amount 8300000000 USD not in «OpenAI a levé 9 milliards»",
    )


@pytest.mark.parametrize(
    ("values", "listed"),
    [
        ({"amount": Decimal(8300000000), "currency": "USD"}, False),
        ({"amount": Decimal(8300000000), "currency": "EUR"}, True),
        ({"amount": Decimal(830000000), "currency": "USD"}, True),
    ],
)
def test_ground_amount_needs_equal_value_and_currency(
    values: dict[str, object], listed: bool
) -> None:
    report = one_fact(FUNDING, "OpenAI a levé 8,3 milliards de dollars", **values)
    assert bool(report.ungrounded_numbers) is listed


def test_ground_number_outside_the_fact_span_is_listed() -> None:
    report = one_fact(FUNDING, "lors d’un tour mené par SoftBank", **USD_8_3_BN)
    assert len(report.ungrounded_numbers) == 1
    assert "not in «lors d’un tour mené par SoftBank»" in report.ungrounded_numbers[0]


def test_ground_number_falls_back_to_the_sentence_without_span_offsets() -> None:
    a = Article(FUNDING)
    openai = a.entity("OpenAI", "Company", sentences=(0,))
    node = a.fact("FundingRound", 0, "OpenAI a levé", investee=openai, **USD_8_3_BN)
    a.graph.remove((node, KG.startChar, None))
    a.graph.remove((node, KG.endChar, None))
    report = ground(a.graph)
    assert report.ungrounded_numbers == ()
    assert report.ungrounded_facts == ("FundingRound  fundinground 1: no span offsets",)


@pytest.mark.parametrize(
    ("values", "listed"),
    [
        ({"percentMin": Decimal(30), "percentMax": Decimal(35)}, ()),
        ({"percentMin": Decimal("30.0"), "percentMax": Decimal("35.00")}, ()),
        ({"percentMin": Decimal(30), "percentMax": Decimal(40)}, ("percent 30-40",)),
        ({"percentMin": Decimal(35), "percentMax": Decimal(30)}, ("percent 35-30",)),
        ({"percent": Decimal(30)}, ("percent 30",)),
        ({"percentMin": Decimal(30)}, ()),
        ({"percentMax": Decimal(31)}, ("percentMax 31",)),
    ],
)
def test_ground_percent_range(values: dict[str, object], listed: tuple[str, ...]) -> None:
    report = one_fact(STAKE, "posséder entre 30 et 35 % d’OpenAI", "Stake", **values)
    assert report.ungrounded_numbers == tuple(
        f"Stake  stake 1: {value} not in «posséder entre 30 et 35 % d’OpenAI»" for value in listed
    )


@pytest.mark.parametrize(("percent", "listed"), [(Decimal("12.5"), False), (Decimal(12), True)])
def test_ground_single_percent(percent: Decimal, listed: bool) -> None:
    sentence = "Microsoft détient 12,5 % d’OpenAI."
    report = one_fact(sentence, "détient 12,5 % d’OpenAI", "Stake", percent=percent)
    assert bool(report.ungrounded_numbers) is listed


@pytest.mark.parametrize(
    ("sentence", "rank", "listed"),
    [
        ("LMArena a classé OpenAI treizième.", 13, False),
        ("LMArena a classé OpenAI 13e.", 13, False),
        ("LMArena a classé OpenAI treizième.", 12, True),
    ],
)
def test_ground_rank(sentence: str, rank: int, listed: bool) -> None:
    report = one_fact(sentence, sentence.rstrip("."), "Ranking", rank=rank)
    assert bool(report.ungrounded_numbers) is listed


# ---------------------------------------------------------------------------
# Quotes and report
# ---------------------------------------------------------------------------


def test_ground_quote_not_in_its_sentence_is_listed() -> None:
    a, _ = grounded_article()
    quote = next(a.graph.subjects(RDF.type, KG.Quote))
    a.graph.set((quote, KG.text, Literal("Nous achetons de l’expertise externe", lang="fr")))
    report = ground(a.graph)
    assert report.ungrounded_quotes == (
        "Quote  quote 5: text «Nous achetons de l’expertise externe» not in sentence article#3 "
        f"«{QUOTE[:59]}…»",
    )
    assert not report.ok


def test_format_grounding_lists_what_is_ungrounded() -> None:
    a, e = grounded_article()
    assert format_grounding(ground(a.graph)).splitlines() == [
        "grounding:",
        "  provenance: 7/7 facts (100.0 %)",
        "  ungrounded labels: none",
        "  ungrounded numbers: none",
        "  ungrounded quotes: none",
    ]
    a.graph.add((e["softbank"], KG.investsIn, e["openai"]))
    a.entity("Google", "Company", sentences=(1,))
    assert format_grounding(ground(a.graph)).splitlines()[:5] == [
        "grounding:",
        "  provenance: 7/8 facts (87.5 %)",
        "    triple  SoftBank --investsIn--> OpenAI: no reified kg:Relation with evidence",
        "  ungrounded labels:",
        f'    Google (Company): label "Google" not in sentence article#1 «{FUNDING[:59]}…»',
    ]


# ---------------------------------------------------------------------------
# The reference article
# ---------------------------------------------------------------------------


def test_ground_example_article_is_fully_grounded(example_build: BuildResult) -> None:
    report = ground(example_build.graph)
    assert report.facts > 0
    assert report.share == 1.0, format_grounding(report)
    assert report.ungrounded_labels == (), format_grounding(report)
    assert report.ungrounded_numbers == (), format_grounding(report)
    assert report.ungrounded_quotes == (), format_grounding(report)
