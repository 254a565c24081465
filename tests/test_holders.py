"""One fact per held quantity: the ranks a ranking article gives several items in a sentence."""

from __future__ import annotations

import pytest

from kg.extract.relations import chained_relations, ordered_relations
from kg.model import Evidence, Fact
from kg.ontology import load_ontology
from tests.test_rules import _parsed


def _ranks(text: str) -> set[tuple[str | None, str | None, object]]:
    x = _parsed(text)
    return {
        (f.role("rankedItem"), f.role("leaderboard"), f.value("rank"))
        for f in x.facts
        if f.cls == "Ranking"
    }


def test_holders_every_item_of_a_sentence_gets_its_rank(nlp: object) -> None:
    # a relative clause, a fronted rank and a place phrase after a description
    assert _ranks(
        "Le palmarès Orbis 50, publié ce mardi par le cabinet Vantor, classe les éditeurs de "
        "logiciels. Kelvane arrive en tête du palmarès et devance Brindel, qui recule à la 2e "
        "place. Troisième, Nexaria pointe juste derrière Brindel, tandis que la jeune pousse "
        "Orvane fait son entrée au 9e rang."
    ) == {
        ("kelvane", "orbis50", 1),
        ("brindel", "orbis50", 2),
        ("nexaria", "orbis50", 3),
        ("orvane", "orbis50", 9),
    }


def test_holders_ranks_listed_respectively_go_to_the_names_listed_before(nlp: object) -> None:
    assert _ranks(
        "Dans le classement Talos, Kelvane arrive premier, devant Orvane et Tolvane, "
        "respectivement deuxième et troisième."
    ) == {("kelvane", "talos", 1), ("orvane", "talos", 2), ("tolvane", "talos", 3)}


def test_holders_the_item_ranked_is_the_artefact_not_its_maker(nlp: object) -> None:
    # "X de Y, désormais deuxième": the apposition ranks X; "(3e)" ranks the name before it
    assert _ranks(
        "Dans la dernière édition du classement Lumen Arena, Kora-3 de Tolvane est premier. "
        "Il devance Brax-V du californien Semira, désormais deuxième, et Vela-2 de Kiora (3e)."
    ) == {("kora3", "lumenarena", 1), ("braxv", "lumenarena", 2), ("vela2", "lumenarena", 3)}


def test_holders_a_leaderboard_that_ranks_is_no_item(nlp: object) -> None:
    assert _ranks(
        "Publié ce mardi, le Orbis 50, le classement des éditeurs français, place le "
        "toulousain Kelvane au quatrième rang."
    ) == {("kelvane", "orbis50", 4)}


@pytest.mark.parametrize(
    "sentence",
    [
        "La start-up a signé son premier client en mars.",  # an ordinal qualifying a noun
        "Son modèle répond en moins d'une seconde.",  # "seconde", a noun
    ],
)
def test_holders_an_ordinal_that_ranks_nothing_gives_no_fact(nlp: object, sentence: str) -> None:
    ranks = _ranks(f"Kelvane se classe troisième du palmarès Orbis 50. {sentence}")
    assert ranks == {("kelvane", "orbis50", 3)}


def _rank(item: str, board: str | None, rank: int, start: int) -> Fact:
    roles = (("rankedItem", item),) + ((("leaderboard", board),) if board else ())
    return Fact(
        cls="Ranking",
        roles=roles,
        values=(("rank", rank),),
        evidence=Evidence(sentence=start, start=start, end=start + 1),
        modality="Asserted",
    )


def test_holders_each_item_is_ranked_above_the_next_on_its_leaderboard() -> None:
    onto = load_ontology("fr")
    facts = [
        _rank("brindel", "orbis", 3, 0),
        _rank("kelvane", "orbis", 1, 1),
        _rank("nexaria", "orbis", 2, 2),
        _rank("orvane", "orbis", 2, 3),  # tied with nexaria
        _rank("kora", "lumen", 5, 4),  # another leaderboard
        _rank("tolvane", None, 4, 5),  # no leaderboard: no order
    ]
    relations = ordered_relations(facts, onto)
    assert {(r.subject, r.predicate, r.object) for r in relations} == {
        ("kelvane", "rankedAbove", "nexaria"),
        ("kelvane", "rankedAbove", "orvane"),
        ("nexaria", "rankedAbove", "brindel"),
        ("orvane", "rankedAbove", "brindel"),
    }
    # the evidence is that of the fact told later, where the text has given both ranks
    first = next(r for r in relations if r.subject == "kelvane")
    assert first.evidence.sentence == 2


def test_holders_a_place_given_to_an_item_and_makers_named_by_a_participle(nlp: object) -> None:
    # "la première place revient à X"; "Y, conçu par Z, deuxième": Y, not its maker Z;
    # "de seconde main" is no rank
    assert _ranks(
        "Le cabinet Vantor a publié ce mardi son palmarès Orbis 50. La première place revient "
        "à Kelvane, qui devance Brax-V, conçu par Semira, deuxième. Sixième, la plateforme de "
        "seconde main Orvane recule."
    ) == {("kelvane", "orbis50", 1), ("braxv", "orbis50", 2), ("orvane", "orbis50", 6)}


def test_holders_an_item_of_unknown_kind_takes_the_kind_of_the_others(nlp: object) -> None:
    # "Zephir Ultra" says nothing of itself; "se classe quatrième" ranks the name before it
    x = _parsed(
        "Dans la dernière édition du classement Lumen Arena, le modèle Kora-3 est premier. Il "
        "devance Vela-2, deuxième, et Brax-4, troisième, tandis que Zephir Ultra se classe "
        "quatrième."
    )
    ranks = {(f.role("rankedItem"), f.value("rank")) for f in x.facts if f.cls == "Ranking"}
    assert ranks == {("kora3", 1), ("vela2", 2), ("brax4", 3), ("zephirultra", 4)}
    assert {e.key: e.cls for e in x.entities}["zephirultra"] == "AIModel"


def test_holders_an_organisation_holding_a_stake_invested_in_it() -> None:
    # kg:factChain on kg:investsIn, restricted to organisations: a founder's shares are not
    stakes = [
        Fact(
            cls="Stake",
            roles=(("stakeholder", holder), ("stakeIn", "kelvane")),
            values=(("percent", 20),),
            evidence=Evidence(sentence=0, start=0, end=10),
            modality="Asserted",
        )
        for holder in ("orvanecapital", "paulvidrac")
    ]
    classes = {"orvanecapital": "Organization", "paulvidrac": "Person", "kelvane": "Company"}
    relations = chained_relations(stakes, load_ontology("fr"), classes)
    assert [(r.subject, r.predicate, r.object) for r in relations] == [
        ("orvanecapital", "investsIn", "kelvane")
    ]
