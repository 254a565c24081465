from __future__ import annotations

import dataclasses

import pytest

from kg.lexicon import load_lexicon
from kg.model import Mention
from kg.ontology import load_ontology
from kg.resolve import decide_class, entity_key, finalize_entities, resolve_mentions

ONTO, LEX = load_ontology(), load_lexicon()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("KelvaneAI", "Kelvane AI"),
        ("KelvaneAI", "KelvaneAI Inc."),
        ("Société Générale", "SOCIETE GENERALE"),
    ],
)
def test_resolve_entity_key_merges_spellings(a: str, b: str) -> None:
    assert entity_key(a, LEX) == entity_key(b, LEX)


@pytest.mark.parametrize(("a", "b"), [("Kelvane", "Kelvane AI"), ("Quorva", "Quorvaa")])
def test_resolve_entity_key_keeps_different_names_apart(a: str, b: str) -> None:
    assert entity_key(a, LEX) != entity_key(b, LEX)


def test_resolve_entity_key_of_symbols_only_is_stable_and_non_empty() -> None:
    assert entity_key("!!!") == entity_key("!!!") != ""


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        ([("Organization", 1.0), ("Product", 3.0)], "Product"),
        ([("Organization", 1.0), ("Company", 2.0)], "Company"),
        ([("Artifact", 3.0), ("AIModel", 1.0)], "AIModel"),
        ([("Artifact", 3.0)], "Product"),
        ([("Agent", 3.0), ("Person", 3.0)], "Person"),
        # a tie between a company and a product is no tie between artefact kinds
        ([("Company", 2.0), ("Product", 2.0)], "Company"),
        ([("AIModel", 2.0), ("Product", 2.0)], "Product"),
        # nothing says what it is: no narrower class is asserted
        ([], "Entity"),
        ([("Organization", 1.0), ("Organization", -1.0)], "Entity"),
    ],
)
def test_resolve_decide_class(votes: list[tuple[str, float]], expected: str) -> None:
    assert decide_class(votes, ONTO)[0] == expected


def _name(text: str, start: int, sentence: int, votes=(), subject=False) -> Mention:
    return Mention(start, start + len(text), text, sentence, votes=tuple(votes), subject=subject)


def _description(
    text: str,
    start: int,
    sentence: int,
    cue: str,
    *,
    subject: bool,
    clause_subject: int | None = None,
) -> Mention:
    return Mention(
        start,
        start + len(text),
        text,
        sentence,
        votes=(("Company", 2.0),),
        source="description",
        cue=cue,
        subject=subject,
        clause_subject=clause_subject,
    )


def test_resolve_subject_description_takes_previous_subject() -> None:
    mentions = [
        _name("Nexaria", 0, 0, [("Organization", 1.0)], subject=True),
        _name("Borealis", 30, 0, [("Organization", 1.0)]),
        _description("La start-up", 50, 1, "start-up", subject=True),
    ]
    resolution = resolve_mentions(mentions, onto=ONTO, lex=LEX)
    assert resolution.keys[(50, 61)] == "nexaria"
    (nexaria,) = [e for e in finalize_entities(resolution, {}, onto=ONTO) if e.key == "nexaria"]
    assert nexaria.cls == "Company"
    assert any("La start-up" in reason for reason in nexaria.merges)


def test_resolve_object_description_skips_its_own_clause_subject() -> None:
    mentions = [
        _name("Nexaria", 0, 0, [("Organization", 1.0)], subject=True),
        _name("Borealis", 30, 0, [("Organization", 1.0)]),
        _description("la start-up", 60, 0, "start-up", subject=False, clause_subject=0),
    ]
    assert resolve_mentions(mentions, onto=ONTO, lex=LEX).keys[(60, 71)] == "borealis"


def test_resolve_description_takes_a_subject_description_of_its_sentence() -> None:
    # "La start-up prévoit ..., valorisant l'entreprise à ...": the sentence's subject
    mentions = [
        _name("Nexaria", 0, 0, [("Company", 2.0)], subject=True),
        _name("Borealis", 30, 1, [("Company", 2.0)], subject=True),
        _description("La start-up", 60, 2, "start-up", subject=True),
        _description("l'entreprise", 90, 2, "entreprise", subject=False),
    ]
    keys = resolve_mentions(mentions, onto=ONTO, lex=LEX).keys
    assert keys[(90, 102)] == keys[(60, 71)]


def test_resolve_a_subject_description_follows_its_family() -> None:
    # "Nexaria ... la start-up [Nexaria] ... Borealis (subject) ... La jeune pousse": the noun
    # varies, the entity does not, although Borealis is now more in focus
    mentions = [
        _name("Borealis", 0, 0, [("Company", 2.0)]),
        _name("Nexaria", 20, 0, [("Company", 2.0)], subject=True),
        _description("la start-up", 40, 0, "start-up", subject=False),
        _name("Borealis", 60, 1, [("Company", 2.0)], subject=True),
        _description("La jeune pousse", 80, 2, "jeune-pousse", subject=True),
    ]
    keys = resolve_mentions(mentions, onto=ONTO, lex=LEX).keys
    assert keys[(40, 51)] == "nexaria"  # nearest earlier name in its sentence
    assert keys[(80, 95)] == "nexaria"


@pytest.mark.parametrize(("apposed", "expected"), [(False, "nexaria"), (True, "borealis")])
def test_resolve_a_backgrounded_name_is_no_antecedent_unless_apposed(
    apposed: bool, expected: str
) -> None:
    # "Nexaria ... L'opération, où planchent les banquiers de Borealis, valorise la pépite":
    # Borealis only qualifies a noun; "le rachat de Borealis, la pépite ...": it is apposed
    borealis = Mention(60, 68, "Borealis", 1, votes=(("Company", 2.0),), backgrounded=True)
    pepite = Mention(
        80,
        89,
        "la pépite",
        1,
        (("Company", 2.0),),
        source="description",
        cue="pépite",
        apposed=apposed,
    )
    mentions = [_name("Nexaria", 0, 0, [("Company", 2.0)], subject=True), borealis, pepite]
    assert resolve_mentions(mentions, onto=ONTO, lex=LEX).keys[(80, 89)] == expected


def test_resolve_description_without_antecedent_is_left_out() -> None:
    mentions = [_description("La start-up", 0, 0, "start-up", subject=True)]
    resolution = resolve_mentions(mentions, onto=ONTO, lex=LEX)
    assert resolution.keys == {} and resolution.groups == {}


def test_resolve_surname_joins_full_name_and_records_why() -> None:
    mentions = [
        _name("Claire Martin", 0, 0, [("Person", 3.0)]),
        _name("Martin", 40, 2, [("Person", 1.0)]),
    ]
    (claire,) = finalize_entities(resolve_mentions(mentions, onto=ONTO, lex=LEX), {}, onto=ONTO)
    assert (claire.label, claire.cls, len(claire.mentions)) == ("Claire Martin", "Person", 2)
    assert claire.aliases == ("Martin",)
    assert claire.merges == ("'Martin' is the surname of 'Claire Martin'",)


def _ner_person(text: str, start: int, sentence: int) -> Mention:
    return dataclasses.replace(
        _name(text, start, sentence, [("Person", 1.0)]), ner_votes=(("Person", 1.0),)
    )


def test_resolve_first_name_after_the_full_name_joins_it() -> None:
    """'Claire' in a quote after 'Claire Martin' is her, even when the NER read a city."""
    mentions = [
        _ner_person("Claire Martin", 0, 0),
        _name("Claire", 80, 3, [("Place", 1.0)]),
    ]
    (claire,) = finalize_entities(resolve_mentions(mentions, onto=ONTO, lex=LEX), {}, onto=ONTO)
    assert (claire.label, claire.cls, claire.aliases) == ("Claire Martin", "Person", ("Claire",))
    assert claire.merges == (
        "'Claire' is the first name of 'Claire Martin' (its own context disagreed)",
    )


def test_resolve_a_first_name_nothing_types_joins_the_full_name() -> None:
    """'« Claire a prouvé ... »' after 'Claire Martin': no clue of its own, still her."""
    mentions = [_ner_person("Claire Martin", 0, 0), _name("Claire", 80, 3)]
    (claire,) = finalize_entities(resolve_mentions(mentions, onto=ONTO, lex=LEX), {}, onto=ONTO)
    assert (claire.label, claire.cls, claire.aliases) == ("Claire Martin", "Person", ("Claire",))


@pytest.mark.parametrize(
    ("lone", "full"),
    [
        # the lone name comes first: a brand named before its product, not a first name
        (_name("Nexaria", 0, 0, [("Place", 1.0)]), _ner_person("Nexaria Draft", 40, 1)),
        # the context says organisation: kept apart from a misread "person"
        (_name("Borealis", 80, 3, [("Company", 2.0)]), _ner_person("Borealis Energie", 0, 0)),
    ],
    ids=["comes-first", "organisation"],
)
def test_resolve_first_name_merge_needs_a_reading_as_a_person(lone: Mention, full: Mention) -> None:
    entities = finalize_entities(resolve_mentions([full, lone], onto=ONTO, lex=LEX), {}, onto=ONTO)
    assert len(entities) == 2


def test_resolve_fallback_votes_count_only_when_nothing_else_does() -> None:
    brand = ("Artifact", 0.5)
    mentions = [
        # a brand-shaped name nothing else is said of: what such names usually are
        Mention(0, 7, "LMArena", 0, fallback_votes=(brand,)),
        # the same shape with a clue of its own: the clue decides
        Mention(20, 27, "OpenLab", 0, ner_votes=(("Organization", 1.0),), fallback_votes=(brand,)),
        # a plain name and no clue: no class is guessed
        Mention(40, 45, "Azure", 0),
    ]
    groups = resolve_mentions(mentions, onto=ONTO, lex=LEX).groups
    assert {key: decide_class(g.votes(), ONTO)[0] for key, g in groups.items()} == {
        "lmarena": "Product",
        "openlab": "Organization",
        "azure": "Entity",
    }


def test_resolve_a_fallback_class_does_not_steer_descriptions() -> None:
    mentions = [
        _name("Nexaria", 0, 0, [("Organization", 1.0)]),
        # "KelvaneAI" looks like a brand, but nothing says it is not the start-up
        Mention(30, 39, "KelvaneAI", 1, subject=True, fallback_votes=(("Artifact", 0.5),)),
        _description("La start-up", 60, 2, "start-up", subject=True),
    ]
    resolution = resolve_mentions(mentions, onto=ONTO, lex=LEX)
    assert resolution.keys[(60, 71)] == "kelvaneai"


@pytest.mark.parametrize(
    ("full", "short"),
    [
        ("Kelvane Énergie", "Kelvane"),
        ("Kelvane Robotique", "Kelvane"),  # a sector in French
        ("Kelvane Materials", "Kelvane"),
        # a name of several words, and a fund's suffix in the name of a fund
        ("Ashgrove Pell Capital", "Ashgrove Pell"),
    ],
)
def test_resolve_a_short_name_after_the_full_name_joins_it(full: str, short: str) -> None:
    presented = Mention(0, len(full), full, 0, (("Company", 2.0),), presented_as="fonds")
    mentions = [presented, _name(short, 60, 2)]
    (entity,) = finalize_entities(resolve_mentions(mentions, onto=ONTO, lex=LEX), {}, onto=ONTO)
    assert (entity.label, entity.aliases) == (full, (short,))
    assert entity.merges == (
        f"'{short}' is '{full}' without the word that says what kind of organisation it is",
    )


@pytest.mark.parametrize(
    ("mentions", "full"),
    [
        # a fund named after its company is another entity
        ([_name("Kelvane Ventures", 0, 0), _name("Kelvane", 60, 2)], "kelvaneventures"),
        # a full name after the short one names something else
        ([_name("Kelvane", 0, 0), _name("Kelvane Énergie", 60, 2)], "kelvaneenergie"),
    ],
)
def test_resolve_a_short_name_stays_apart_from_another_organisation(
    mentions: list[Mention], full: str
) -> None:
    resolution = resolve_mentions(mentions, onto=ONTO, lex=LEX)
    assert sorted(resolution.groups) == ["kelvane", full]


def test_resolve_a_headline_s_short_name_does_not_decide_the_order() -> None:
    # "Kelvane rachète ..." in the headline, then "Kelvane Studios ... Kelvane" in the body
    mentions = [
        _name("Kelvane", 0, 0),
        _name("Kelvane Studios", 40, 1, [("Company", 2.0)]),
        _name("Kelvane", 90, 3),
    ]
    resolution = resolve_mentions(mentions, onto=ONTO, lex=LEX)
    assert list(resolution.groups) == ["kelvanestudios"]


def test_resolve_of_the_entities_presented_a_description_is_the_one_most_mentioned() -> None:
    # "La start-up Nexaria ... Nexaria ... Y, cofondatrice de Borealis, une start-up, ...
    # La jeune pousse": Borealis, named in passing, is more in focus; Nexaria is the topic
    mentions = [
        Mention(0, 7, "Nexaria", 0, (("Company", 2.0),), subject=True, presented_as="start-up"),
        _name("Nexaria", 30, 1, [("Company", 2.0)], subject=True),
        Mention(60, 68, "Borealis", 2, (("Company", 2.0),), subject=True, presented_as="start-up"),
        _description("La jeune pousse", 90, 3, "jeune-pousse", subject=True),
    ]
    resolution = resolve_mentions(mentions, onto=ONTO, lex=LEX)
    assert resolution.keys[(90, 105)] == "nexaria"
    (nexaria,) = [e for e in finalize_entities(resolution, {}, onto=ONTO) if e.key == "nexaria"]
    assert any("most mentioned" in reason for reason in nexaria.merges)


def test_resolve_a_cited_source_is_no_topic() -> None:
    # "Nexaria ... D'après Borealis, ... . La société ...": Borealis, only cited, is more
    # recent, but the description continues Nexaria
    borealis = Mention(60, 68, "Borealis", 1, (("Company", 2.0),), backgrounded=True, cited=True)
    mentions = [
        _name("Nexaria", 0, 0, [("Company", 2.0)]),
        borealis,
        _description("La société", 90, 2, "société", subject=True),
    ]
    assert resolve_mentions(mentions, onto=ONTO, lex=LEX).keys[(90, 100)] == "nexaria"


@pytest.mark.parametrize(("opens_paragraph", "expected"), [(True, "nexaria"), (False, "borealis")])
def test_resolve_a_paragraph_s_opening_description_turns_back_to_the_topic(
    opens_paragraph: bool, expected: str
) -> None:
    # "Nexaria ... Nexaria ... Borealis et Orvane ont remis au pot.\n La société ...": the
    # last sentence's subject is most in focus, but a new paragraph is about the topic
    mentions = [
        _name("Nexaria", 0, 0, [("Company", 2.0)], subject=True),
        _name("Nexaria", 30, 1, [("Company", 2.0)], subject=True),
        _name("Borealis", 60, 2, [("Company", 2.0)], subject=True),
        dataclasses.replace(
            _description("la société", 90, 3, "société", subject=True),
            opens_paragraph=opens_paragraph,
        ),
    ]
    assert resolve_mentions(mentions, onto=ONTO, lex=LEX).keys[(90, 100)] == expected


def test_resolve_an_acronym_in_brackets_after_a_name_is_that_name() -> None:
    # "Autorité des marchés financiers (AMF) ... AMF", "Norvane Bank (NB)" but not "(XYZ)"
    mentions = [
        _name("Autorité des marchés financiers", 0, 0),
        _name("AMF", 33, 0),
        _name("AMF", 80, 1),
        _name("Norvane Bank", 100, 2),
        _name("XYZ", 114, 2),
    ]
    entities = finalize_entities(resolve_mentions(mentions, onto=ONTO, lex=LEX), {}, onto=ONTO)
    by_key = {e.key: e for e in entities}
    assert sorted(by_key) == ["autoritedesmarchesfinanciers", "norvanebank", "xyz"]
    assert by_key["autoritedesmarchesfinanciers"].merges == (
        "'AMF' is the acronym given in brackets after 'Autorité des marchés financiers'",
    )
