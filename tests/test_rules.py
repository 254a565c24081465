"""Small rules of the extractors, on hand-built parses and hand-made facts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.extract import extract
from kg.extract.facts import continue_roles, join_rounds
from kg.extract.syntax import is_plural, naming_noun, verb_lemmas
from kg.model import Document, Evidence, Extraction, Fact
from kg.ontology import load_ontology
from tests.docs import make_doc


def _classes(x: Extraction) -> dict[str, str]:
    return {e.key: e.cls for e in x.entities}


def _parsed(text: str) -> Extraction:
    """Extract from ``text`` parsed by the French model (tests taking the ``nlp`` fixture)."""
    from kg.nlp import parse

    return extract(Document(doc_id="t", text=text), parse(text))


CHAIN = """
Claire    PROPN nsubj     10 Claire     B-PER
Martin+   PROPN flat:name 0  Martin     I-PER
,         PUNCT punct     3  ,          _
cofondatrice NOUN appos   0  cofondatrice _ Number=Sing
et        CCONJ cc        5  et         _
directrice NOUN conj      3  directrice _ Number=Sing
générale  ADJ   amod      5  général    _
de        ADP   case      8  de         _
Nexaria+  PROPN nmod      5  Nexaria    B-ORG
,         PUNCT punct     3  ,          _
parle+    VERB  ROOT      10 parler     _
.         PUNCT punct     10 .          _
"""

FORMER = """
L'+       DET   det       2  le         _
ancien    ADJ   amod      2  ancien     _
PDG       NOUN  nsubj     8  PDG        _ Number=Sing
de        ADP   case      4  de         _
Nexaria+  PROPN nmod      2  Nexaria    B-ORG
,         PUNCT punct     2  ,          _
Paul      PROPN appos     2  Paul       B-PER
Durand    PROPN flat:name 6  Durand     I-PER
parle+    VERB  ROOT      8  parler     _
.         PUNCT punct     8  .          _
"""


def _triples(x: Extraction) -> set[tuple[str, str, str]]:
    return {(r.subject, r.predicate, r.object) for r in x.relations}


def _round(x: Extraction) -> Fact:
    """The one funding round of an extraction."""
    (round_,) = [f for f in x.facts if f.cls == "FundingRound"]
    return round_


def _relations(vocab: Vocab, table: str) -> set[tuple[str, str, str]]:
    doc = make_doc(vocab, table)
    return _triples(extract(Document(doc_id="t", text=doc.text), doc))


def test_rules_coordinated_titles_give_every_relation(fr_vocab: Vocab) -> None:
    assert _relations(fr_vocab, CHAIN) == {
        ("clairemartin", "founderOf", "nexaria"),
        ("clairemartin", "ceoOf", "nexaria"),
    }


def test_rules_former_title_gives_no_relation(fr_vocab: Vocab) -> None:
    assert _relations(fr_vocab, FORMER) == set()


@pytest.mark.parametrize(
    ("word", "expected"),
    [("cherche", "chercher"), ("valorisée", "valoriser"), ("investi", "investir")],
)
def test_rules_verb_lemmas_recover_infinitives(word: str, expected: str) -> None:
    variants = verb_lemmas(word)
    assert word in variants and expected in variants


@pytest.mark.parametrize(
    ("words", "index", "plural"),
    [
        (["le", "fonds"], 1, False),
        (["les", "modèles"], 1, True),
        (["des", "puces"], 1, True),
        (["15", "GPU"], 1, False),
    ],
)
def test_rules_is_plural_trusts_the_determiner(
    fr_vocab: Vocab, words: list[str], index: int, plural: bool
) -> None:
    doc = Doc(fr_vocab, words=words, deps=["det", "ROOT"], heads=[1, 1])
    assert is_plural(doc[index]) is plural


def test_rules_is_plural_reads_a_determiner_hung_on_the_next_word(fr_vocab: Vocab) -> None:
    # "le néerlandais Zephyro": the parser hangs "le" on the name, "néerlandais" ends in -s
    words = ["le", "néerlandais", "Zephyro"]
    pos = ["DET", "ADJ", "PROPN"]
    doc = Doc(fr_vocab, words=words, pos=pos, deps=["det", "amod", "ROOT"], heads=[2, 2, 2])
    assert is_plural(doc[1]) is False


def test_rules_naming_noun_walks_over_adjectives_and_complements(fr_vocab: Vocab) -> None:
    words = ["le", "fabricant", "grenoblois", "de", "batteries", "Voltaïa"]
    pos = ["DET", "NOUN", "ADJ", "ADP", "NOUN", "PROPN"]
    doc = Doc(fr_vocab, words=words, pos=pos)
    assert naming_noun(doc, 5, lambda i: doc[i].text == "fabricant") == 1
    # "le patron de X": a "de" right before the name is about X, it does not name it
    about = Doc(fr_vocab, words=["le", "patron", "de", "X"], pos=["DET", "NOUN", "ADP", "PROPN"])
    assert naming_noun(about, 3, lambda i: about[i].text == "patron") is None
    # past its cue noun, the walk crosses no preposition: "du capital du groupe de X"
    words = ["du", "capital", "du", "groupe", "de", "spiritueux", "Castival"]
    pos = ["ADP", "NOUN", "ADP", "NOUN", "ADP", "NOUN", "PROPN"]
    nested = Doc(fr_vocab, words=words, pos=pos)
    assert naming_noun(nested, 6, lambda i: nested[i].text in ("capital", "groupe")) == 3
    # ... but a bare "de" makes a complement of the cue noun: "le fournisseur de cloud X"
    words = ["le", "fournisseur", "de", "cloud", "Castival"]
    bare = Doc(fr_vocab, words=words, pos=["DET", "NOUN", "ADP", "NOUN", "PROPN"])
    assert naming_noun(bare, 4, lambda i: bare[i].text in ("fournisseur", "cloud")) == 1


def test_rules_a_ranked_item_typed_by_its_leaderboard_gets_its_maker(nlp: object) -> None:
    # nothing but its board-mates says "Dolmen Large" is a model, and they must say it before
    # "de l'américain Brindel" is read as its maker
    x = _parsed(
        "Au classement Orbis publié lundi, Kestrel-2 est deuxième, Tarn-5 est troisième et "
        "Dolmen Large de l'américain Brindel est quatrième."
    )
    assert ("dolmenlarge", "developedBy", "brindel") in _triples(x)


@pytest.mark.parametrize(
    ("text", "based"),
    [
        ("Brindel a racheté Tissalia, une PME de Vierzon qui fabrique des caméras.", True),
        ("Brindel a racheté Tissalia, une jeune pousse de Vierzon.", True),
        # a definite noun names what X is to Y ("la filiale de Y"), not where X is
        ("Brindel a racheté Tissalia, la filiale de Vierzon.", False),
    ],
)
def test_rules_an_apposition_cue_relates_a_name_to_the_place_of_its_noun(
    nlp: object, text: str, based: bool
) -> None:
    x = _parsed(text)
    triples = _triples(x)
    assert (("tissalia", "basedIn", "vierzon") in triples) is based


def test_rules_an_ordinal_after_an_indefinite_article_ranks_nothing(nlp: object) -> None:
    x = _parsed(
        "Kelvane a été fondée en 2021 par Paul Vidrac. Son associé Marc Arnal, qui occupe le "
        "poste de directeur technique, vise une première démonstration commerciale en 2027."
    )
    assert [f for f in x.facts if f.cls == "Ranking"] == []


def test_rules_naming_noun_stops_at_a_demonym_after_de(fr_vocab: Vocab) -> None:
    # "le modèle du chinois X": X makes the model; "le fabricant chinois X" names X
    words = ["le", "modèle", "du", "chinois", "Tavane"]
    made = Doc(fr_vocab, words=words, pos=["DET", "NOUN", "ADP", "ADJ", "PROPN"])
    assert naming_noun(made, 4, lambda i: made[i].text == "modèle", ("ois",)) is None
    named = Doc(
        fr_vocab,
        words=["le", "fabricant", "chinois", "Tavane"],
        pos=["DET", "NOUN", "ADJ", "PROPN"],
    )
    assert naming_noun(named, 3, lambda i: named[i].text == "fabricant", ("ois",)) == 1


def test_rules_an_artefact_of_a_maker_named_with_its_demonym(nlp: object) -> None:
    x = _parsed("Kestrel-2, le modèle du chinois Tavane Labs, arrive en tête du classement Orbis.")
    assert ("kestrel2", "developedBy", "tavanelabs") in _triples(x)
    assert _classes(x)["tavanelabs"] == "Company"


def _fact(cls: str, sentence: int, roles: tuple, values: tuple = ()) -> Fact:
    return Fact(cls, roles, values, Evidence(sentence, 0, 1))


def test_rules_join_rounds_adds_later_investors_to_the_round() -> None:
    round_ = _fact("FundingRound", 1, (("investee", "lumeo"),), (("amount", Decimal(45_000_000)),))
    later = _fact("Investment", 2, (("investor", "bpifrance"), ("investor", "hvcapital")))
    far = _fact("Investment", 6, (("investor", "other"),))
    joined = join_rounds([round_, later, far])
    assert joined[0].roles == (
        ("investee", "lumeo"),
        ("investor", "bpifrance"),
        ("investor", "hvcapital"),
    )
    assert joined[1] == far


def test_rules_join_rounds_folds_a_round_told_again() -> None:
    # "Le tour a été mené par X ; A a remis au pot. ... B a investi 10 M€ dans Lumeo."
    round_ = _fact("FundingRound", 0, (("investee", "lumeo"),), (("amount", Decimal(80_000_000)),))
    again = _fact("FundingRound", 1, (("leadInvestor", "insight"), ("investee", "frst")))
    joined_in = _fact("Investment", 1, (("investor", "axa"), ("investee", "lumeo")))
    own = _fact("Investment", 2, (("investor", "geodis"), ("investee", "lumeo")), (("amount", 1),))
    joined = join_rounds([round_, again, joined_in, own], refers_back=lambda s: s == 1)
    assert joined == [
        _fact(
            "FundingRound",
            0,
            (("investee", "lumeo"), ("leadInvestor", "insight"), ("investor", "axa")),
            (("amount", Decimal(80_000_000)),),
        ),
        own,
    ]
    # a sentence that does not refer back keeps its own investment
    assert join_rounds([round_, joined_in], refers_back=lambda s: False) == [round_, joined_in]


def test_rules_join_rounds_an_investors_share_makes_it_an_investor_of_the_round() -> None:
    # "Kelvane lève 25 M€, menés par Ardane Capital. Vantor Invest y participe à hauteur de 5 M€."
    eur = (("currency", "EUR"),)
    round_ = _fact(
        "FundingRound",
        0,
        (("investee", "kelvane"), ("leadInvestor", "ardanecapital")),
        (("amount", Decimal(25_000_000)), *eur),
    )
    share = _fact(
        "Investment",
        1,
        (("investor", "vantorinvest"), ("investee", "kelvane")),
        (("amount", Decimal(5_000_000)), *eur),
    )
    joined = join_rounds([round_, share])
    assert joined[0].roles == (*round_.roles, ("investor", "vantorinvest"))
    assert joined[1] == share  # the share stays an investment of its own
    # more than the round, or into another company: no share of it
    bigger = _fact("Investment", 1, share.roles, (("amount", Decimal(40_000_000)), *eur))
    elsewhere = _fact("Investment", 1, (("investor", "vantorinvest"), ("investee", "orvane")))
    assert join_rounds([round_, bigger])[0] == round_
    assert join_rounds([round_, elsewhere])[0] == round_


def test_rules_rankings_carry_their_leaderboard_forward() -> None:
    ctx = SimpleNamespace(onto=load_ontology())
    first = _fact("Ranking", 1, (("leaderboard", "top500"), ("rankedItem", "jupiter")))
    second = _fact("Ranking", 2, (("rankedItem", "alps"),))
    unrelated = _fact("Ranking", 9, (("rankedItem", "other"),))
    out = continue_roles([first, second, unrelated], ctx)  # type: ignore[arg-type]
    assert out[1].role("leaderboard") == "top500"
    assert out[2].role("leaderboard") is None


QUOTES = (
    "Borealis annonce une nouvelle usine. « Nous allons doubler nos capacités. Cette usine est "
    "une étape clé pour nous », a déclaré Jeanne Moreau, présidente de Borealis. Paul Girard "
    "dirige la filiale allemande. « Nous ne céderons pas le contrôle de notre technologie », "
    "a-t-il prévenu. Marc Petit estime que « le marché européen reste très prometteur pour nos "
    "produits »."
)


def test_rules_quote_speakers_before_after_and_by_pronoun(nlp: object) -> None:
    x = _parsed(QUOTES)
    quotes = {f.value("text")[:20]: f.role("speaker") for f in x.facts if f.cls == "Quote"}
    assert quotes == {
        "Nous allons doubler ": "jeannemoreau",  # over two sentences, speaker after
        "Nous ne céderons pas": "paulgirard",  # "a-t-il prévenu": the previous subject
        "le marché européen r": "marcpetit",  # speaker before the quote
    }


MAKERS = (
    "La start-up Brindel vend désormais son assistant vocal, Orka, aux centres d'appels. "
    "L'assistant repose sur Kestra 2, un modèle de langage open source de Ferrand Labs adapté "
    "aux centres d'appels."
)


def test_rules_makers_from_a_possessive_and_from_an_apposition(nlp: object) -> None:
    x = _parsed(MAKERS)
    made = {(r.subject, r.object) for r in x.relations if r.predicate == "developedBy"}
    # "son assistant vocal, Orka": the subject's; ", un modèle ... de Ferrand Labs"
    assert made == {("orka", "brindel"), ("kestra2", "ferrandlabs")}


CONTEXT_TYPES = (
    "Le groupe Brindel a racheté le toulousain Mecavo, spécialiste des bancs d'essai. "
    "Sa directrice, Lina Roche, une ancienne de Quorva passée par l'Inrae, prépare pour le "
    "printemps Tarvo-3."
)


def test_rules_names_typed_by_the_words_before_them(nlp: object) -> None:
    x = _parsed(CONTEXT_TYPES)
    classes = {e.label: e.cls for e in x.entities}
    # a lower-case demonym presents a company; "une ancienne de", "passée par" an employer;
    # "le printemps" is no part of the model's name
    assert classes["Mecavo"] == "Company"
    assert classes["Quorva"] == "Organization"
    assert classes["Inrae"] == "Organization"
    assert classes["Tarvo-3"] == "AIModel"
    # "Sa directrice": the company the previous sentence is about, not a name met since
    assert [(r.subject, r.object) for r in x.relations if r.predicate == "worksFor"] == [
        ("linaroche", "brindel")
    ]


ROUND_THEN_RENTAL = (
    "La start-up Brindel a levé 5 millions d'euros auprès de Korvel Partners. L'opération a été "
    "menée par Orvane Capital. Son logiciel tourne sur des GPU loués auprès de Nubis Cloud."
)


def test_rules_a_round_takes_roles_only_from_sentences_that_refer_back_to_it(
    nlp: object,
) -> None:
    x = _parsed(ROUND_THEN_RENTAL)
    (round_,) = (f for f in x.facts if f.cls == "FundingRound")
    # "L'opération a été menée par": the round's; "loués auprès de": a rental, not the round's
    assert sorted(round_.roles) == [
        ("investee", "brindel"),
        ("investor", "korvelpartners"),
        ("leadInvestor", "orvanecapital"),
    ]
    assert {(r.subject, r.object) for r in x.relations if r.predicate == "investsIn"} == {
        ("korvelpartners", "brindel"),
        ("orvanecapital", "brindel"),
    }


NAMED_BY_DESCRIPTION = (
    "Hélène Morlane, directrice de Quorva, et Paul Brun, cofondateur de la start-up de "
    "téléconsultation Medivo, ont investi. Selon Le Veilleur, la start-up Medivo serait valorisée "
    "40 millions d'euros."
)


def test_rules_a_description_that_names_a_company_is_that_company(nlp: object) -> None:
    x = _parsed(NAMED_BY_DESCRIPTION)
    # "la start-up de téléconsultation Medivo" is Medivo, not the last company named
    assert _triples(x) == {
        ("helenemorlane", "worksFor", "quorva"),
        ("paulbrun", "founderOf", "medivo"),
    }
    # "Selon Le Veilleur": the source of the valuation is no part of it
    (valuation,) = (f for f in x.facts if f.cls == "Valuation")
    assert (valuation.roles, valuation.modality) == ((("valuationOf", "medivo"),), "Reported")


CITED_SOURCE = "La start-up Medivo recrute. Selon Le Veilleur, la valorisation atteindrait 40 M€."


def test_rules_a_cited_source_fills_no_role(nlp: object) -> None:
    x = _parsed(CITED_SOURCE)
    (valuation,) = (f for f in x.facts if f.cls == "Valuation")
    # the amount goes to the topic, never to the newspaper that reports it
    assert valuation.roles == (("valuationOf", "medivo"),)


QUOTE_THEN_VERB = (
    "La start-up Medivo a levé 5 millions d'euros. « Nous allons recruter vingt ingénieurs "
    "cette année », savoure Paul Brun, son directeur général."
)


def test_rules_the_verb_right_after_a_quote_introduces_its_speaker(nlp: object) -> None:
    x = _parsed(QUOTE_THEN_VERB)
    # "savourer" is no speech verb of the ontology: its place after "»," makes it one
    assert [f.role("speaker") for f in x.facts if f.cls == "Quote"] == ["paulbrun"]


FOUNDERS_WITH_APPOSITIONS = (
    "Cofondée en 2021 par Inès Garnal, une ingénieure passée par l'Inrae, et Paul Lemoir, un "
    "ancien de Schneider Electric, Fermax revendique 600 clients."
)


def test_rules_an_opening_participle_gives_every_coordinated_agent(nlp: object) -> None:
    x = _parsed(FOUNDERS_WITH_APPOSITIONS)
    # "et Paul Lemoir" after an apposition is the second founder; "passée par l'Inrae" is not
    assert {(r.subject, r.object) for r in x.relations if r.predicate == "founderOf"} == {
        ("inesgarnal", "fermax"),
        ("paullemoir", "fermax"),
    }


TRAINED_ON = (
    "La start-up Orvane a dévoilé mardi son nouveau modèle de langage. Entraîné sur 512 puces "
    "Tolvane T100, le modèle Kora-3 répond en français. Dans le classement publié mardi, la "
    "start-up Orvane devance désormais son rival Quorva."
)


def test_rules_an_opening_participle_relates_the_subject_to_its_complement(nlp: object) -> None:
    x = _parsed(TRAINED_ON)
    classes = {e.label: e.cls for e in x.entities}
    # "le modèle Kora-3" after the comma names Kora-3: the chips before it are no model
    assert (classes["Tolvane T100"], classes["Kora-3"]) == ("Hardware", "AIModel")
    assert _triples(x) >= {
        ("kora3", "usesHardware", "tolvanet100"),
        # a verb cue of a ranking says so without a rank in its sentence
        ("orvane", "rankedAbove", "quorva"),
    }


ROUND_LED_ACTIVELY = (
    "La fintech Finova a levé ce jeudi 120 M€ lors d'une série C. Le fonds Westmoor Capital a "
    "mené l'opération, à laquelle se sont joints plusieurs investisseurs, parmi lesquels "
    "Orsalis, Kelda Ventures et le britannique Brightdale Capital."
)


def test_rules_a_round_led_in_the_active_voice_and_its_listed_investors(nlp: object) -> None:
    x = _parsed(ROUND_LED_ACTIVELY)
    (round_,) = (f for f in x.facts if f.cls == "FundingRound")
    # "X a mené l'opération": the subject of a role's verb whose object names the round
    assert round_.role("leadInvestor") == "westmoorcapital"
    assert sorted(k for r, k in round_.roles if r == "investor") == [
        "brightdalecapital",
        "keldaventures",
        "orsalis",
    ]


PRONOUN_SPEAKER = (
    "Claire Dupont a rejoint Orvane en 2021. Paul Brun dirige Orvane depuis 2015. La start-up a "
    "levé 5 millions d'euros. « Nous allons recruter vingt ingénieurs cette année », a-t-{} "
    "déclaré."
)


@pytest.mark.parametrize(("pronoun", "speaker"), [("elle", "clairedupont"), ("il", "paulbrun")])
def test_rules_a_pronoun_speaker_is_the_person_in_focus_it_can_stand_for(
    nlp: object, pronoun: str, speaker: str
) -> None:
    x = _parsed(PRONOUN_SPEAKER.format(pronoun))
    assert [f.role("speaker") for f in x.facts if f.cls == "Quote"] == [speaker]


FRONTED_FOUNDERS = (
    "La medtech nantaise Kelvane a été rachetée par Orbisel, a-t-on appris mardi. "
    "Fondée en 2020 par Lucie Arnal et Théo Vidrac, deux anciens ingénieurs de Suez, "
    "la jeune pousse est ainsi passée dans le giron du groupe savoyard."
)


def test_rules_a_description_after_a_fronted_participle_is_the_topic(nlp: object) -> None:
    # "la jeune pousse" parses as a noun (kg.nlp joins it), "nantaise" (tagged PROPN) does not
    # stop "La medtech" from naming Kelvane, and "la jeune pousse" is not Suez, named inside
    # the opening phrase
    x = _parsed(FRONTED_FOUNDERS)
    founded = {(r.subject, r.object) for r in x.relations if r.predicate == "founderOf"}
    assert founded == {("luciearnal", "kelvane"), ("theovidrac", "kelvane")}
    (kelvane,) = [e for e in x.entities if e.key == "kelvane"]
    assert kelvane.cls == "Company"
    assert any("la jeune pousse" in reason for reason in kelvane.merges)


ROUND_TOLD_AGAIN = (
    "La medtech Kelvane a bouclé mardi un tour de table de 14 millions d'euros. Le fonds "
    "Orvane Ventures, qui avait financé l'amorçage de la société, a lui aussi pris part à "
    "cette série A, aux côtés de Brindel et de Nexaria."
)


def test_rules_investors_of_a_round_told_again_join_it(nlp: object) -> None:
    x = _parsed(ROUND_TOLD_AGAIN)
    round_ = _round(x)
    assert round_.role("investee") == "kelvane"
    assert {k for r, k in round_.roles if r == "investor"} == {
        "orvaneventures",
        "brindel",
        "nexaria",
    }
    assert not [f for f in x.facts if f.cls == "Investment"]


RESPECTIVE_STAKES = (
    "Nexaria a levé 150 millions d'euros auprès de Brume Capital et d'Orvane Ventures, qui "
    "détiennent aujourd'hui respectivement 16 % et 11 % de son capital."
)


@pytest.mark.parametrize(
    "text",
    [
        RESPECTIVE_STAKES,
        # the list ends where the next clause begins
        "Nexaria a levé 150 millions d'euros. Ses deux fondateurs, Brume Capital et Orvane "
        "Ventures, en détiennent respectivement 16 % et 11 %, tandis que le reste appartient à "
        "des salariés, à hauteur de 5 %.",
    ],
)
def test_rules_respective_shares_give_one_stake_each(nlp: object, text: str) -> None:
    assert _stakes(_parsed(text)) == {
        ("brumecapital", "nexaria", Decimal(16)),
        ("orvaneventures", "nexaria", Decimal(11)),
    }


def _stakes(x: Extraction) -> set[tuple[str | None, str | None, object]]:
    return {
        (f.role("stakeholder"), f.role("stakeIn"), f.value("percent"))
        for f in x.facts
        if f.cls == "Stake"
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Capital" inside the fund's name triggers no stake of its own; the clause after
        # "tandis que" has its subject before a participle apposition, and its "en" stands
        # for what the shares before it are of
        (
            "Nexaria a levé 150 millions d'euros. Ses deux fondateurs, Brume Capital et Orvane "
            "Ventures, en détiennent respectivement 16 % et 11 %, tandis que le fonds Talvique "
            "Capital, entré en 2019, en possédait 25 %.",
            {
                ("brumecapital", "nexaria", Decimal(16)),
                ("orvaneventures", "nexaria", Decimal(11)),
                ("talviquecapital", "nexaria", Decimal(25)),
            },
        ),
        # "en" stands for what the stake just told is in, not for the last name before it
        (
            "Le fonds Norvane Partners veut entrer au capital du groupe Castival. Delmare "
            "Participations détient 41 % du capital du groupe, loin devant Norvane Partners. "
            "Bpifrance en possède 6 %.",
            {
                ("delmareparticipations", "castival", Decimal(41)),
                ("bpifrance", "castival", Decimal(6)),
            },
        ),
        # "et Talvique 34 %": the verb left out; Talvique, the parser's conjunct of "51 %", is
        # neither what the first stake is in nor, through "et", a name the cue noun presents
        (
            "Norvane Énergie et Talvique Wind créent Brévia Offshore, une coentreprise chargée "
            "d'un parc éolien. Norvane détiendra 51 % de la société commune et Talvique 34 %, "
            "tandis que Bpifrance prendra le reste.",
            {
                ("norvaneenergie", "breviaoffshore", Decimal(51)),
                ("talviquewind", "breviaoffshore", Decimal(34)),
            },
        ),
    ],
)
def test_rules_stakes_of_contrasted_and_gapped_clauses(
    nlp: object, text: str, expected: set[tuple[str, str, Decimal]]
) -> None:
    assert _stakes(_parsed(text)) == expected


def test_rules_an_opening_place_phrase_runs_over_its_apposition(nlp: object) -> None:
    x = _parsed(
        "Orbisel a racheté Kelvane. Installée à Morteau, dans le Doubs, la société Kelvane "
        "emploie 300 personnes."
    )
    based = {(r.subject, r.object) for r in x.relations if r.predicate == "basedIn"}
    assert based == {("kelvane", "morteau")}


def test_rules_a_title_of_en_is_the_title_of_the_sentence_topic(nlp: object) -> None:
    # "qui en est le directeur général": "en" stands for "la jeune entreprise", the subject
    # after the opening phrase (a description despite the adjective before its noun)
    x = _parsed(
        "Kelvane a levé 80 millions de dollars. Lancée en 2020 par Lucie Arnal, une ancienne "
        "de Suez, et Théo Vidrac, qui en est aujourd'hui le directeur général, la jeune "
        "entreprise commercialise Vigie, une plateforme logistique."
    )
    heads = {(r.subject, r.object) for r in x.relations if r.predicate == "ceoOf"}
    assert heads == {("theovidrac", "kelvane")}


def test_rules_an_appointment_gives_the_title_at_the_organisation_in_focus(nlp: object) -> None:
    x = _parsed(
        "Changement de gouvernance chez Kelvane. La fintech parisienne a annoncé ce mardi la "
        "nomination d'Hélène Varenne au poste de directrice générale. Autre recrue : Rachid "
        "Ouali est nommé directeur financier."
    )
    assert _triples(x) == {
        ("helenevarenne", "ceoOf", "kelvane"),
        ("rachidouali", "worksFor", "kelvane"),
    }


def test_rules_a_rubric_and_a_plural_sector_noun_do_not_type_a_company(nlp: object) -> None:
    # "Jeux vidéo :" is a headline's rubric, "de jeux vidéo" the group's trade: Orbisel is the
    # "groupe" they run to, not a game
    x = _parsed(
        "Jeux vidéo : Orbisel en pourparlers pour racheter Kelvane\n"
        "Le groupe de médias et de jeux vidéo Orbisel serait entré en négociations exclusives "
        "avec Kelvane."
    )
    assert _classes(x)["orbisel"] == "Company"
    (talks,) = [r for r in x.relations if r.predicate == "negotiatesWith"]
    assert talks.modality == "Reported"


def test_rules_an_apposition_with_adjectives_types_the_name_before_it(nlp: object) -> None:
    x = _parsed("Kelvane a dévoilé mercredi Orca, son premier accélérateur consacré à l'inférence.")
    assert _classes(x)["orca"] == "Hardware"


def test_rules_avec_names_a_co_subject_of_a_relation_verb(nlp: object) -> None:
    founders = {
        r.subject
        for r in _parsed(
            "Margaux Keller a fondé Kelvane en 2017 avec le chimiste Benoît Haas."
        ).relations
        if r.predicate == "founderOf" and r.object == "kelvane"
    }
    assert founders == {"margauxkeller", "benoithaas"}


@pytest.mark.parametrize(
    ("text", "heads"),
    [
        ("Paul Durand a dirigé la société Nexaria de 2019 à 2024.", set()),
        ("Paul Durand dirige la société Nexaria depuis 2019.", {("pauldurand", "nexaria")}),
    ],
)
def test_rules_a_relation_that_ended_at_a_year_is_not_stated(
    nlp: object, text: str, heads: set[tuple[str, str]]
) -> None:
    x = _parsed(text)
    assert {(r.subject, r.object) for r in x.relations if r.predicate == "ceoOf"} == heads


@pytest.mark.parametrize(
    "text",
    [
        "La start-up s'appuie sur Kora, le modèle d'Orvane, pour lire les bons de livraison.",
        "Le classement place Kora-3 d'Orvane en troisième position.",
        # the maker's naming phrase may stand between "de" and its name
        "Le groupe a choisi Kora-3, le modèle de la société japonaise Orvane.",
        "Le groupe a choisi Kora-3, le modèle du groupe japonais Orvane.",
        "Le modèle devance Kora-3, d'Orvane, deuxième.",
    ],
)
def test_rules_the_name_after_an_artefacts_de_is_its_maker(nlp: object, text: str) -> None:
    # NER reads such makers as places as often as not
    x = _parsed(text)
    assert _classes(x)["orvane"] in ("Organization", "Company")
    assert [(r.predicate, r.object) for r in x.relations] == [("developedBy", "orvane")]


@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("Longtemps dans le trio de tête, Brax-V de Tolvane se classe quatrième.", "braxv"),
        ("Il est talonné par Kora-3 de Tolvane, troisième.", "kora3"),
        ("En tête figure Nimbus-4 de l'américain Tolvane, deux points devant.", "nimbus4"),
    ],
)
def test_rules_ner_running_a_product_and_its_maker_together_is_split(
    nlp: object, text: str, product: str
) -> None:
    # NER reads "Brax-V de Tolvane" as one person's name
    x = _parsed(text)
    assert _classes(x)["tolvane"] in ("Organization", "Company")
    assert [(r.subject, r.predicate, r.object) for r in x.relations] == [
        (product, "developedBy", "tolvane")
    ]


@pytest.mark.parametrize("suffix", ["Therapeutics", "Robotique", "Research"])
def test_rules_an_organisation_suffix_types_a_name_ner_calls_a_place(
    nlp: object, suffix: str
) -> None:
    x = _parsed(f"Sixième, Borak-7B, le petit modèle ouvert de Filane {suffix}, est classé.")
    maker = f"filane{suffix.lower()}"
    assert _classes(x)[maker] in ("Organization", "Company")
    assert ("borak7b", "developedBy", maker) in _triples(x)


def test_rules_an_acronym_before_de_stays_in_its_name(nlp: object) -> None:
    x = _parsed("Le CHU de Vierzon a investi 2 millions d'euros dans Kelvane.")
    assert "chudevierzon" in _classes(x)


def test_rules_an_apposition_without_determiner_types_the_name(nlp: object) -> None:
    x = _parsed("Kelvane revendique 600 clients. Son logiciel, Kelvane Vigie, croise les relevés.")
    assert _classes(x)["kelvanevigie"] == "Product"


def test_rules_a_capitalised_common_noun_is_no_entity(nlp: object) -> None:
    x = _parsed("Kelvane prépare son introduction en Bourse pour 2026.")
    assert [e.label for e in x.entities] == ["Kelvane"]


def test_rules_the_organisation_a_person_joins_is_one(nlp: object) -> None:
    x = _parsed(
        "Maxime Carlier quitte la start-up spécialisée dans la traduction pour rejoindre Nuvia "
        "Works, a-t-on appris ce jeudi."
    )
    assert _classes(x)["nuviaworks"] == "Organization"


def test_rules_a_title_read_as_a_participle_is_a_title(nlp: object) -> None:
    # "associée chez X" is a job, not "s'associer avec X"
    x = _parsed("« Le marché se concentre », observe Lucie Arnal, associée chez Vantor Conseil.")
    assert [(r.subject, r.predicate, r.object) for r in x.relations] == [
        ("luciearnal", "worksFor", "vantorconseil")
    ]


def test_rules_ce_dernier_is_the_last_name_before_it(nlp: object) -> None:
    x = _parsed(
        "Brindel cède sa filiale Kelvane au fonds Orvane Capital. Ce dernier détiendra 70 % du "
        "capital de Kelvane."
    )
    (stake,) = x.facts
    assert (stake.role("stakeholder"), stake.role("stakeIn")) == ("orvanecapital", "kelvane")
    (fund,) = (e for e in x.entities if e.key == "orvanecapital")
    assert "'Ce dernier' (sentence 1) refers to it: the last name before it" in fund.merges


@pytest.mark.parametrize(
    ("text", "backgrounded"),
    [
        ("L'opération, sur laquelle planchent les banquiers de Varnel, a été conclue.", True),
        ("Selon Varnel, l'opération a été conclue.", True),
        ("Le contrat a été signé par Varnel en mars.", True),
        ("La puce consomme moins que le H100 de Varnel.", True),  # a name's maker
        ("Le patron de Varnel a signé le contrat.", False),  # a title: about Varnel
        ("Varnel a signé le contrat.", False),
        ("D'après Varnel, le groupe aurait proposé 850 millions d'euros.", True),  # a source
    ],
)
def test_rules_names_in_the_background_of_their_sentence(
    nlp: object, text: str, backgrounded: bool
) -> None:
    from kg.extract.mentions import find_mentions
    from kg.lexicon import load_lexicon
    from kg.nlp import parse

    onto = load_ontology("fr")
    mentions = find_mentions(parse(text), text, onto=onto, lex=load_lexicon("fr"))
    (varnel,) = (m for m in mentions if m.text == "Varnel")
    assert varnel.backgrounded is backgrounded
    assert varnel.cited is text.startswith(("Selon", "D'après"))  # only a source is cited


VALUED_DESCRIPTIONS = [
    # "les banquiers de Varnel": a name that only qualifies a noun is no antecedent
    "Le groupe Orvane négocie le rachat de Kelvane, le studio bordelais à l'origine du jeu "
    "Lune Rouge. L'opération, sur laquelle planchent les banquiers de Varnel, valoriserait "
    "la pépite autour de 250 millions d'euros.",
    # the subject Orvane is most in focus, but the article presented it as a "groupe"
    "Le groupe Orvane serait en discussions pour acquérir 20 % du capital de Kelvane, une "
    "jeune entreprise lyonnaise. L'opération valoriserait la start-up autour de 400 "
    "millions d'euros.",
    # the "-tech" nouns are of the start-up family: "la jeune pousse" is the fintech
    "L'assureur Brindel a annoncé le rachat de Kelvane, une fintech spécialisée dans la "
    "trésorerie. La transaction valorise la jeune pousse à 240 millions d'euros.",
]


@pytest.mark.parametrize("text", VALUED_DESCRIPTIONS)
def test_rules_a_valued_description_refers_to_the_company_it_describes(
    nlp: object, text: str
) -> None:
    (valuation,) = (f for f in _parsed(text).facts if f.cls == "Valuation")
    assert valuation.role("valuationOf") == "kelvane"


def test_rules_the_subject_of_a_closing_verb_of_speech_is_the_sentence_subject(
    nlp: object,
) -> None:
    # "..., a annoncé l'industriel": Brindel, not Kelvane, the nearest name
    x = _parsed(
        "Brindel a pris 20 % du capital de Kelvane, une start-up qui fabrique des drones, a "
        "annoncé mercredi l'industriel. Le groupe a investi 16 millions d'euros dans l'opération."
    )
    (brindel,) = (e for e in x.entities if e.key == "brindel")
    assert any("'l'industriel' (sentence 0)" in reason for reason in brindel.merges)
    (investment,) = (f for f in x.facts if f.cls == "Investment")
    assert (investment.role("investor"), investment.role("investee")) == ("brindel", "kelvane")


def test_rules_a_description_prefers_what_the_article_presented_with_its_family(
    nlp: object,
) -> None:
    # Brindel is the subject, hence more in focus, but Kelvane was presented as a start-up
    x = _parsed(
        "Brindel a pris 20 % du capital de Kelvane, une start-up qui fabrique des drones. "
        "Brindel y a investi 16 millions d'euros. Basée à Tarbes, la jeune pousse emploie 40 "
        "personnes."
    )
    assert ("kelvane", "basedIn", "tarbes") in _triples(x)


def test_rules_coordinated_subjects_of_a_symmetric_noun_are_related(nlp: object) -> None:
    x = _parsed("Kelvane et Brindel ont noué un partenariat pour intégrer ces capteurs.")
    assert _triples(x) == {("brindel", "partnerOf", "kelvane")}


def test_rules_a_source_is_not_the_holder_of_the_title_after_it(nlp: object) -> None:
    x = _parsed(
        "Kelvane prépare son introduction en Bourse. Selon Varnel, le cofondateur de Kelvane "
        "aurait été approché pour prendre la présidence de la banque Brindel."
    )
    assert not [r for r in x.relations if r.subject == "varnel"]


def test_rules_a_fact_under_a_condition_is_possible(nlp: object) -> None:
    x = _parsed(
        "Kelvane est en négociations exclusives avec Brindel. Si elle aboutit, la transaction "
        "valoriserait Brindel à 420 millions d'euros."
    )
    (valuation,) = (f for f in x.facts if f.cls == "Valuation")
    assert (valuation.role("valuationOf"), valuation.modality) == ("brindel", "Possible")


def test_rules_l_outil_refers_to_a_product(nlp: object) -> None:
    x = _parsed(
        "Kelvane a présenté ce mercredi Ambra, un assistant destiné aux comptables. L'outil "
        "repose sur Tarn-3, un modèle de langage."
    )
    assert ("tarn3", "powers", "ambra") in _triples(x)


def test_rules_a_speaker_named_by_a_title_is_the_person_in_focus_with_that_gender(
    nlp: object,
) -> None:
    # "la dirigeante": not Paul Brun, the person named last
    x = _parsed(
        "Claire Vidal a pris la tête de Kelvane en mars. Paul Brun, son prédécesseur, rejoint "
        "Orvane. « Nous allons doubler nos ventes cette année », a affirmé la dirigeante dans "
        "un communiqué."
    )
    (quote,) = (f for f in x.facts if f.cls == "Quote")
    assert quote.role("speaker") == "clairevidal"


@pytest.mark.parametrize(
    "text",
    [
        # the title after the verb of speech, past an adjective
        "Claire Vidal a pris la tête de Kelvane en mars. « Je mesure la responsabilité qui "
        "m'incombe », a réagi la nouvelle dirigeante.",
        # a clause ending on a colon introduces the quotation
        "Le patron de Kelvane, Claire Vidal, y voit un débouché majeur : « Ce contrat nous "
        "ouvre des milliers de kilomètres de voies. »",
    ],
)
def test_rules_a_quotation_s_speaker_told_before_or_by_a_title(nlp: object, text: str) -> None:
    (quote,) = (f for f in _parsed(text).facts if f.cls == "Quote")
    assert quote.role("speaker") == "clairevidal"


def test_rules_a_fact_told_again_gives_its_day(nlp: object) -> None:
    x = _parsed(
        "Le groupe Brindel a injecté 30 millions d'euros dans Kelvane. Réalisée le 14 octobre "
        "2025, l'opération porte sa participation à 30 % du capital."
    )
    (investment,) = (f for f in x.facts if f.cls == "Investment")
    assert dict(investment.values)["date"] == dt.date(2025, 10, 14)


def test_rules_a_version_takes_the_class_of_another_version(nlp: object) -> None:
    # "Vorta-2" alone would read as a model (a code); "Vorta-1" is an accelerator
    x = _parsed(
        "La start-up Brindel a présenté Vorta-1, un accélérateur dédié à l'inférence. Brindel "
        "prépare déjà Vorta-2, attendu en 2027."
    )
    assert (_classes(x)["vorta1"], _classes(x)["vorta2"]) == ("Hardware", "Hardware")


def test_rules_ce_dernier_after_an_opening_phrase_is_not_a_name_inside_it(nlp: object) -> None:
    x = _parsed(
        "Kelvane a nommé Paul Vidrac directeur financier. Passé par Orvane puis par le cabinet "
        "Tolvane, ce dernier préparera une introduction en Bourse."
    )
    (paul,) = (e for e in x.entities if e.key == "paulvidrac")
    assert "'ce dernier' (sentence 1) refers to it: the last name before it" in paul.merges


def test_rules_a_title_held_at_an_organisation(nlp: object) -> None:
    # "à la X" says where the title is held, as "de X" and "chez X" do
    x = _parsed(
        "« Le modèle maîtrise le jargon bancaire », s'amuse Lucie Brunet, responsable de "
        "l'innovation à la Banque Orvane."
    )
    assert [(r.subject, r.predicate, r.object) for r in x.relations] == [
        ("luciebrunet", "worksFor", "banqueorvane")
    ]


def test_rules_entering_the_capital_is_investing(nlp: object) -> None:
    x = _parsed("Le fonds Tolvane Capital est entré au capital de Brindel en 2021.")
    assert ("tolvanecapital", "investsIn", "brindel") in _triples(x)


@pytest.mark.parametrize(
    "text",
    [
        "Pour Kelvane, dont le PDG Paul Vidrac a fait du recentrage sa priorité, la vente doit "
        "réduire la dette.",
        "Le groupe Kelvane, dont le directeur général, Paul Vidrac, a fait du recentrage sa "
        "priorité, vend sa filiale.",
    ],
)
def test_rules_a_title_after_dont_is_held_at_the_name_before_it(nlp: object, text: str) -> None:
    x = _parsed(text)
    assert [(r.subject, r.predicate, r.object) for r in x.relations] == [
        ("paulvidrac", "ceoOf", "kelvane")
    ]


def test_rules_a_verb_the_tagger_could_not_read_still_relates(nlp: object) -> None:
    # the tagger reads "commercialise" as X here
    x = _parsed("Kelvane commercialise Lexor, un assistant de recherche documentaire.")
    assert [(r.subject, r.predicate, r.object) for r in x.relations] == [
        ("lexor", "developedBy", "kelvane")
    ]


@pytest.mark.parametrize(
    ("text", "cls", "role"),
    [
        ("Bpifrance en possède désormais 6 %", "Stake", "stakeIn"),
        ("Bpifrance y injectera 6 millions d'euros", "Investment", "investee"),
    ],
)
def test_rules_a_clitic_complement_stands_for_a_name_before_the_verb(
    nlp: object, text: str, cls: str, role: str
) -> None:
    x = _parsed(
        f"Le groupe Tormalis ouvre son capital. {text}, sous réserve du feu vert de la banque "
        "Kestrane."
    )
    (fact,) = (f for f in x.facts if f.cls == cls)
    assert fact.role(role) == "tormalis"


@pytest.mark.parametrize(
    ("text", "triple"),
    [
        # the parser reads "édite" as a noun's complement and "Vortalis" as a verb
        (
            "Cofondée en 2016 par Julie Lunel et Marc Ferhat, Brindel édite Vortalis, un "
            "logiciel d'optimisation des tournées de livraison.",
            ("vortalis", "developedBy", "brindel"),
        ),
        # a title's adjective belongs to it: "sa directrice financière, X"
        (
            "La biotech marseillaise Brindel a bouclé lundi un tour de table de 62 millions de "
            "dollars. Le tour valorise la société 240 M$, a précisé sa directrice financière, "
            "Julie Lunel.",
            ("julielunel", "worksFor", "brindel"),
        ),
    ],
    ids=["publisher-misparsed", "title-adjective"],
)
def test_rules_a_relation_read_past_the_parse(nlp: object, text: str, triple: tuple) -> None:
    relations = {(r.subject, r.predicate, r.object) for r in _parsed(text).relations}
    assert triple in relations


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        # common acronyms ("l'OPA", "le CHU", "son ADN") and units ("40 GWh")
        (
            "Le groupe Brindel lance une OPA sur Vortalis, qui produit 40 GWh par an. Le CHU "
            "de Vierzon, client de Vortalis, salue un rachat fidèle à son ADN.",
            {"brindel", "vortalis", "chudevierzon"},
        ),
        # a past participle opening the sentence, which the tagger reads as a name
        (
            "Cofondé en 2019 par Julie Lunel, son actuel patron, et par Marc Ferhat, Brindel "
            "équipe plus de 12 000 immeubles.",
            {"julielunel", "marcferhat", "brindel"},
        ),
        # technologies
        (
            "Brindel, spécialiste de l'impression 3D métallique, déploie la 5G à Vierzon.",
            {"brindel", "vierzon"},
        ),
    ],
    ids=["acronyms-and-units", "opening-participle", "technologies"],
)
def test_rules_words_that_name_no_entity(nlp: object, text: str, keys: set[str]) -> None:
    assert {e.key for e in _parsed(text).entities} == keys


def test_rules_a_joint_venture_is_a_company(nlp: object) -> None:
    x = _parsed(
        "Brindel et Vortalis ont annoncé mardi la création de Tormane, une coentreprise "
        "chargée de produire des batteries à Vierzon."
    )
    assert {e.key: e.cls for e in x.entities}["tormane"] == "Company"


def test_rules_a_capitalised_noun_after_a_name_continues_it(nlp: object) -> None:
    # NER keeps only "Alder", the tagger reads "Face" as a common noun
    x = _parsed("Le logiciel sera publié en source ouverte sur Alder Face dès lundi.")
    assert "alderface" in {e.key for e in x.entities}


def test_rules_a_headline_kicker_is_no_subject(nlp: object) -> None:
    x = _parsed("Vierzon : Brindel dévoile ses modèles Vortalis-3, entraînés sur des puces Nvidia")
    assert _triples(x) >= {("vortalis3", "developedBy", "brindel")}
    assert not [r for r in x.relations if "vierzon" in (r.subject, r.object)]


def test_rules_apposed_and_likened_investors_join_the_round(nlp: object) -> None:
    x = _parsed(
        "La fintech Brindel a bouclé ce mardi une série C de 16 millions d'euros menée par le "
        "fonds Orvane Capital. Ses investisseurs historiques, Vortalis Ventures et Tormane, ont "
        "remis au pot, tout comme le britannique Kestrane."
    )
    (round_,) = (f for f in x.facts if f.cls == "FundingRound")
    assert sorted(k for r, k in round_.roles if r == "investor") == [
        "kestrane",
        "tormane",
        "vortalisventures",
    ]


@pytest.mark.parametrize("offer", ["une OPA", "une offre publique d'achat"])
def test_rules_a_takeover_bid_is_an_acquisition(nlp: object, offer: str) -> None:
    x = _parsed(f"Le groupe Brindel a déposé le 6 octobre {offer} sur Vortalis Hydraulique.")
    assert ("brindel", "acquired", "vortalishydraulique") in _triples(x)


def test_rules_a_fund_shortened_is_the_same_fund(nlp: object) -> None:
    x = _parsed(
        "Le fonds d'investissement Orvane Partners va acquérir 65 % de Brindel. Orvane, qui "
        "gère 3,5 milliards d'euros depuis Paris, a déjà accompagné plusieurs industriels."
    )
    assert "orvane" not in {e.key for e in x.entities}
    assert not [r for r in x.relations if r.predicate == "subOrganizationOf"]


def test_rules_a_one_word_name_coordinated_with_a_person_is_no_person(nlp: object) -> None:
    x = _parsed(
        "La medtech Brindel a levé 18 M€ ce mardi. Kestrane et Thierry Vallon, le "
        "fondateur de l'équipementier Tormane, ont complété l'opération."
    )
    classes = {e.key: e.cls for e in x.entities}
    assert (classes["thierryvallon"], classes["kestrane"] != "Person") == ("Person", True)


@pytest.mark.parametrize(
    ("text", "holder", "held"),
    [
        # the article's topic, not the organisation in focus just before ("le fonds Orvane")
        (
            "La start-up Brindel conçoit des capteurs pour l'industrie. Brindel emploie 40 "
            "personnes à Vierzon. Le fonds Orvane a cédé ses parts au groupe Kestrane le mois "
            "dernier. Kestrane détient désormais 30 % du capital.",
            "kestrane",
            "brindel",
        ),
        # "en" stands for the last organisation named before its verb
        (
            "Le constructeur Brindel et le fabricant coréen Kestrane Energy ont officialisé "
            "mardi la création de Tormane, une coentreprise chargée de produire des batteries. "
            "Brindel en détiendra 60 %. Kestrane Energy fournira sa technologie.",
            "brindel",
            "tormane",
        ),
    ],
    ids=["article-topic", "en-clitic"],
)
def test_rules_a_stake_s_unnamed_object(nlp: object, text: str, holder: str, held: str) -> None:
    (stake,) = (f for f in _parsed(text).facts if f.cls == "Stake")
    assert (stake.role("stakeholder"), stake.role("stakeIn")) == (holder, held)


@pytest.mark.parametrize(
    "investors",
    [
        "aux côtés duquel figurent deux investisseurs publics : Kestrane, via son fonds Tormane "
        "Impact, et l'Alder Fund",
        "aux côtés de trois business angels : Julie Lunel, ancienne directrice de Vortalis "
        "France, Kestrane et Alder Fund",
    ],
)
def test_rules_investors_listed_after_a_colon(nlp: object, investors: str) -> None:
    x = _parsed(
        "La start-up Brindel a bouclé une série B de 62 millions d'euros. Le tour est mené par "
        f"le fonds Orvane, {investors}."
    )
    (round_,) = (f for f in x.facts if f.cls == "FundingRound")
    listed = {k for r, k in round_.roles if r == "investor"}
    assert {"kestrane", "alderfund"} <= listed
    assert not listed & {"tormaneimpact", "vortalisfrance"}


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Le groupe Brindel a cédé sa filiale d'emballages à Vierzac.", False),
        ("Le groupe Brindel doit une partie de son envolée à Vierzac.", False),
        ("Le groupe Brindel a ouvert un bureau à Vierzac.", True),
        ("La start-up Brindel, basée à Vierzac, recrute.", True),
    ],
)
def test_rules_a_dative_a_names_no_place(nlp: object, text: str, place: bool) -> None:
    from kg.extract.mentions import find_mentions
    from kg.lexicon import load_lexicon
    from kg.nlp import parse

    mentions = find_mentions(parse(text), text, onto=load_ontology("fr"), lex=load_lexicon("fr"))
    (vierzac,) = (m for m in mentions if m.text == "Vierzac")
    assert (("Place", 2.0) in vierzac.votes) is place


def test_rules_a_country_named_like_a_demonym_is_a_place(nlp: object) -> None:
    x = _parsed(
        "Le logiciel de la start-up suisse Brindel est déployé dans 140 hôpitaux en France et "
        "en Suisse."
    )
    assert {e.key: e.cls for e in x.entities}.get("suisse") == "Place"


def test_rules_a_title_before_coordinated_names_is_each_one_s(nlp: object) -> None:
    x = _parsed(
        "La fintech Kelvane a été rachetée par le groupe Brindel. Ses deux fondateurs, Julie "
        "Lunel et Marc Ferhat, conservent 10 % du capital."
    )
    assert {
        ("julielunel", "founderOf", "kelvane"),
        ("marcferhat", "founderOf", "kelvane"),
    } <= _triples(x)


@pytest.mark.parametrize(
    ("text", "name", "cls"),
    [
        ("Le modèle Orvane-2 a été entraîné sur des puces Kestrane.", "kestrane", "Organization"),
        ("Le modèle Orvane-2 a été entraîné sur des GPU KX200.", "kx200", "Hardware"),
        (
            "Le supercalculateur intègre des processeurs Vortal de la société Kestrane.",
            "vortal",
            "Hardware",
        ),
    ],
)
def test_rules_a_plain_name_after_plural_artefacts_is_their_maker(
    nlp: object, text: str, name: str, cls: str
) -> None:
    classes = {e.key: e.cls for e in _parsed(text).entities}
    assert ("Organization" if classes[name] == "Company" else classes[name]) == cls


@pytest.mark.parametrize(
    ("text", "based"),
    [
        (
            "Le groupe vierzonnais Brindel a racheté Kestrane. Le groupe emploie 400 personnes "
            "à Vierzon et à Nevers.",
            True,
        ),
        ("Le groupe Brindel a racheté Kestrane. Il emploie 400 personnes à Vierzon.", False),
    ],
)
def test_rules_a_demonym_presenting_a_company_names_its_city(
    nlp: object, text: str, based: bool
) -> None:
    relations = {(r.subject, r.predicate, r.object) for r in _parsed(text).relations}
    assert (("brindel", "basedIn", "vierzon") in relations) is based
    assert ("brindel", "basedIn", "nevers") not in relations


def test_rules_a_place_named_as_one_is_no_artefact(nlp: object) -> None:
    x = _parsed(
        "Le distributeur alimentaire Brindel, qui exploite 640 supermarchés dans la "
        "Basse-Morvanie, a annoncé la nomination de Julie Lunel au poste de directrice générale."
    )
    assert {e.key: e.cls for e in x.entities}["bassemorvanie"] == "Place"
    assert not [r for r in x.relations if r.predicate == "usesHardware"]


def test_rules_a_business_angel_is_a_person(nlp: object) -> None:
    x = _parsed(
        "L'opération a été menée par le fonds parisien Orvane Capital, aux côtés de Kestrane "
        "et du business angel néerlandais Pieter Van Veen."
    )
    assert {e.key: e.cls for e in x.entities}["pietervanveen"] == "Person"


@pytest.mark.parametrize(
    "succession",
    ["Il sera remplacé le 1er avril par Marc Ferhat.", "Marc Ferhat succédera à Paul Lunel."],
)
def test_rules_a_successor_takes_the_title_of_the_one_replaced(
    nlp: object, succession: str
) -> None:
    x = _parsed(
        "Paul Lunel, directeur général de Brindel depuis 2019, quittera ses fonctions en "
        f"mars. {succession}"
    )
    assert ("marcferhat", "ceoOf", "brindel") in _triples(x)


@pytest.mark.parametrize(
    "text",
    [
        # a common acronym inside the title's complement is no name the title is about
        "« Le calendrier tient », a souligné Inès Ternier, directrice de l'IA générative chez "
        "Orvane.",
        # an age and an adverb of the present between the name and its title
        "Elle sera remplacée par Inès Ternier, 47 ans, actuellement directrice de la logistique "
        "d'Orvane.",
    ],
)
def test_rules_a_title_reaches_its_person_and_organisation(nlp: object, text: str) -> None:
    x = _parsed(text)
    assert ("inesternier", "worksFor", "orvane") in _triples(x)


KICKER = """
Biotech   X     ROOT      0  biotech    _
:         PUNCT punct     0  :          _
Norvane   PROPN nsubj     3  Norvane    B-MISC
boucle    VERB  dep       0  boucler    I-MISC
une       DET   det       5  un         _
série     NOUN  obj       3  série      _
A         NOUN  nmod      5  a          _
"""


def test_rules_paragraph_openings_are_the_sentences_after_a_later_line_break(nlp: object) -> None:
    from kg.extract.mentions import _paragraph_openings, sentence_of_tokens
    from kg.nlp import parse

    doc = parse(
        "Norvane lève 20 millions\nNorvane a levé 20 millions. Le tour est mené par Talmore."
        "\nLa société a été fondée en 2021. Elle emploie 40 personnes."
    )
    assert _paragraph_openings(doc, sentence_of_tokens(doc)) == {3}


@pytest.mark.parametrize(
    ("text", "leaderboard"),
    [
        # the parser reads "classe" as a noun after "se"; "derrière X" compares, it ranks no X
        (
            "Orsa-4 se classe à la cinquième place du classement, juste derrière Talvex-2 et "
            "devant Kormo 3.",
            None,
        ),
        # "pointe" read as an adjective; the leaderboard after "sur le"
        (
            "Sur le Brevia Leaderboard de Talvique, Orsa-4 pointe à la cinquième place, juste "
            "derrière Talvex-2 et devant Kormo 3, de Norvane.",
            "brevialeaderboard",
        ),
    ],
)
def test_rules_a_misread_ranking_verb_ranks_its_subject(
    nlp: object, text: str, leaderboard: str | None
) -> None:
    x = _parsed(text)
    rankings = [f for f in x.facts if f.cls == "Ranking"]
    assert [(f.role("rankedItem"), f.role("leaderboard"), f.value("rank")) for f in rankings] == [
        ("orsa4", leaderboard, 5)
    ]
    assert _triples(x) >= {
        ("orsa4", "rankedBelow", "talvex2"),
        ("orsa4", "rankedAbove", "kormo3"),
    }


def test_rules_a_name_after_a_preposition_is_no_subject(nlp: object) -> None:
    # the parser leaves "possède" without a subject: the name before it is a place
    x = _parsed(
        "Norvane Capital a franchi le seuil de 5 % du capital de Talvique. Le gestionnaire "
        "basé à Oslo possède désormais 5,12 % de Talvique."
    )
    assert not any(f.role("stakeholder") == "oslo" for f in x.facts)


def test_rules_an_opening_participle_of_any_ending_names_nothing(nlp: object) -> None:
    x = _parsed(
        "Norvane fabrique des bogies.\nÉtabli à Valenciennes, Norvane, qui fabrique notamment "
        "des bogies, compte aussi Bpifrance parmi ses actionnaires."
    )
    assert "etabli" not in _classes(x)


def test_rules_the_subjects_of_an_inverted_relative_join_the_round(nlp: object) -> None:
    x = _parsed(
        "Norvane a bouclé une série A de 18 millions d'euros. L'opération a été menée par "
        "Elvora, qu'ont accompagné Kurvane Partners et le business angel Paul Almeras."
    )
    round_ = _round(x)
    assert round_.role("leadInvestor") == "elvora"
    assert {k for r, k in round_.roles if r == "investor"} == {"kurvanepartners", "paulalmeras"}


AGENCY_THEN_PERSON = """
a         AUX   aux:tense 1  avoir      _
assuré    VERB  ROOT      1  assurer    _
à         ADP   case      4  à          _
l'+       DET   det       4  le         _
AFP       PROPN obl       1  AFP        B-ORG
Inès      PROPN nsubj     1  Inès       B-PER
Ternier   PROPN flat:name 5  Ternier    I-PER
.         PUNCT punct     1  .          _
"""


@pytest.mark.parametrize(
    "text",
    [
        "La start-up Norvane a présenté ce jeudi deux nouveaux modèles de langage, Pastane-3 Pro "
        "et Pastane-3 Lite.",
        "Norvane a présenté mardi deux modèles : Pastane-3 Pro, son modèle phare, et Pastane-3 "
        "Lite.",
    ],
)
def test_rules_a_verb_relates_the_names_listed_after_its_plural_object(
    nlp: object, text: str
) -> None:
    x = _parsed(text)
    assert {(r.subject, r.object) for r in x.relations if r.predicate == "developedBy"} == {
        ("pastane3pro", "norvane"),
        ("pastane3lite", "norvane"),
    }


def test_rules_the_subject_of_a_relative_clause_on_the_round_joins_it(nlp: object) -> None:
    x = _parsed(
        "Norvane a bouclé un tour de table de 45 millions de dollars mené par Elvora Capital, "
        "auquel le fonds Kurvane Partners s'est joint."
    )
    round_ = _round(x)
    assert round_.role("leadInvestor") == "elvoracapital"
    assert {k for r, k in round_.roles if r == "investor"} == {"kurvanepartners"}


CUT_BEFORE_CUE = """
le        DET   det       1  le         _
fonds     NOUN  nsubj     4  fonds      _
Alpes     PROPN nmod      1  Alpes      B-LOC
Deeptech  PROPN flat:name 2  Deeptech   B-PER
investit  VERB  ROOT      4  investir   _
.         PUNCT punct     4  .          _
"""


def test_rules_a_list_opening_the_sentence_is_its_subject(nlp: object) -> None:
    x = _parsed(
        "Norvane lève 62 millions de dollars. Novo Holdings, Elvora Partners et le fonds "
        "luxembourgeois Kurvane Capital complètent l'opération."
    )
    round_ = _round(x)
    assert {k for r, k in round_.roles if r == "investor"} == {
        "novoholdings",
        "elvorapartners",
        "kurvanecapital",
    }


PARTICIPLE_IN_NAME = """
Baptisée  VERB  advcl     5  baptiser   B-ORG Gender=Fem|Number=Sing|Tense=Past|VerbForm=Part
Norvane+  PROPN xcomp     0  Norvane    I-ORG
,         PUNCT punct     0  ,          _
la        DET   det       4  le         _
société   NOUN  nsubj     5  société    _
emploie   VERB  ROOT      5  employer   _
.         PUNCT punct     5  .          _
"""


@pytest.mark.parametrize(
    ("sentence", "valued"),
    [
        ("Le coût du parc est estimé à 1,1 milliard d'euros.", set()),
        ("La start-up est valorisée à 1,1 milliard d'euros.", {"norvane"}),
    ],
)
def test_rules_a_passive_valuation_of_a_thing_values_no_company(
    nlp: object, sentence: str, valued: set[str]
) -> None:
    x = _parsed(f"La start-up Norvane construit un parc éolien en Bretagne. {sentence}")
    assert {f.role("valuationOf") for f in x.facts if f.cls == "Valuation"} == valued


@pytest.mark.parametrize(
    ("table", "labels"),
    [
        (KICKER, {"Norvane"}),  # NER reads "Norvane boucle" as one name after a kicker
        (AGENCY_THEN_PERSON, {"AFP", "Inès Ternier"}),  # no brand grows over a person's name
        (CUT_BEFORE_CUE, {"Alpes Deeptech"}),  # a capitalised cue word NER cut off ends it
        (PARTICIPLE_IN_NAME, {"Norvane"}),  # an opening participle NER glued to it
    ],
)
def test_rules_name_boundaries_on_hand_built_parses(
    fr_vocab: Vocab, table: str, labels: set[str]
) -> None:
    doc = make_doc(fr_vocab, table)
    x = extract(Document(doc_id="t", text=doc.text), doc)
    assert {e.label for e in x.entities} == labels


@pytest.mark.parametrize(("dep", "expected"), [("nsubj", "Entity"), ("obj", "Place")])
def test_rules_a_subject_that_only_ner_calls_a_place_is_no_place(
    fr_vocab: Vocab, dep: str, expected: str
) -> None:
    table = f"""
Norvane   PROPN {dep:9} 1  Norvane    B-LOC
dépense   VERB  ROOT      1  dépenser   _
18        NUM   nummod    3  18         _
millions  NOUN  obj       1  million    _
.         PUNCT punct     1  .          _
"""
    doc = make_doc(fr_vocab, table)
    x = extract(Document(doc_id="t", text=doc.text), doc)
    assert _classes(x) == {"norvane": expected}


@pytest.mark.parametrize(
    ("word", "toponym"),
    [
        ("Bourgogne-Franche-Comté", True),
        ("Hauts-de-France", True),
        ("Saint-Nazaire", True),
        ("Villefranche-sur-Saône", True),
        ("Axo-Picker", False),  # two capitalised words: a brand as often as a place
        ("CEA-Leti", False),
        ("Kora-3", False),
    ],
)
def test_rules_french_place_names_are_no_brand_shape(word: str, toponym: bool) -> None:
    from kg.extract.mentions import _is_toponym_shape, _looks_like_a_brand

    assert _is_toponym_shape(word) is toponym
    assert _looks_like_a_brand([word]) is (not toponym)


@pytest.mark.parametrize(
    ("text", "artefact"),
    [
        ("Le rival le plus direct reste le Zephyr, la fusée de l'américain Orbitane.", "zephyr"),
        ("Le laboratoire Kelvane a cédé une licence sur KLV-12, une molécule en phase 2.", "klv12"),
        ("La puce équipera la Corvette, la berline électrique que Voltane vendra.", "corvette"),
    ],
)
def test_rules_a_rocket_a_drug_or_a_car_is_a_product(nlp: object, text: str, artefact: str) -> None:
    # NER reads a one-word product as a place, and a code as a model
    assert _classes(_parsed(text))[artefact] == "Product"


def test_rules_an_artefacts_maker_told_by_its_noun_phrase_is_not_negated(nlp: object) -> None:
    # the clause denies the evaluation, not who made the model
    x = _parsed("Kora-3, d'Orvane, n'a en revanche pas été évalué.")
    assert [(r.subject, r.predicate, r.object, r.modality) for r in x.relations] == [
        ("kora3", "developedBy", "orvane", "Asserted")
    ]


@pytest.mark.parametrize(
    ("text", "cls", "now", "before"),
    [
        (
            "Kelvane détient désormais 30 % de Tolvane, contre 12 % il y a un an.",
            "Stake",
            (("percent", Decimal(30)),),
            (("percent", Decimal(12)),),
        ),
        (
            "La transaction valorise Tolvane à 2,4 Md€, contre 1,5 Md€ lors de sa dernière levée.",
            "Valuation",
            (("amount", Decimal(2_400_000_000)), ("currency", "EUR")),
            (("amount", Decimal(1_500_000_000)), ("currency", "EUR")),
        ),
    ],
)
def test_rules_a_value_after_contre_is_the_facts_earlier_value(
    nlp: object, text: str, cls: str, now: tuple, before: tuple
) -> None:
    x = _parsed(text)
    facts = [f for f in x.facts if f.cls == cls]
    assert [f.values for f in facts] == [now, before]
    assert facts[0].roles == facts[1].roles


def test_rules_the_item_a_leader_is_followed_by_ranks_below_it(nlp: object) -> None:
    x = _parsed("Dans le classement Talos, Kora-3 arrive en tête, suivi de Brax-V.")
    assert ("kora3", "rankedAbove", "braxv") in _triples(x)


def test_rules_a_possessive_title_belongs_to_a_company_ner_reads_as_a_place(nlp: object) -> None:
    # NER reads "Corvalis" as a place; the roles it has played by then make it a company
    x = _parsed(
        "Rask Kapital Management (RKM) a déclaré à l'Autorité des marchés financiers (AMF) "
        "avoir franchi le 9 février le seuil de 5 % du capital de Corvalis. Le gestionnaire "
        "basé à Oslo possède désormais 5,12 % de l'équipementier ferroviaire.\n"
        "Établi à Vierzon, Corvalis, qui fabrique notamment des bogies, compte aussi "
        "Vantor Invest parmi ses principaux actionnaires, avec 7,5 % du capital. « Nous "
        "accueillons cet investisseur », a réagi son directeur général, Paul Vidrac."
    )
    assert [t for t in _triples(x) if t[1] == "ceoOf"] == [("paulvidrac", "ceoOf", "corvalis")]


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        (
            "Établi à Vierzon, Kelvane, qui fabrique des bogies, compte Vantor parmi ses clients.",
            True,
        ),
        # a list of agents in the opening phrase is no subject
        ("Fondé par Paul Vidrac, Kelvane Morin et Léa Vidrac, Vantor recrute.", False),
    ],
)
def test_rules_the_name_after_an_opening_participle_phrase_is_the_subject(
    nlp: object, text: str, subject: bool
) -> None:
    # the parser breaks on such sentences and finds no subject
    from kg.extract.mentions import find_mentions
    from kg.lexicon import load_lexicon
    from kg.nlp import parse

    mentions = find_mentions(parse(text), text, onto=load_ontology("fr"), lex=load_lexicon("fr"))
    (kelvane,) = (m for m in mentions if m.text.startswith("Kelvane"))
    assert kelvane.subject is subject


def test_rules_a_capitalised_word_a_cue_noun_introduces_is_a_name_ner_missed(nlp: object) -> None:
    x = _parsed("Suivent Brixa, quatrième, et la start-up nantaise Brovane, cinquième.")
    assert _classes(x)["brovane"] == "Company"


def test_rules_a_value_after_contre_is_no_value_of_the_facts_told_now(nlp: object) -> None:
    # "1,1 milliard", its currency left out, is the earlier valuation, not the round's amount
    x = _parsed(
        "Kelvane prépare une levée de fonds de 400 millions d'euros. Le tour de table, mené "
        "par le fonds Merlane Capital, valorise l'entreprise à 2,5 Md€, contre 1,1 milliard "
        "lors de son précédent financement."
    )
    round_ = _round(x)
    assert round_.roles == (("investee", "kelvane"), ("leadInvestor", "merlanecapital"))
    assert round_.value("amount") == Decimal(400_000_000)
    assert [f.value("amount") for f in x.facts if f.cls == "Valuation"] == [
        Decimal(2_500_000_000),
        Decimal(1_100_000_000),
    ]


def test_rules_an_investor_brings_an_amount(nlp: object) -> None:
    # "Vantor Invest 8 millions": the amount after a name is none of it
    x = _parsed(
        "Kelvane a levé 30 millions d'euros. Vantor Invest apporte 18 millions d'euros, Orvane "
        "Capital 8 millions et Tolvane 4 millions."
    )
    assert {"vantorinvest", "orvanecapital", "tolvane"} <= set(_classes(x))
    investments = {
        (f.role("investor"), f.role("investee"), f.value("amount"))
        for f in x.facts
        if f.cls == "Investment"
    }
    assert ("vantorinvest", "kelvane", Decimal(18_000_000)) in investments
    round_ = _round(x)
    assert ("investor", "vantorinvest") in round_.roles  # its share makes it the round's investor


def test_rules_a_levee_is_a_funding_round(nlp: object) -> None:
    x = _parsed("Kelvane préparerait une levée de 40 millions d'euros.")
    assert [(f.cls, f.role("investee"), f.value("amount"), f.modality) for f in x.facts] == [
        ("FundingRound", "kelvane", Decimal(40_000_000), "Reported")
    ]


def test_rules_investors_joining_the_lead_each_after_par(nlp: object) -> None:
    x = _parsed(
        "La start-up Kestrane a levé 25 millions d'euros. Le tour a été mené par Ardane Capital, "
        "rejoint par le fonds américain Brightwood Ventures, par Vantor Invest et par le groupe "
        "japonais Hoshina."
    )
    round_ = _round(x)
    assert [k for r, k in round_.roles if r == "investor"] == [
        "brightwoodventures",
        "vantorinvest",
        "hoshina",
    ]


def test_rules_a_specialist_named_by_its_trade_is_a_company(nlp: object) -> None:
    x = _parsed("Brindel avait racheté en 2023 le spécialiste du stockage Vorlane.")
    assert _classes(x)["vorlane"] == "Company"


@pytest.mark.parametrize(
    "text",
    [
        "Le groupe Kelvane met la main sur la start-up Tolvane.",
        "Le groupe Kelvane a mis la main sur la start-up Tolvane.",
        # the agent of the noun's action is its subject
        "Le rachat de Tolvane par Kelvane a été finalisé.",
    ],
)
def test_rules_ways_to_acquire_a_company(nlp: object, text: str) -> None:
    assert _triples(_parsed(text)) == {("kelvane", "acquired", "tolvane")}
