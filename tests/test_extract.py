"""Extraction rules on hand-built parses: no statistical model involved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from spacy.vocab import Vocab

from kg.extract import extract
from kg.model import Document, Extraction
from tests.docs import make_doc

TITLE = """
Claire    PROPN nsubj     8 Claire   B-PER
Martin+   PROPN flat:name 0 Martin   I-PER
,         PUNCT punct     3 ,        _
PDG       NOUN  appos     0 PDG      _ Number=Sing
de        ADP   case      5 de       _
Nexaria+  PROPN nmod      3 Nexaria  B-ORG
,         PUNCT punct     3 ,        _
a         AUX   aux:tense 8 avoir    _
parlé+    VERB  ROOT      8 parler   _
.         PUNCT punct     8 .        _
"""

STAKE = """
Borealis  PROPN nsubj     1 Borealis B-ORG
pourrait  VERB  ROOT      1 pouvoir  _ Mood=Cnd
détenir   VERB  xcomp     1 détenir  _
20        NUM   nummod    4 20       _
%         NOUN  obj       2 %        _
de        ADP   case      6 de       _
Nexaria+  PROPN nmod      4 Nexaria  B-ORG
.         PUNCT punct     1 .        _
"""

FUNDING = """
Nexaria   PROPN nsubj     2 Nexaria  B-ORG
a         AUX   aux:tense 2 avoir    _
levé      VERB  ROOT      2 lever    _
12        NUM   nummod    4 12       _
millions  NOUN  obj       2 million  _
d'+       ADP   case      6 de       _
euros     NOUN  nmod      4 euro     _
auprès    ADP   case      9 auprès   _
de        ADP   fixed     7 de       _
Borealis+ PROPN obl       2 Borealis B-ORG
.         PUNCT punct     2 .        _
"""

DEVELOPS = """
Nexaria   PROPN nsubj     2 Nexaria  B-ORG
a         AUX   aux:tense 2 avoir    _
développé VERB  ROOT      2 développer _
Orion-2+  PROPN obj       2 Orion-2  _
.         PUNCT punct     2 .        _
"""

# NER cut the name after its first word ("Silver" LOC), and tagged "Grove" nothing
CUT_NAME = """
Nexaria   PROPN nsubj     1 Nexaria  B-ORG
rejoint   VERB  ROOT      1 rejoindre _
Silver    PROPN obj       1 Silver   B-LOC
Grove+    PROPN flat:name 2 Grove    _
.         PUNCT punct     1 .        _
"""

# the parser hung "par Claire Martin" on the next verb instead of the passive participle
PASSIVE_AGENT_ELSEWHERE = """
Brindel+  PROPN ROOT       0  Brindel  B-ORG
,         PUNCT punct      0  ,        _
qui       PRON  nsubj:pass 5  qui      _ PronType=Rel
a         AUX   aux:tense  5  avoir    _
été       AUX   aux:pass   5  être     _
créée     VERB  acl:relcl  0  créer    _ Tense=Past|VerbForm=Part|Voice=Pass
par       ADP   case       7  par      _
Claire    PROPN nsubj      11 Claire   B-PER
Martin+   PROPN flat:name  7  Martin   I-PER
,         PUNCT punct      7  ,        _
emploie   VERB  conj       5  employer _
40        NUM   nummod     13 40       _
salariés+ NOUN  obj        11 salarié  _
.         PUNCT punct      0  .        _
"""

# "la jeune pousse X": the tagger read "pousse" as a verb
SEVERAL_WORD_CUE = """
La        DET   det        1 le       _
jeune     ADJ   nsubj      2 jeune    _
pousse    VERB  ROOT       2 pousser  _
Brindel   PROPN obj        2 Brindel  B-ORG
recrute+  VERB  conj       2 recruter _
.         PUNCT punct      2 .        _
"""

# "employer" is a cue of usesHardware; a place phrase is not what is used
PLACE_PHRASE = """
Brindel   PROPN nsubj   1 Brindel  B-ORG
emploie   VERB  ROOT    1 employer _
60        NUM   nummod  3 60       _
personnes NOUN  obj     1 personne _
dans      ADP   case    6 dans     _
son       DET   det     6 son      _
siège     NOUN  obl:arg 1 siège    _
de        ADP   case    8 de       _
Annecy+     PROPN nmod    6 Annecy     B-LOC
.         PUNCT punct   1 .        _
"""

# the place clause opens the sentence and runs past its cue before the subject's comma
FRONTED_PLACE = """
Installée   VERB  advcl   10 installer _
à           ADP   case    2  à         _
Annecy        PROPN obl:mod 0  Annecy      B-LOC
depuis      ADP   case    7  depuis    _
plus        ADV   advmod  6  plus      _
de          ADP   case    4  de        _
dix         NUM   nummod  7  dix       _
ans+        NOUN  obl:mod 0  an        _
,           PUNCT punct   0  ,         _
Brindel     PROPN nsubj   10 Brindel   B-ORG
recrute     VERB  ROOT    10 recruter  _
40          NUM   nummod  12 40        _
ingénieurs+ NOUN  obj     10 ingénieur _
.           PUNCT punct   10 .         _
"""

# the tagger read the opening participle as a place name; the agents come in two "par"
FRONTED_AGENTS = """
Cofondé   PROPN ROOT      0  Cofondé   B-LOC
en        ADP   case      2  en        _
2019      NUM   nmod      0  2019      _
par       ADP   case      4  par       _
Julia     PROPN obl:agent 0  Julia     B-PER
Serra+    PROPN flat:name 4  Serra     I-PER
,         PUNCT punct     4  ,         _
son       DET   det       8  son       _
patron+   NOUN  appos     4  patron    _
,         PUNCT punct     0  ,         _
et        CCONJ cc        12 et        _
par       ADP   case      12 par       _
Marc      PROPN conj      0  Marc      B-PER
Petit+    ADJ   flat:name 12 petit     I-PER
,         PUNCT punct     12 ,         _
Brindel   PROPN dep       12 Brindel   B-PER
recrute+  VERB  acl       12 recruter  _ Tense=Past|VerbForm=Part
.         PUNCT punct     0  .         _
"""

# "améliorer" is no cue: only the name says whose assistant it is
NAMED_AFTER_MAKER = """
La        DET   det       1 le        _
start-up  NOUN  nsubj     3 start-up  _
Brindel   PROPN flat:name 1 Brindel   B-PER
améliore  VERB  ROOT      3 améliorer _
l'+       DET   det       5 le        _
assistant NOUN  obj       3 assistant _
Brindel   PROPN nmod      5 Brindel   B-PER
Chat+     NOUN  nmod      5 chat      I-PER
.         PUNCT punct     3 .         _
"""

IN_HOUSE = """
Le        DET   det       1 le        _
logiciel  NOUN  nsubj     4 logiciel  _
de        ADP   case      3 de        _
Brindel   PROPN nmod      1 Brindel   B-ORG
utilise   VERB  ROOT      4 utiliser  _
Kora-2+   PROPN obj       4 Kora-2    B-MISC
,         PUNCT punct     4 ,         _
un        DET   det       8 un        _
modèle    NOUN  obj       4 modèle    _
maison+   PRON  nmod      8 maison    _
.         PUNCT punct     4 .         _
"""

# the round's lead in the next sentence; the parser hung the reinvestors on the first verb
ROUND_CONTINUED = """
Brindel      PROPN nsubj       1 Brindel    B-ORG
lève         VERB  ROOT        1 lever      _
5            NUM   nummod      3 5          _
millions     NOUN  obj         1 million    _
d'+          ADP   case        5 de         _
euros+       NOUN  nmod        3 euro       _
.            PUNCT punct       1 .          _
Le           DET   det         8 le         _ Definite=Def
tour         NOUN  nsubj:pass 11 tour       _
a            AUX   aux:tense  11 avoir      _
été          AUX   aux:pass   11 être       _ Tense=Past|VerbForm=Part
mené         VERB  ROOT       11 mener      _ Tense=Past|VerbForm=Part|Voice=Pass
par          ADP   case       13 par        _
Orvane       PROPN obl:agent  11 Orvane     B-ORG
Capital      PROPN flat:name  13 Capital    I-ORG
;            PUNCT punct      11 ;          _
Korvel        PROPN conj       11 Korvel      B-ORG
Partners     PROPN flat:name  16 Partners   I-ORG
et           CCONJ cc         19 et         _
Arlo         PROPN conj       16 Arlo       B-ORG
Ventures+    PROPN flat:name  19 Ventures   I-ORG
,            PUNCT punct      16 ,          _
déjà         ADV   advmod     23 déjà       _
présents     ADJ   amod       16 présent    _
au           ADP   case       25 au         _
capital+     NOUN  nmod       23 capital    _
,            PUNCT punct      16 ,          _
ont          AUX   aux:tense  28 avoir      _
réinvesti+   VERB  advcl      11 réinvestir _ Tense=Past|VerbForm=Part
.            PUNCT punct      28 .          _
"""

# the relative clause hung on the verb before the name it is about
RELATIVE_ON_VERB = """
Orvane    PROPN nsubj     1 Orvane   B-ORG
recrute+  VERB  ROOT      1 recruter _
,         PUNCT punct     3 ,        _
explique  VERB  parataxis 1 expliquer _
Fiona     PROPN nsubj     3 Fiona    B-PER
Ash+      PROPN flat:name 4 Ash      I-PER
,         PUNCT punct     8 ,        _
qui       PRON  nsubj     8 qui      _
dirige    VERB  acl:relcl 3 diriger  _
Korvel+    PROPN obj       8 Korvel    B-ORG
.         PUNCT punct     1 .        _
"""

# NER read a company as a person; its last word is a common noun, not a surname
COMMON_WORD_NAME = """
Aquiti    PROPN nsubj     2 Aquiti   B-PER
Gestion   NOUN  flat:name 0 gestion  I-PER
investit+ VERB  ROOT      2 investir _
.         PUNCT punct     2 .        _
"""

# a name opening the sentence, tagged as an adverb, then its apposition
OPENING_NAME = """
Zenseact   ADV   advmod    7 zenseact   B-ORG
,          PUNCT punct     7 ,          _
la         DET   det       3 le         _
filiale    NOUN  nsubj     7 filiale    _
de         ADP   case      5 de         _
Volvo      PROPN nmod      3 Volvo      B-ORG
Cars+      PROPN flat:name 5 Cars       I-ORG
,          PUNCT punct     7 ,          _
pilotera   VERB  ROOT      7 piloter    _
.          PUNCT punct     7 .          _
"""

# a headline of common words NER took for a name
HEADLINE_PHRASE = """
Changement NOUN  ROOT      0 changement B-MISC
de         ADP   case      2 de         I-MISC
cap        NOUN  nmod      0 cap        I-MISC
chez       ADP   case      4 chez       _
Nexaria+   PROPN nmod      0 Nexaria    B-ORG
.          PUNCT punct     0 .          _
"""

# a first word that marks organisations, on a name NER took for a place
PREFIXED_NAME = """
La         DET   det       1 le         _
Clinique   PROPN nsubj     4 Clinique   B-LOC
des        ADP   case      3 de         I-LOC
Ormeaux    PROPN nmod      1 Ormeaux    I-LOC
recrute+   VERB  ROOT      4 recruter   _
.          PUNCT punct     4 .          _
"""

# NER cut an organisation's name before the words that end on its suffix
SUFFIX_SPLIT = """
Le         DET   det       1 le         _
fonds      NOUN  nsubj     5 fonds      _
Alpes      PROPN nmod      1 Alpes      B-LOC
Nordtech   PROPN flat:name 2 Nordtech   B-PER
Partners   PROPN flat:name 2 Partners   I-PER
investit+  VERB  ROOT      5 investir   _
.          PUNCT punct     5 .          _
"""

# NER tagged the first "Nexaria" only
NAME_AGAIN = """
Nexaria   PROPN nsubj     1  Nexaria  B-ORG
recrute+  VERB  ROOT      1  recruter _
.         PUNCT punct     1  .        _
Claire    PROPN nsubj     11 Claire   B-PER
Martin+   PROPN flat:name 3  Martin   I-PER
,         PUNCT punct     6  ,        _
PDG       NOUN  appos     3  PDG      _ Number=Sing
de        ADP   case      8  de       _
Nexaria+  PROPN nmod      6  Nexaria  _
,         PUNCT punct     6  ,        _
a         AUX   aux:tense 11 avoir    _
parlé+    VERB  ROOT      11 parler   _
.         PUNCT punct     11 .        _
"""

# NER tagged both longer names PER: two capitalised words
NOT_PEOPLE = """
Nexaria   PROPN nsubj     1 Nexaria  B-ORG
lance     VERB  ROOT      1 lancer   _
Nexaria   PROPN obj       1 Nexaria  B-PER
Flux+     PROPN flat:name 2 Flux     I-PER
.         PUNCT punct     1 .        _
Borealis  PROPN nsubj     7 Borealis B-PER
Capital   PROPN flat:name 5 Capital  I-PER
recrute+  VERB  ROOT      7 recruter _
.         PUNCT punct     7 .        _
"""


# the parser hung "Kestrane" on "logiciel", past a participle and "parmi lesquels"
FAR_APPOSITION = """
Brindel        PROPN nsubj     1  Brindel    B-ORG
vend           VERB  ROOT      1  vendre     _
un             DET   det       3  un         _
logiciel       NOUN  obj       1  logiciel   _ Number=Sing
utilisé        VERB  acl       3  utiliser   _
par            ADP   case      7  par        _
900            NUM   nummod    7  900        _
transporteurs+ NOUN  obl:agent 4  transporteur _
,              PUNCT punct     3  ,          _
parmi          ADP   case      10 parmi      _
lesquels       PRON  nmod      11 lequel     _
Kestrane+      PROPN appos     3  Kestrane   B-ORG
.              PUNCT punct     1  .          _
"""


def _extract(vocab: Vocab, table: str) -> Extraction:
    doc = make_doc(vocab, table)
    return extract(Document(doc_id="t", text=doc.text), doc)


def _classes(x: Extraction) -> dict[str, str]:
    return {e.label: e.cls for e in x.entities}


def test_extract_title_apposition_gives_ceo(fr_vocab: Vocab) -> None:
    x = _extract(fr_vocab, TITLE)
    assert _classes(x) == {"Claire Martin": "Person", "Nexaria": "Organization"}
    assert [(r.subject, r.predicate, r.object, r.modality) for r in x.relations] == [
        ("clairemartin", "ceoOf", "nexaria", "Asserted")
    ]
    ev = x.relations[0].evidence
    assert x.document.text[ev.start : ev.end] == "PDG de Nexaria"


def test_extract_hedged_stake_keeps_range_and_modality(fr_vocab: Vocab) -> None:
    x = _extract(fr_vocab, STAKE)
    # the stake's holder invests in the company, as hedged as the stake (kg:factChain)
    assert [(r.subject, r.predicate, r.object, r.modality) for r in x.relations] == [
        ("borealis", "investsIn", "nexaria", "Possible")
    ]
    (fact,) = x.facts
    assert fact.cls == "Stake"
    assert fact.role("stakeholder") == "borealis"
    assert fact.role("stakeIn") == "nexaria"
    assert fact.value("percent") == Decimal("20")
    assert fact.modality == "Possible"


def test_extract_funding_round_with_investor_and_amount(fr_vocab: Vocab) -> None:
    x = _extract(fr_vocab, FUNDING)
    (fact,) = x.facts
    assert fact.cls == "FundingRound"
    assert dict(fact.roles) == {"investee": "nexaria", "investor": "borealis"}
    assert dict(fact.values) == {"amount": Decimal(12_000_000), "currency": "EUR"}
    assert fact.modality == "Asserted"


def test_extract_inverse_verb_cue_gives_developed_by(fr_vocab: Vocab) -> None:
    x = _extract(fr_vocab, DEVELOPS)
    assert _classes(x)["Orion-2"] == "AIModel"
    assert [(r.subject, r.predicate, r.object) for r in x.relations] == [
        ("orion2", "developedBy", "nexaria")
    ]


@pytest.mark.parametrize("table", [TITLE, STAKE, FUNDING, DEVELOPS])
def test_extract_evidence_spans_lie_in_their_sentence(fr_vocab: Vocab, table: str) -> None:
    x = _extract(fr_vocab, table)
    for item in (*x.relations, *x.facts):
        sentence = x.sentences[item.evidence.sentence]
        assert sentence.start <= item.evidence.start < item.evidence.end <= sentence.end


def test_extract_a_name_ner_cut_short_gets_its_next_proper_noun(fr_vocab: Vocab) -> None:
    x = _extract(fr_vocab, CUT_NAME)
    assert sorted(e.label for e in x.entities) == ["Nexaria", "Silver Grove"]


def test_extract_a_headline_phrase_is_no_name(fr_vocab: Vocab) -> None:
    # cut at its first lower-case word, "Changement de cap" must not leave "Changement de"
    assert _classes(_extract(fr_vocab, HEADLINE_PHRASE)) == {"Nexaria": "Organization"}


def test_extract_a_name_ner_split_before_its_suffix_is_one_name(fr_vocab: Vocab) -> None:
    assert _classes(_extract(fr_vocab, SUFFIX_SPLIT)) == {"Alpes Nordtech Partners": "Organization"}


def test_extract_a_name_prefix_cue_types_the_name(fr_vocab: Vocab) -> None:
    assert _classes(_extract(fr_vocab, PREFIXED_NAME)) == {"Clinique des Ormeaux": "Organization"}


def test_extract_a_passive_agent_the_parser_hung_elsewhere(fr_vocab: Vocab) -> None:
    x = _extract(fr_vocab, PASSIVE_AGENT_ELSEWHERE)
    assert [(r.subject, r.predicate, r.object) for r in x.relations] == [
        ("clairemartin", "founderOf", "brindel")
    ]


def test_extract_a_cue_of_several_words_types_the_name_after_it(fr_vocab: Vocab) -> None:
    assert _classes(_extract(fr_vocab, SEVERAL_WORD_CUE)) == {"Brindel": "Company"}


def test_extract_a_place_phrase_is_not_an_object(fr_vocab: Vocab) -> None:
    x = _extract(fr_vocab, PLACE_PHRASE)
    # "emploie ... dans son siège de Annecy": Annecy is where Brindel is based (the cue "siège de"),
    # never what it employs
    assert [(r.subject, r.predicate, r.object) for r in x.relations] == [
        ("brindel", "basedIn", "annecy")
    ]
    assert _classes(x) == {"Brindel": "Organization", "Annecy": "Place"}


def test_extract_a_fronted_place_clause_gives_the_subject_after_its_comma(
    fr_vocab: Vocab,
) -> None:
    x = _extract(fr_vocab, FRONTED_PLACE)
    assert [(r.subject, r.predicate, r.object) for r in x.relations] == [
        ("brindel", "basedIn", "annecy")
    ]


def test_extract_a_fronted_participle_read_as_a_name_still_gives_its_agents(
    fr_vocab: Vocab,
) -> None:
    x = _extract(fr_vocab, FRONTED_AGENTS)
    founders = {(r.subject, r.object) for r in x.relations if r.predicate == "founderOf"}
    assert founders == {("juliaserra", "brindel"), ("marcpetit", "brindel")}


def test_extract_an_artefact_named_after_an_organisation_is_its_own(fr_vocab: Vocab) -> None:
    x = _extract(fr_vocab, NAMED_AFTER_MAKER)
    assert _classes(x) == {"Brindel": "Company", "Brindel Chat": "Product"}
    assert [(r.subject, r.predicate, r.object) for r in x.relations] == [
        ("brindelchat", "developedBy", "brindel")
    ]


def test_extract_an_in_house_model_is_the_topic_organisations(fr_vocab: Vocab) -> None:
    x = _extract(fr_vocab, IN_HOUSE)
    assert ("kora2", "developedBy", "brindel") in {
        (r.subject, r.predicate, r.object) for r in x.relations
    }


def test_extract_a_round_is_completed_by_the_next_sentence(fr_vocab: Vocab) -> None:
    x = _extract(fr_vocab, ROUND_CONTINUED)
    (round_,) = (f for f in x.facts if f.cls == "FundingRound")
    assert sorted(round_.roles) == [
        ("investee", "brindel"),
        ("investor", "arloventures"),
        ("investor", "korvelpartners"),
        ("leadInvestor", "orvanecapital"),
    ]
    assert round_.value("amount") is not None
    # told in the first sentence: the fact's evidence stays there
    assert round_.evidence.sentence == 0
    # owl:propertyChainAxiom of investsIn: every investor of the round (the lead is one)
    assert sorted((r.subject, r.object) for r in x.relations if r.predicate == "investsIn") == [
        ("arloventures", "brindel"),
        ("korvelpartners", "brindel"),
        ("orvanecapital", "brindel"),
    ]


def test_extract_a_relative_clause_is_about_the_name_before_it(fr_vocab: Vocab) -> None:
    x = _extract(fr_vocab, RELATIVE_ON_VERB)
    assert [(r.subject, r.predicate, r.object) for r in x.relations] == [
        ("fionaash", "ceoOf", "korvel")
    ]


def test_extract_a_name_ending_in_a_common_word_is_no_person(fr_vocab: Vocab) -> None:
    assert _classes(_extract(fr_vocab, COMMON_WORD_NAME))["Aquiti Gestion"] != "Person"


def test_extract_a_name_opening_a_sentence_before_its_apposition(fr_vocab: Vocab) -> None:
    x = _extract(fr_vocab, OPENING_NAME)
    assert [(r.subject, r.predicate, r.object) for r in x.relations] == [
        ("zenseact", "subOrganizationOf", "volvocars")
    ]


def test_extract_a_name_comes_back_without_its_ner_tag(fr_vocab: Vocab) -> None:
    x = _extract(fr_vocab, NAME_AGAIN)
    assert [(r.subject, r.predicate, r.object) for r in x.relations] == [
        ("clairemartin", "ceoOf", "nexaria")
    ]
    (nexaria,) = (e for e in x.entities if e.key == "nexaria")
    assert len(nexaria.mentions) == 2


def test_extract_two_capitalised_words_are_not_a_person_when_the_name_says_otherwise(
    fr_vocab: Vocab,
) -> None:
    classes = _classes(_extract(fr_vocab, NOT_PEOPLE))
    # "Nexaria Flux" after "Nexaria" is its product; "Capital" marks organisations
    assert classes["Nexaria Flux"] != "Person"
    assert classes["Borealis Capital"] in ("Organization", "Company")


# "», souligne ..." hung on the quoted verb: its inherited subject is a name inside the quote
QUOTE_SUBJECT_INSIDE = """
«         PUNCT punct     3  «          _
Kelvane   PROPN nsubj     3  Kelvane    B-ORG
nous      PRON  iobj      3  nous       _
apporte   VERB  ROOT      3  apporter   _
une       DET   det       5  un         _
expertise NOUN  obj       3  expertise  _
rare      ADJ   amod      5  rare       _
»+        PUNCT punct     3  »          _
,         PUNCT punct     3  ,          _
souligne  VERB  advcl     3  souligner  _
la        DET   det       11 le         _
présidente NOUN obj       9  président  _
d'+       ADP   case      13 de         _
Orbisel+  PROPN nmod      11 Orbisel    B-ORG
,         PUNCT punct     9  ,          _
Hélène    PROPN obl:mod   9  Hélène     B-PER
Marquet+  PROPN flat:name 15 Marquet    I-PER
.         PUNCT punct     3  .          _
"""


def test_extract_a_name_inside_the_quotation_is_not_its_speaker(fr_vocab: Vocab) -> None:
    x = _extract(fr_vocab, QUOTE_SUBJECT_INSIDE)
    assert [f.role("speaker") for f in x.facts if f.cls == "Quote"] == ["helenemarquet"]


def test_extract_a_name_far_from_the_cue_noun_it_hangs_on_takes_no_class(
    fr_vocab: Vocab,
) -> None:
    assert _classes(_extract(fr_vocab, FAR_APPOSITION))["Kestrane"] != "Product"
