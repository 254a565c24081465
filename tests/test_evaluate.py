"""Tests for kg.evaluate: gold parsing and scoring of hand-built graphs."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from kg.errors import GoldFormatError
from kg.evaluate import (
    EvalReport,
    GoldRow,
    KindScore,
    NaryRow,
    RoleSpec,
    evaluate,
    fold,
    format_report,
    ground,
    load_gold,
)
from kg.ontology import KG, KGR

REAL_GOLD = Path(__file__).parents[2] / "shared" / "eval" / "gold" / "fr-microsoft-mai-openai.tsv"
DOC = KGR["doc/test"]
SENTENCE = KGR["doc/test/sentence/0"]

GOLD = """\
# kind\tsubject\tpredicate\tobject
type\tMicrosoft\tCompany|Organization
type\tOpenAI\tCompany|Organization
type\tSoftBank\tCompany
type\tSatya Nadella\tPerson
rel\tSatya Nadella\tceoOf\tMicrosoft
rel\tMicrosoft\tpartnerOf\tOpenAI

nary\tFundingRound\tinvestee=OpenAI;leadInvestor=SoftBank;amount=8300000000 USD
"""


# ---------------------------------------------------------------------------
# Helpers building graphs shaped like kg's output
# ---------------------------------------------------------------------------


def _node(kind: str, *parts: object) -> URIRef:
    digest = hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:12]
    return KGR[f"{kind}/{digest}"]


def new_graph() -> Graph:
    graph = Graph()
    graph.add((DOC, RDF.type, KG.Document))
    graph.add((SENTENCE, RDF.type, KG.Sentence))
    graph.add((SENTENCE, KG.content, Literal("Une phrase.", lang="fr")))
    graph.add((SENTENCE, KG.inDocument, DOC))
    graph.add((SENTENCE, KG.sentenceIndex, Literal(0)))
    return graph


def entity(graph: Graph, label: str, cls: str, *aliases: str) -> URIRef:
    node = KGR[f"entity/{fold(label).replace(' ', '-')}"]
    graph.add((node, RDF.type, KG[cls]))
    graph.add((node, RDFS.label, Literal(label, lang="fr")))
    for alias in aliases:
        graph.add((node, KG.alias, Literal(alias, lang="fr")))
    graph.add((node, KG.mentionedIn, SENTENCE))
    return node


def _provenance(graph: Graph, node: URIRef, modality: str) -> None:
    graph.add((node, KG.modality, KG[modality]))
    graph.add((node, KG.evidence, SENTENCE))
    graph.add((node, KG.startChar, Literal(0)))
    graph.add((node, KG.endChar, Literal(10)))


def relation(
    graph: Graph, subject: URIRef, predicate: str, obj: URIRef, modality: str = "Asserted"
) -> URIRef:
    """A reified relation; asserted ones are also stated as a plain triple."""
    node = _node("relation", subject, predicate, obj, modality)
    graph.add((node, RDF.type, KG.Relation))
    graph.add((node, RDF.subject, subject))
    graph.add((node, RDF.predicate, KG[predicate]))
    graph.add((node, RDF.object, obj))
    _provenance(graph, node, modality)
    if modality == "Asserted":
        graph.add((subject, KG[predicate], obj))
    return node


def fact(graph: Graph, cls: str, modality: str = "Asserted", **roles: object) -> URIRef:
    """An n-ary fact; entity roles are URIRefs, other values become typed literals."""
    node = _node("fact", cls, modality, sorted(roles.items()))
    graph.add((node, RDF.type, KG[cls]))
    for role, value in roles.items():
        if isinstance(value, URIRef):
            graph.add((node, KG[role], value))
        elif isinstance(value, Decimal):
            graph.add((node, KG[role], Literal(value, datatype=XSD.decimal)))
        elif isinstance(value, int):
            graph.add((node, KG[role], Literal(value, datatype=XSD.integer)))
        else:
            graph.add((node, KG[role], Literal(str(value), lang="fr" if role == "text" else None)))
    _provenance(graph, node, modality)
    return node


def perfect_graph() -> tuple[Graph, dict[str, URIRef]]:
    """A graph holding exactly the facts of ``GOLD``."""
    graph = new_graph()
    e = {
        "Microsoft": entity(graph, "Microsoft", "Company"),
        "OpenAI": entity(graph, "OpenAI", "Company", "Open AI"),
        "SoftBank": entity(graph, "SoftBank", "Company"),
        "Satya Nadella": entity(graph, "Satya Nadella", "Person", "Nadella"),
    }
    relation(graph, e["Satya Nadella"], "ceoOf", e["Microsoft"])
    relation(graph, e["Microsoft"], "partnerOf", e["OpenAI"])
    fact(
        graph,
        "FundingRound",
        investee=e["OpenAI"],
        leadInvestor=e["SoftBank"],
        amount=Decimal("8300000000"),
        currency="USD",
    )
    return graph, e


def write_gold(tmp_path: Path, text: str = GOLD, name: str = "article.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def score(report: EvalReport, kind: str) -> KindScore:
    return next(s for s in report.scores if s.kind == kind)


# ---------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["type", "rel", "nary", "overall"])
def test_evaluate_perfect_graph_scores_one(tmp_path: Path, kind: str) -> None:
    graph, _ = perfect_graph()
    report = evaluate(graph, write_gold(tmp_path))
    result = report.overall if kind == "overall" else score(report, kind)
    assert (result.precision, result.recall, result.f1) == (1.0, 1.0, 1.0)
    assert (report.misses, report.false_positives, report.bad) == ((), (), ())


def test_evaluate_scores_are_in_type_rel_nary_order_and_overall_is_micro(tmp_path: Path) -> None:
    graph, _ = perfect_graph()
    report = evaluate(graph, write_gold(tmp_path))
    assert [s.kind for s in report.scores] == ["type", "rel", "nary"]
    assert report.overall == KindScore(
        "overall", gold=7, system=7, matched_gold=7, matched_system=7
    )


def test_evaluate_missing_relation_is_a_miss(tmp_path: Path) -> None:
    graph, e = perfect_graph()
    graph.remove((e["Satya Nadella"], KG.ceoOf, e["Microsoft"]))
    report = evaluate(graph, write_gold(tmp_path))
    assert "rel  Satya Nadella --ceoOf--> Microsoft" in report.misses
    rel = score(report, "rel")
    assert (rel.recall, rel.precision) == (0.5, 1.0)
    assert report.overall.recall == pytest.approx(6 / 7)


def test_evaluate_extra_entity_is_a_false_positive(tmp_path: Path) -> None:
    graph, _ = perfect_graph()
    entity(graph, "L’équipe", "Organization")
    report = evaluate(graph, write_gold(tmp_path))
    assert report.false_positives == ("type  L’équipe : Organization",)
    types = score(report, "type")
    assert (types.system, types.matched_system, types.recall) == (5, 4, 1.0)
    assert types.precision == pytest.approx(0.8)


def test_evaluate_wrong_type_is_a_miss_and_a_false_positive(tmp_path: Path) -> None:
    graph, e = perfect_graph()
    graph.set((e["Satya Nadella"], RDF.type, KG.Product))
    report = evaluate(graph, write_gold(tmp_path))
    assert report.misses == ("type  Satya Nadella : Person",)
    assert report.false_positives == ("type  Satya Nadella : Product",)
    assert score(report, "type").precision == score(report, "type").recall == 0.75


@pytest.mark.parametrize(
    ("system_class", "gold_classes", "matched"),
    [
        ("Company", "Organization", True),
        ("Company", "Agent", True),
        ("Company", "Company", True),
        ("Organization", "Company", False),
        ("Person", "Organization", False),
        ("Company", "Firm|Company", True),
        ("Company", "Firm", False),
    ],
)
def test_evaluate_type_matches_subclasses(
    tmp_path: Path, system_class: str, gold_classes: str, matched: bool
) -> None:
    graph = new_graph()
    entity(graph, "Sorbel AI", system_class)
    report = evaluate(graph, write_gold(tmp_path, f"type\tSorbel AI\t{gold_classes}\n"))
    assert score(report, "type").matched_gold == int(matched)
    assert bool(report.false_positives) is not matched


@pytest.mark.parametrize(
    ("label", "gold_name"),
    [
        ("L’Oréal", "l'oreal"),
        ("Société  Générale", "SOCIETE GENERALE"),
        ("Open AI", "OpenAI|open ai"),
    ],
)
def test_evaluate_labels_are_folded(tmp_path: Path, label: str, gold_name: str) -> None:
    graph = new_graph()
    entity(graph, label, "Company")
    report = evaluate(graph, write_gold(tmp_path, f"type\t{gold_name}\tCompany\n"))
    assert score(report, "type").f1 == 1.0


def test_evaluate_alias_matches(tmp_path: Path) -> None:
    graph = new_graph()
    entity(graph, "Microsoft Corporation", "Company", "Microsoft")
    report = evaluate(graph, write_gold(tmp_path, "type\tmicrosoft\tCompany\n"))
    assert score(report, "type").f1 == 1.0


@pytest.mark.parametrize("both_directions", [False, True])
def test_evaluate_symmetric_relation_matches_reverse_once(
    tmp_path: Path, both_directions: bool
) -> None:
    graph, e = perfect_graph()
    graph.remove((e["Microsoft"], KG.partnerOf, e["OpenAI"]))
    relation(graph, e["OpenAI"], "partnerOf", e["Microsoft"])
    if both_directions:
        relation(graph, e["Microsoft"], "partnerOf", e["OpenAI"])
    rel = score(evaluate(graph, write_gold(tmp_path)), "rel")
    assert (rel.system, rel.matched_system, rel.matched_gold, rel.gold) == (2, 2, 2, 2)


def test_evaluate_asymmetric_relation_does_not_match_reverse(tmp_path: Path) -> None:
    graph, e = perfect_graph()
    graph.remove((e["Satya Nadella"], KG.ceoOf, e["Microsoft"]))
    graph.add((e["Microsoft"], KG.ceoOf, e["Satya Nadella"]))
    report = evaluate(graph, write_gold(tmp_path))
    assert report.false_positives == ("rel  Microsoft --ceoOf--> Satya Nadella",)
    assert report.misses == ("rel  Satya Nadella --ceoOf--> Microsoft",)


def test_evaluate_ok_rows_are_left_out_of_precision(tmp_path: Path) -> None:
    graph, e = perfect_graph()
    copilot = entity(graph, "Copilot", "Product")
    relation(graph, copilot, "developedBy", e["Microsoft"])
    extra = "ok\tCopilot\ttype\tProduct\nok\tCopilot|Bing\tdevelopedBy|powers\tMicrosoft\n"
    report = evaluate(graph, write_gold(tmp_path, GOLD + extra))
    assert report.false_positives == ()
    assert (score(report, "type").system, score(report, "rel").system) == (4, 2)
    assert report.overall.f1 == 1.0


def test_evaluate_ok_row_does_not_excuse_other_facts(tmp_path: Path) -> None:
    graph, e = perfect_graph()
    copilot = entity(graph, "Copilot", "Product")
    relation(graph, copilot, "powers", e["Microsoft"])
    report = evaluate(graph, write_gold(tmp_path, GOLD + "ok\tCopilot\tdevelopedBy\tMicrosoft\n"))
    assert report.false_positives == (
        "rel  Copilot --powers--> Microsoft",
        "type  Copilot : Product",
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "bad\tSatya Nadella\tceoOf\tOpenAI\twrong company",
            "bad  Satya Nadella --ceoOf--> OpenAI  (wrong company)  found: "
            "rel  Satya Nadella --ceoOf--> OpenAI",
        ),
        (
            "bad\tNadella\tworksFor|ceoOf\t*",
            "bad  Nadella --worksFor|ceoOf--> *  found: rel  Satya Nadella --ceoOf--> Microsoft, "
            "rel  Satya Nadella --ceoOf--> OpenAI",
        ),
        ("bad\tOpenAI\ttype\tPerson", "bad  OpenAI : Person  found: type  OpenAI : Person"),
    ],
)
def test_evaluate_bad_row_present_is_listed(tmp_path: Path, row: str, expected: str) -> None:
    graph, e = perfect_graph()
    relation(graph, e["Satya Nadella"], "ceoOf", e["OpenAI"])
    entity(graph, "OpenAI", "Person")
    report = evaluate(graph, write_gold(tmp_path, GOLD + row + "\n"))
    assert report.bad == (expected,)


def test_evaluate_bad_row_absent_or_hedged_is_not_listed(tmp_path: Path) -> None:
    graph, e = perfect_graph()
    relation(graph, e["Microsoft"], "investsIn", e["OpenAI"], modality="Possible")
    report = evaluate(graph, write_gold(tmp_path, GOLD + "bad\tMicrosoft\tinvestsIn\t*\n"))
    assert report.bad == ()


@pytest.mark.parametrize("modality", ["Possible", "Reported", "Negated"])
def test_evaluate_hedged_relation_is_not_a_rel_fact(tmp_path: Path, modality: str) -> None:
    graph, e = perfect_graph()
    graph.remove((e["Satya Nadella"], KG.ceoOf, e["Microsoft"]))
    relation(graph, e["Satya Nadella"], "ceoOf", e["Microsoft"], modality=modality)
    report = evaluate(graph, write_gold(tmp_path))
    assert score(report, "rel").system == 1
    assert "rel  Satya Nadella --ceoOf--> Microsoft" in report.misses
    assert report.false_positives == ()


# ---------------------------------------------------------------------------
# N-ary facts
# ---------------------------------------------------------------------------


ENTITY_NAMES = ("Microsoft", "OpenAI", "SoftBank", "Mustafa Suleyman")


def nary_matches(
    tmp_path: Path, row: str, cls: str, modality: str = "Asserted", **roles: object
) -> bool:
    """Whether one fact built from ``roles`` (entity names become entities) matches ``row``."""
    graph = new_graph()
    nodes = {
        name: entity(graph, name, "Person" if " " in name else "Company") for name in ENTITY_NAMES
    }
    fact(
        graph,
        cls,
        modality,
        **{r: nodes.get(v, v) if isinstance(v, str) else v for r, v in roles.items()},
    )
    nary = score(evaluate(graph, write_gold(tmp_path, row + "\n")), "nary")
    assert nary.matched_gold == nary.matched_system
    return nary.matched_gold == 1


@pytest.mark.parametrize(
    ("amount", "currency", "matched"),
    [
        (Decimal("8300000000"), "USD", True),
        (Decimal("8300000000.00"), "USD", True),
        (Decimal("8300000000"), "EUR", False),
        (Decimal("8300000"), "USD", False),
        (Decimal("8300000000"), None, False),
    ],
)
def test_evaluate_nary_amount_needs_value_and_currency(
    tmp_path: Path, amount: Decimal, currency: str | None, matched: bool
) -> None:
    row = "nary\tFundingRound\tinvestee=OpenAI;leadInvestor=SoftBank;amount=8300000000 USD"
    roles: dict[str, object] = {"investee": "OpenAI", "leadInvestor": "SoftBank", "amount": amount}
    if currency:
        roles["currency"] = currency
    assert nary_matches(tmp_path, row, "FundingRound", **roles) is matched


@pytest.mark.parametrize(
    ("roles", "matched"),
    [
        ({"percentMin": Decimal(30), "percentMax": Decimal(35)}, True),
        ({"percentMin": Decimal("30.0"), "percentMax": Decimal(35)}, True),
        ({"percentMin": Decimal(30), "percentMax": Decimal(40)}, False),
        ({"percent": Decimal(30)}, False),
    ],
)
def test_evaluate_nary_percent_range(
    tmp_path: Path, roles: dict[str, Decimal], matched: bool
) -> None:
    row = "nary\tStake\tstakeholder=Microsoft;stakeIn=OpenAI;percentMin=30;percentMax=35"
    result = nary_matches(
        tmp_path, row, "Stake", stakeholder="Microsoft", stakeIn="OpenAI", **roles
    )
    assert result is matched


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("Nous avons une EXPERTISE  Interne très forte", True),
        ("Une expérience unique", True),
        ("Une experience unique", True),
        ("Nous achetons de l'expertise externe", False),
    ],
)
def test_evaluate_nary_text_containment_is_folded(tmp_path: Path, text: str, matched: bool) -> None:
    row = "nary\tQuote\tspeaker=Mustafa Suleyman;text~=expertise interne|EXPÉRIENCE unique"
    assert nary_matches(tmp_path, row, "Quote", speaker="Mustafa Suleyman", text=text) is matched


@pytest.mark.parametrize(
    ("row_modality", "system_modality", "matched"),
    [
        (";modality=Possible", "Possible", True),
        (";modality=Possible", "Asserted", False),
        (";modality=Possible", "Reported", False),
        ("", "Asserted", True),
        ("", "Possible", True),
    ],
)
def test_evaluate_nary_modality_required_when_listed(
    tmp_path: Path, row_modality: str, system_modality: str, matched: bool
) -> None:
    row = f"nary\tStake\tstakeholder=Microsoft;stakeIn=OpenAI;percent=30{row_modality}"
    result = nary_matches(
        tmp_path,
        row,
        "Stake",
        system_modality,
        stakeholder="Microsoft",
        stakeIn="OpenAI",
        percent=Decimal(30),
    )
    assert result is matched


@pytest.mark.parametrize(
    ("cls", "roles", "matched"),
    [
        ("Ranking", {"rankedItem": "OpenAI", "leaderboard": "Microsoft", "rank": 13}, True),
        ("Ranking", {"rankedItem": "OpenAI", "leaderboard": "Microsoft", "rank": 12}, False),
        ("Ranking", {"rankedItem": "Microsoft", "leaderboard": "OpenAI", "rank": 13}, False),
        ("Valuation", {"rankedItem": "OpenAI", "leaderboard": "Microsoft", "rank": 13}, False),
    ],
)
def test_evaluate_nary_class_and_entity_roles(
    tmp_path: Path, cls: str, roles: dict[str, object], matched: bool
) -> None:
    row = "nary\tRanking\trankedItem=OpenAI|Open AI;leaderboard=Microsoft;rank=13"
    assert nary_matches(tmp_path, row, cls, **roles) is matched


def test_evaluate_nary_subclass_matches_parent_class(tmp_path: Path) -> None:
    row = "nary\tFinancing\tinvestee=OpenAI;amount=1000 EUR"
    roles = {"investee": "OpenAI", "amount": Decimal(1000), "currency": "EUR"}
    assert nary_matches(tmp_path, row, "Investment", **roles)


def test_evaluate_nary_false_positive_is_readable(tmp_path: Path) -> None:
    graph, e = perfect_graph()
    fact(
        graph,
        "Stake",
        "Possible",
        stakeholder=e["Microsoft"],
        stakeIn=e["OpenAI"],
        percent=Decimal(30),
    )
    fact(graph, "Valuation", valuationOf=e["OpenAI"], amount=Decimal(5), currency="USD")
    report = evaluate(graph, write_gold(tmp_path))
    assert report.false_positives == (
        "nary  Stake stakeholder=Microsoft; stakeIn=OpenAI; percent=30; modality=Possible",
        "nary  Valuation valuationOf=OpenAI; amount=5 USD; modality=Asserted",
    )


# ---------------------------------------------------------------------------
# Gold files and report
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("type\tMicrosoft\tCompany\nrole\tMicrosoft\tCompany\n", 2, "unknown row kind"),
        ("# comment\n\nrel\tMicrosoft\tpartnerOf\n", 3, "expected 4"),
        ("type\tMicrosoft\tCompany\tPerson\n", 1, "expected 3"),
        ("bad\tA\tceoOf\tB\tcomment\textra\n", 1, "expected 4 or 5"),
        ("nary\tStake\tstakeholder=Microsoft;percent\n", 1, "'percent'"),
        ("nary\tStake\tstakeholder=\n", 1, "needs a name and a value"),
        ("type\tMicrosoft|\tCompany\n", 1, "empty alternative"),
        ("rel\tMicrosoft\t\tOpenAI\n", 1, "empty column"),
        ("rel\tMicrosoft\ttype\tCompany\n", 1, "use a type row"),
    ],
)
def test_evaluate_malformed_gold_raises_with_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write_gold(tmp_path, text, name="broken.tsv")
    with pytest.raises(GoldFormatError, match=re.escape(f"broken.tsv:{line}: ")) as caught:
        load_gold(path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_evaluate_missing_gold_file_raises(tmp_path: Path) -> None:
    with pytest.raises(GoldFormatError, match=re.escape("absent.tsv")):
        evaluate(new_graph(), tmp_path / "absent.tsv")


def test_evaluate_parses_rows_and_accepts_parsed_gold(tmp_path: Path) -> None:
    gold = load_gold(write_gold(tmp_path, GOLD + "bad\tSoftBank\tceoOf|worksFor\t*\n"))
    assert gold.types[0] == GoldRow(
        "type", ("Microsoft",), ("type",), ("Company", "Organization"), 2
    )
    assert gold.relations[1] == GoldRow("rel", ("Microsoft",), ("partnerOf",), ("OpenAI",), 7)
    assert gold.nary == (
        NaryRow(
            "FundingRound",
            (
                RoleSpec("investee", "=", "OpenAI"),
                RoleSpec("leadInvestor", "=", "SoftBank"),
                RoleSpec("amount", "=", "8300000000 USD"),
            ),
            9,
        ),
    )
    assert gold.bad == (GoldRow("bad", ("SoftBank",), ("ceoOf", "worksFor"), ("*",), 10),)
    graph, _ = perfect_graph()
    assert evaluate(graph, gold) == evaluate(graph, gold.source)


@pytest.mark.skipif(not REAL_GOLD.is_file(), reason="shared gold files are not available")
def test_evaluate_parses_real_gold_file() -> None:
    gold = load_gold(REAL_GOLD)
    counts = tuple(map(len, (gold.types, gold.relations, gold.nary, gold.ok, gold.bad)))
    assert counts == (21, 15, 5, 10, 3)
    assert gold.types[0] == GoldRow(
        "type", ("Microsoft",), ("type",), ("Company", "Organization"), 4
    )
    assert gold.relations[1] == GoldRow("rel", ("Satya Nadella",), ("ceoOf",), ("Microsoft",), 26)
    assert gold.nary[2] == NaryRow(
        "Stake",
        (
            RoleSpec("stakeholder", "=", "Microsoft"),
            RoleSpec("stakeIn", "=", "OpenAI"),
            RoleSpec("percentMin", "=", "30"),
            RoleSpec("percentMax", "=", "35"),
            RoleSpec("modality", "=", "Possible"),
        ),
        42,
    )
    assert gold.nary[4].roles[1] == RoleSpec("text", "~=", "expertise interne")
    assert gold.ok[4] == GoldRow(
        "ok", ("Copilot",), ("powers", "usesModel"), ("DALL-E 3", "GPT-4 Vision"), 50
    )
    assert gold.bad[0] == GoldRow(
        "bad",
        ("Microsoft",),
        ("ownsStakeIn",),
        ("OpenAI",),
        57,
        "asserted without modality Possible",
    )


def test_evaluate_empty_graph_and_gold_score_zero(tmp_path: Path) -> None:
    report = evaluate(new_graph(), write_gold(tmp_path, "# nothing\n"))
    assert all(
        (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0) for s in (*report.scores, report.overall)
    )


def test_evaluate_format_report_table_and_lists(tmp_path: Path) -> None:
    graph, e = perfect_graph()
    graph.remove((e["Satya Nadella"], KG.ceoOf, e["Microsoft"]))
    entity(graph, "Azure", "Product")
    text = format_report(evaluate(graph, write_gold(tmp_path)))
    lines = text.splitlines()
    assert lines[0].split() == ["kind", "gold", "system", "P", "R", "F1"]
    assert lines[1].split() == ["type", "4", "5", "0.800", "1.000", "0.889"]
    assert lines[2].split() == ["rel", "2", "1", "1.000", "0.500", "0.667"]
    assert len({len(line) for line in lines[:5]}) == 1
    assert "misses:\n  rel  Satya Nadella --ceoOf--> Microsoft" in text
    assert "false positives:\n  type  Azure : Product" in text
    assert "\nbad: none\n\ngrounding:\n  provenance: " in text


def test_evaluate_report_includes_grounding_of_the_graph(tmp_path: Path) -> None:
    graph, _ = perfect_graph()
    report = evaluate(graph, write_gold(tmp_path))
    assert report.grounding == ground(graph)
    # the hand-built sentence has no offsets and does not name the entities
    assert report.grounding.facts == 5  # 2 reified relations, 1 n-ary fact, 2 plain triples
    assert report.grounding.grounded == 0
    assert len(report.grounding.ungrounded_labels) == 6  # 4 labels and 2 aliases
    section = format_report(report).split("\n\n")[-1].splitlines()
    assert section[:2] == ["grounding:", "  provenance: 0/5 facts (0.0 %)"]
    assert "  ungrounded labels:" in section


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("  L’Équipe   Numérique ", "l'equipe numerique"),
        ("ＯｐｅｎＡＩ", "openai"),
        ("Straße", "strasse"),
    ],
)
def test_evaluate_fold(text: str, folded: str) -> None:
    assert fold(text) == folded
