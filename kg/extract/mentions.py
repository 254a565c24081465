"""Find the names (and anaphoric descriptions) of entities in a parsed document.

spaCy's French NER only knows PER/ORG/LOC/MISC and misreads product codes, so names come
from three sources: NER spans, product-code shapes ("Orion-2-mini", "X500") and capitalised
brand shapes ("NEXARA", "ZEN-E"). Each mention carries class *votes* from its own context
(NER label, shape, a cue noun from the ontology next to it); the resolver weighs them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from kg.extract.syntax import (
    DE_FORMS,
    CueIndex,
    clause_head,
    colon_between,
    fold_word,
    is_demonym,
    is_modifier_word,
    is_plural,
    maker_de,
    naming_noun,
    strip_reflexive,
    subjects,
    tokens,
)
from kg.lexicon import Lexicon
from kg.model import LATTER, Mention
from kg.nlp import CODE_PATTERN, ORDINAL_PATTERN
from kg.ontology import Ontology

__all__ = ["Cues", "build_cues", "find_mentions", "sentence_of_tokens"]

_PARTICIPLE_ENDINGS = (
    *("é", "ée", "és", "ées"),
    *("i", "ie", "is", "ies"),  # "Établi à", "Acquis par"
    *("u", "ue", "us", "ues"),  # "Détenu par", "Issue de"
    *("it", "ite", "its", "ites"),  # "Construit en"
)
_AFTER_OPENING_PARTICIPLE = frozenset(
    {"en", "par", "à", "au", "dans", "depuis", "sur", "avec", "de", "d'", "du"}
)

_PERSON_PARTICLES = frozenset(
    {"de", "du", "des", "van", "von", "der", "da", "di", "le", "la", "ben", "bin", "al", "el"}
)
#: Words a description may run over before the name it introduces.
_NAMING_REACH = 7
#: Lower-case words inside names: particles and connectors ("Orvane Defence and Space").
_NAME_CONNECTORS = _PERSON_PARTICLES | {"and", "of", "the", "for", "et", "d'", "l'"}
_HARDWARE_SHAPE = re.compile(r"^[A-Z]{1,4}\d{2,4}[A-Za-z]?$")
_LOCATIVE = frozenset({"à", "en", "au", "aux"})
#: "en Suisse", "la Suisse", "de Suisse": the words before a country named like a demonym
_BEFORE_COUNTRY = _LOCATIVE | {"la", "de", "d'"}
_NAME_DELIMITERS = frozenset(',;:«»"“”()[]')


class Cues:
    """The ontology's lexical cues, indexed for matching over tokens."""

    def __init__(self, onto: Ontology) -> None:
        self.onto = onto
        self.class_nouns = CueIndex.build(
            (cue, name) for name, info in onto.classes.items() for cue in info.noun_cues
        )
        # descriptions of entities ("la start-up"); those of facts ("l'opération") are facts'
        self.anaphoric = CueIndex.build(
            (cue, name)
            for name, info in onto.classes.items()
            if onto.is_a(name, "Entity")
            for cue in info.anaphoric_cues
        )
        self.name_suffixes = {
            suffix: name for name, info in onto.classes.items() for suffix in info.name_suffixes
        }
        self.name_prefixes = {
            prefix: name for name, info in onto.classes.items() for prefix in info.name_prefixes
        }
        self.artifact_classes = frozenset(c for c in onto.classes if onto.is_a(c, "Artifact"))
        # verbs of speech: "X ..., a annoncé l'avionneur" puts their subject after them
        self.speech = CueIndex.build(
            (strip_reflexive(c), "Quote") for c in onto.classes["Quote"].verb_cues
        )
        self.titles = CueIndex.build(
            (cue, p.name) for p in onto.properties.values() for cue in p.title_cues
        )
        # "selon X", "d'après X": who the article cites, not what it is about
        self.source_words = frozenset(
            fold_word(c).replace(" ", "") for c in onto.modality_cues.get("Reported", ())
        )
        self.reserved = frozenset(
            fold_word(cue)
            for name, info in onto.classes.items()
            for cue in (
                *info.noun_cues,
                *(info.anaphoric_cues if onto.is_a(name, "Entity") else ()),
            )
        ) | frozenset(fold_word(c) for p in onto.properties.values() for c in p.title_cues)


@functools.cache
def build_cues(onto: Ontology) -> Cues:
    """Cue indexes for ``onto`` (cached: the ontology is immutable)."""
    return Cues(onto)


def _paragraph_openings(doc: Doc, sentence: list[int]) -> frozenset[int]:
    """The sentences that open a paragraph after the first one (past the headline and the
    lead): a line break stands between them and the sentence before."""
    openings: set[int] = set()
    previous_end = None  # character offset where the previous sentence's last token ends
    for tok in tokens(doc):
        index = sentence[tok.i]
        if index < 0 or tok.is_space:
            continue
        if (
            previous_end is not None
            and index >= 2
            and index != sentence[tok.i - 1]
            and "\n" in doc.text[previous_end : tok.idx]
        ):
            openings.add(index)
        previous_end = tok.idx + len(tok.text)
    return frozenset(openings)


def sentence_of_tokens(doc: Doc) -> list[int]:
    """Index of the (non-blank) sentence of every token; blank sentences get -1.

    Computed once per parsed document (the mention finder and the extraction context both
    need it) and kept in ``doc.user_data``.
    """
    cached = doc.user_data.get("kg_sentence_of_tokens")
    if cached is not None and len(cached) == len(doc):
        return cached
    out = [-1] * len(doc)
    index = 0
    for sent in doc.sents:
        if not sent.text.strip():
            continue
        for tok in sent:
            out[tok.i] = index
        index += 1
    doc.user_data["kg_sentence_of_tokens"] = out
    return out


def _surface(text: str, tok: Token) -> str:
    return text[tok.idx : tok.idx + len(tok)]


def _is_titlecase_word(word: str) -> bool:
    parts = re.split(r"[-'’]", word)
    return all(
        p[:1].isupper() and (p[1:].islower() or not p[1:]) and p.isalpha() for p in parts if p
    )


def _looks_like_a_brand(words: Iterable[str]) -> bool:
    """A version number, a code or a brand-shaped word: names products more often than not
    (not a French place name: "Bourgogne-Franche-Comté", "Villefranche-sur-Saône")."""
    return any(
        (_is_brand_shape(w) and not _is_toponym_shape(w)) or any(c.isdigit() for c in w)
        for w in words
    )


#: Lower-case words inside hyphenated French place names ("Hauts-de-France").
_TOPONYM_PARTICLES = frozenset({"de", "du", "des", "sur", "en", "la", "le", "les", "lès", "sous"})


def _is_toponym_shape(word: str) -> bool:
    """Capitalised words joined by hyphens, three or more or with a particle, as French
    regions and towns are named ("Provence-Alpes", "Hauts-de-France", "Saint-Nazaire")."""
    parts = word.split("-")
    titled = [p for p in parts if p[:1].isupper() and p[1:].islower() and p.isalpha()]
    particles = [p for p in parts if p in _TOPONYM_PARTICLES]
    return (
        len(parts) >= 2
        and len(titled) + len(particles) == len(parts)
        and (len(parts) >= 3 or bool(particles) or parts[0] in ("Saint", "Sainte"))
    )


def _is_versioned(words: Iterable[str]) -> bool:
    """A digit, CamelCase or a hyphenated capital ("Kora-3", "Jade-V"): a product's name.
    Unlike `_looks_like_a_brand`, no acronym: "CHU de Vierzon" is one name."""
    return any(
        any(c.isdigit() for c in w) or (_is_brand_shape(w) and not w.isupper()) for w in words
    )


def _is_code(word: str) -> bool:
    """Letters and digits in one word ("Kora-3", "GPT-4o", "70B"), not a year or a number."""
    return any(c.isdigit() for c in word) and any(c.isalpha() for c in word)


def _is_brand_shape(word: str) -> bool:
    """ALLCAPS ("NEXARA"), CamelCase ("DeepNova", "ByteLab") or capitalised hyphen ("ZEN-E")."""
    if not word[:1].isupper():
        return False
    letters = [c for c in word if c.isalpha()]
    if len(letters) < 2 or not word[:1].isalpha():
        return False
    uppers = sum(c.isupper() for c in letters)
    return (
        (uppers >= 2 and not word.isupper())
        or (word.isupper() and len(letters) >= 3)
        or ("-" in word and uppers >= 2)
    )


def _first_word_index(sent: Span) -> int:
    for tok in sent:
        if tok.is_alpha or any(c.isalnum() for c in tok.text):
            return tok.i
    return sent.start


#: Parts of speech a name never ends on when lower-case: "Brindel en tête du", "X boucle".
_NO_NAME_END = frozenset({"ADP", "DET", "CCONJ", "VERB", "AUX"})


class _Finder:
    """Collects candidate name spans (token ranges) and their class votes for one document."""

    def __init__(self, doc: Doc, text: str, cues: Cues, lex: Lexicon) -> None:
        self.doc = doc
        self.text = text
        self.cues = cues
        self.lex = lex
        # words that are no name on their own: the cues, and capitalised common nouns
        self.not_names = cues.reserved | lex.common_capitalised
        self.sentence = sentence_of_tokens(doc)
        self.first_of_sentence = {_first_word_index(s) for s in doc.sents}
        self.paragraph_openings = _paragraph_openings(doc, self.sentence)
        # words seen capitalised somewhere other than at a sentence start: real names
        self.mid_sentence_words = {
            _surface(text, t)
            for t in tokens(doc)
            if t.i not in self.first_of_sentence and _surface(text, t)[:1].isupper()
        }

    def word(self, tok: Token) -> str:
        return _surface(self.text, tok)

    # -- candidates -------------------------------------------------------------------
    def from_ner(self) -> Iterable[tuple[int, int, list[tuple[str, float]]]]:
        ents = list(self.doc.ents)
        ent_starts = {ent.start for ent in ents}
        skip: set[int] = set()
        for k, ent in enumerate(ents):
            if k in skip:
                continue
            start, end = self._trim(ent.start, ent.end)
            if start >= end:
                continue
            label = ent.label_
            nxt = ents[k + 1] if k + 1 < len(ents) else None
            if nxt is not None and self._suffix_split(ent.end, nxt.start, nxt.end):
                # "Alpes" (LOC) + "Deeptech Partners" (PER): one organisation's name
                end, label = nxt.end, "ORG"
                skip.add(k + 1)
            end = self._name_continued(end, ent_starts)
            split = self._maker_split(start, end)
            if split is not None:
                # the parts are an artefact and its maker: NER's label was for the whole
                yield start, split[0], []
                yield split[1], end, []
                continue
            yield start, end, [("ner:" + c, w) for c, w in self._ner_votes(label, start, end)]

    def _suffix_split(self, end: int, next_start: int, next_end: int) -> bool:
        """NER cut a name before words that end on an organisation suffix: the next entity
        starts right after this one, in the same sentence."""
        doc = self.doc
        last = self.word(doc[next_end - 1])
        return (
            next_start == end
            and self.sentence[end] == self.sentence[end - 1]
            and bool(doc[end - 1].whitespace_)
            and (
                last in self.cues.name_suffixes
                # "le fonds Alpes" + "Deeptech": a cue word capitalised inside a sentence
                or (_is_titlecase_word(last) and fold_word(last) in self.cues.reserved)
            )
        )

    def _maker_split(self, start: int, end: int) -> tuple[int, int] | None:
        """ "Jade-V de Longqi", "Kora-3 de l'américain Nexaria": NER ran a product code and
        its maker into one name. The index of the "de" between them and of the maker's first
        word, when the words before it are shaped like a product (a digit, a brand shape) and
        a capitalised word follows it, past a demonym and its determiner."""
        doc = self.doc
        for j in range(start + 1, end - 1):
            if doc[j].text not in DE_FORMS:
                continue
            k = j + 1
            if (
                k < end - 1
                and doc[k].pos_ == "DET"
                and is_demonym(doc[k + 1], self.lex.demonym_endings)
            ):
                k += 1
            if k < end - 1 and is_demonym(doc[k], self.lex.demonym_endings):
                k += 1
            if _is_titlecase_word(self.word(doc[k])):
                return (j, k) if _is_versioned(map(self.word, doc[start:j])) else None
        return None

    def _name_continued(self, end: int, ent_starts: set[int]) -> int:
        """One capitalised word NER cut off a name ("Nova" + "Lumen", "Hugging" + "Face"): a
        proper noun, or a capitalised common noun, right after it in the same sentence, which
        no other entity starts and no cue reserves."""
        doc = self.doc
        if end >= len(doc) or end in ent_starts or not doc[end - 1].whitespace_:
            return end
        nxt = doc[end]
        if (
            self.sentence[end] == self.sentence[end - 1]
            and nxt.pos_ in ("PROPN", "X", "NOUN")
            and _is_titlecase_word(self.word(nxt))
            and fold_word(nxt.text) not in self.not_names
            and not nxt.is_stop
        ):
            return end + 1
        return end

    def from_shapes(self) -> Iterable[tuple[int, int, list[tuple[str, float]]]]:
        for tok in tokens(self.doc):
            word = self.word(tok)
            if CODE_PATTERN.fullmatch(word) and not ORDINAL_PATTERN.match(word):
                votes = [("Hardware", 1.0)] if _HARDWARE_SHAPE.match(word) else [("AIModel", 1.0)]
                yield *self._extend(tok.i, tok.i + 1), votes
            elif (
                _is_brand_shape(word)
                and fold_word(word) not in self.cues.reserved
                and word not in self.lex.currencies
                and word not in self.lex.scales
            ):
                yield *self._extend(tok.i, tok.i + 1), []

    def from_cue_nouns(self) -> Iterable[tuple[int, int, list[tuple[str, float]]]]:
        """'la start-up nantaise Brovane': a capitalised word inside a sentence that a cue noun
        introduces is a name, when NER missed it (its class is the cue's, voted later)."""
        doc = self.doc
        for tok in tokens(doc):
            if (
                tok.i in self.first_of_sentence
                or tok.ent_type_
                or tok.pos_ not in ("PROPN", "NOUN", "X")
                or not _is_titlecase_word(self.word(tok))
                or fold_word(tok.text) in self.not_names
                or naming_noun(doc, tok.i, self.is_naming_cue, self.lex.demonym_endings) is None
            ):
                continue
            yield *self._extend(tok.i, tok.i + 1), []

    def repeats(
        self, spans: list[tuple[int, int, list[tuple[str, float]]]]
    ) -> list[tuple[int, int, list[tuple[str, float]]]]:
        """Other occurrences of the names found, written the same, that NER and the name
        shapes missed ("le patron de Hyvolt" after "Hyvolt négocie"): a name the article
        uses once is the same name when it comes back."""
        toks = tokens(self.doc)
        covered = {i for s, e, _ in spans for i in range(s, e)}
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for s, e, _ in spans:
            words = tuple(t.text for t in toks[s:e])
            if words not in by_first.setdefault(words[0], []):
                by_first[words[0]].append(words)
        found = []
        for i, tok in enumerate(toks):
            if i in covered:
                continue
            for words in sorted(by_first.get(tok.text, ()), key=lambda w: (-len(w), w)):
                end = i + len(words)
                if end <= len(toks) and all(
                    toks[i + k].text == w and i + k not in covered for k, w in enumerate(words)
                ):
                    found.append((i, end, []))
                    covered.update(range(i, end))
                    break
        return found

    def _trim(self, start: int, end: int) -> tuple[int, int]:
        """Drop determiners, prepositions and cue nouns that NER glued to the front of a name.

        A capitalised determiner inside a sentence belongs to the name ("Le Chat", "Le
        Veilleur"); "la start-up Pigment" is the start-up named "Pigment".
        """
        doc = self.doc
        while start < end and (
            not any(c.isalnum() for c in doc[start].text)
            or (
                fold_word(doc[start].text) in self.lex.leading_words
                and (doc[start].text[:1].islower() or start in self.first_of_sentence)
            )
            or (doc[start].text[:1].islower() and bool(self.cues.class_nouns.match(doc, start)))
        ):
            start += 1
        # "pour le printemps Kora-3": a lower-case common word before a name is not part of it
        while start < end - 1 and doc[start].text.isalpha() and doc[start].text.islower():
            start += 1
        # "Baptisée Membralis, la société ...": an opening participle NER glued to the name
        if (
            start in self.first_of_sentence
            and end - start > 1
            and fold_word(doc[start].text).endswith(_PARTICIPLE_ENDINGS)
            and "Part" in doc[start].morph.get("VerbForm")
            and self.word(doc[start]) not in self.mid_sentence_words
        ):
            start += 1
        # "Ombrelle en tête du palmarès": "en" opens a phrase about the name, never a name
        for j in range(start + 1, end):
            if doc[j].text == "en":
                end = j
                break
        if start in self.first_of_sentence:
            # a headline's capital is no name's ("Brindel en tête du palmarès", "Nouveau tour
            # de table"): the name stops at its first lower-case word other than a particle
            for j in range(start + 1, end):
                word = doc[j].text
                if word.isalpha() and word.islower() and word not in _NAME_CONNECTORS:
                    end = j
                    break
        # "Orvane 8 millions": an amount after a name is none of it
        for j in range(start + 1, end):
            after = self.word(doc[j + 1]) if j + 1 < len(doc) else ""
            if doc[j].like_num and self._measures(after):
                end = j
                break
        # no name ends on a lower-case preposition, determiner, verb or rank ("Brindel en tête
        # du", "Kora-3 troisième", "Changement de cap" cut to "Changement de" above, "X boucle")
        while end > start + 1 and (
            not any(c.isalnum() for c in doc[end - 1].text)
            or (doc[end - 1].text.islower() and doc[end - 1].pos_ in _NO_NAME_END)
            or doc[end - 1].text in self.lex.ordinals
        ):
            end -= 1
        return start, end

    def _extend(self, start: int, end: int) -> tuple[int, int]:
        """Grow a code or brand over a brand before it and a version or suffix after it."""
        doc = self.doc
        sentence = self.sentence[start]
        if (
            start > 0
            and self.sentence[start - 1] == sentence
            and doc[start - 1].whitespace_ != ""
            and _is_brand_shape(self.word(doc[start - 1]))
            and fold_word(self.word(doc[start - 1])) not in self.cues.reserved
        ):
            start -= 1
        if end < len(doc) and self.sentence[end] == sentence and doc[end - 1].whitespace_:
            nxt = self.word(doc[end])
            after = doc[end + 1] if end + 1 < len(doc) else None
            # not an amount: "Orvane 8 millions", "Orvane 12 %"
            is_version = (
                nxt.isdigit() and len(nxt) <= 2 and not (after and self._measures(self.word(after)))
            )
            is_suffix = (
                _is_titlecase_word(nxt)
                and doc[end].pos_ in ("PROPN", "NOUN", "ADJ", "X")
                and fold_word(nxt) not in self.cues.reserved
                # "à l'AFP Isabelle Roche-Marin": not where NER starts a person's name
                and not (doc[end].ent_iob_ == "B" and doc[end].ent_type_ == "PER")
            )
            if is_version or is_suffix:
                end += 1
        return start, end

    def _measures(self, word: str) -> bool:
        """A word that makes the number before it an amount: a unit, a scale, a currency."""
        return (
            word == "%"
            or word in self.lex.scales
            or word.lower() in self.lex.scales
            or word in self.lex.currencies
            or word[:1] in self.lex.currencies  # "M€" after a scale letter: "8 M€"
            or word[1:2] in self.lex.currencies
        )

    def _ner_votes(self, label: str, start: int, end: int) -> list[tuple[str, float]]:
        words = [self.word(t) for t in self.doc[start:end]]
        has_digit = any(c.isdigit() for w in words for c in w)
        if label == "PER":
            names = [w for w in words if w.lower() not in _PERSON_PARTICLES]
            if names and names[-1] in self.cues.name_suffixes:
                return []  # "Orvane Capital": a last word that marks organisations
            last = self.doc[end - 1]
            if len(names) >= 2 and last.pos_ in ("NOUN", "ADJ", "X"):
                return []  # "Orvane Gestion", "Nova Vision": a common word, not a surname
            if not has_digit and all(_is_titlecase_word(w) for w in names):
                # a lone capitalised word tagged PER is as often a company ("Sereno"); it is
                # a person when it joins a full name (see resolve) or plays a person's role
                return [("Person", 3.0)] if len(names) >= 2 else []
            return []
        if label == "ORG":
            return [("Organization", 1.0)]
        if label == "LOC" and not has_digit:
            return [("Place", 1.0)]
        return []

    # -- filters ----------------------------------------------------------------------
    def acceptable(self, start: int, end: int) -> bool:
        span_text = self.text[self.doc[start].idx : self.doc[end - 1].idx + len(self.doc[end - 1])]
        if not any(c.isupper() or c.isdigit() for c in span_text):
            return False
        if any(c in _NAME_DELIMITERS for c in span_text) or end - start > 6:
            return False
        if sum(c.isalnum() for c in span_text) < 2:
            return False
        if fold_word(span_text) in self.not_names and not (
            fold_word(span_text) in self.cues.reserved and self._country_named(start)
        ):
            return False
        word = fold_word(self.doc[start].text)
        inflected = {word, word.removesuffix("s"), word.removesuffix("e"), word.removesuffix("es")}
        if end - start == 1 and inflected & self.cues.reserved and not self._country_named(start):
            return False  # "Allemande" at a sentence start: the cue "allemand", inflected
        if end - start == 1 and start in self.first_of_sentence:
            word = self.word(self.doc[start])
            plain = _is_titlecase_word(word) and not any(c.isdigit() for c in word)
            # capitalised only because it opens the sentence ("Intégration de ..."), unless it
            # acts as a name: the subject of a verb, or what a relative clause is about
            tok = self.doc[start]
            acts_as_name = (
                tok.pos_ == "PROPN"
                or (tok.dep_ in ("nsubj", "nsubj:pass") and tok.head.pos_ in ("VERB", "AUX"))
                or any(c.dep_ == "acl:relcl" for c in tok.children)
                # "Korvel, la filiale de X, ...": a name NER saw, then its apposition
                or (
                    bool(tok.ent_type_)
                    and end + 1 < len(self.doc)
                    and self.doc[end].text == ","
                    and self.doc[end + 1].pos_ == "DET"
                )
            )
            if plain and word not in self.mid_sentence_words and not acts_as_name:
                return False
            if plain and word not in self.mid_sentence_words and self._opening_participle(start):
                return False
        return True

    def _country_named(self, start: int) -> bool:
        """'en Suisse', 'la Suisse': a capitalised demonym after a preposition of place or
        "la" inside a sentence names a country, not a company's origin."""
        return (
            start > 0
            and start not in self.first_of_sentence
            and fold_word(self.doc[start - 1].text) in _BEFORE_COUNTRY
        )

    def is_dative(self, start: int, end: int) -> bool:
        """'cède ses emballages à X', 'doit son envolée à X': the name after "à" receives
        what the verb gives, it is no place."""
        head = self.doc[start:end].root
        verb = head.head
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i and verb.i > start - 8:
            verb = verb.head  # past a noun the parser hung it on ("l'intégrer dès janvier à X")
        return verb.pos_ in ("VERB", "AUX") and fold_word(verb.lemma_) in self.lex.dative_verbs

    def _opening_participle(self, start: int) -> bool:
        """'Cofondé en 2019 par X, ...': a past participle opening the sentence, which the
        tagger may read as a name; it ends like one and a preposition follows it."""
        word = fold_word(self.doc[start].text)
        nxt = self.doc[start + 1] if start + 1 < len(self.doc) else None
        return (
            word.endswith(_PARTICIPLE_ENDINGS)
            and nxt is not None
            and fold_word(nxt.text) in _AFTER_OPENING_PARTICIPLE
        )

    # -- context votes ----------------------------------------------------------------
    def context_votes(self, start: int, end: int) -> list[tuple[str, float]]:
        doc, votes = self.doc, []
        sentence = self.sentence[start]
        # "le modèle X", "15 000 GPU X", "le fabricant grenoblois de batteries X": a singular
        # (or indefinite, or abbreviated) cue noun introduces the name
        cue = naming_noun(doc, start, self.is_naming_cue, self.lex.demonym_endings)
        if cue is not None and self._maker_of_plural(cue, start, end):
            votes.append(("Organization", 2.0))  # "des puces Kelvane": who makes them
        elif cue is not None:
            votes.extend((cls, 2.0) for _, cls in self.cues.class_nouns.match(doc, cue))
        # "la jeune pousse X", "la start-up X": a cue ending right before the name, whatever
        # the tagger made of it ("pousse" as a verb, "start-up" as X); a cue of one word
        # tagged as a noun is naming_noun's
        for k in (1, 2, 3):
            if k == 1 and start and doc[start - 1].pos_ not in ("X", "VERB"):
                continue
            if start - k >= 0 and self.sentence[start - k] == sentence:
                matches = [c for e, c in self.cues.class_nouns.match(doc, start - k) if e == start]
                # not a plural ("le groupe de jeux vidéo X": X is no game)
                if matches and self._names_kind(doc[start - k]):
                    votes.extend((cls, 2.0) for cls in matches)
        # "son serveur phare, l'Atlas X8": a cue noun (and adjectives) in apposition before
        # (or with no determiner before the name: "Son logiciel, Tolvane Vigie, ...")
        comma = start - 2 if start >= 3 and doc[start - 1].pos_ == "DET" else start - 1
        if comma >= 1 and doc[comma].text == ",":
            k = comma - 1
            while k > 0 and doc[k].pos_ == "ADJ":
                k -= 1
            if doc[k].pos_ == "NOUN" and self._names_one(doc[k]):
                votes.extend((cls, 2.0) for _, cls in self.cues.class_nouns.match(doc, k))
        # "le modèle d'X", "le KX-100 de X", "le modèle du chinois X": the name after an
        # artefact's "de" (and a demonym) is its maker
        de = maker_de(doc, start, self.lex.demonym_endings)
        if de is not None and de >= 1:
            before = doc[de - 1]
            if _is_versioned([self.word(before)]) or any(
                c in self.cues.artifact_classes
                for _, c in self.cues.class_nouns.match(doc, before.i)
            ):
                votes.append(("Organization", 2.0))  # "Kora-3 de X", "Jade-V de X" too
            elif before.text == "," and de >= 2 and _is_code(self.word(doc[de - 2])):
                votes.append(("Organization", 2.0))  # "Kora-3, d'X, n'a pas été évalué"
        # "le toulousain X": a lower-case demonym between a determiner and the name
        if (
            start >= 2
            and self._is_demonym(start - 1)
            and (doc[start - 2].pos_ == "DET" or fold_word(doc[start - 2].text) in ("du", "au"))
        ):
            votes.append(("Company", 2.0))
        # "chez X", "un ancien de X", "passée par l'X": people work at organisations
        if self._after_organization_words(start):
            votes.append(("Organization", 2.0))
        # "X, la start-up ...": a determiner and a cue noun in apposition after the name
        j = end
        if j + 2 < len(doc) and doc[j].text == "," and doc[j + 1].pos_ == "DET":
            noun = j + 2
            while noun + 1 < len(doc) and doc[noun].pos_ == "ADJ" and noun < j + 4:
                noun += 1  # "X, son premier accélérateur"
            for cue_end, cls in self.cues.class_nouns.match(doc, noun):
                named = cue_end < len(doc) and doc[cue_end].pos_ == "PROPN"
                if self.sentence[noun] == sentence and not named:
                    # not "X, le modèle Kora-3 ...": that cue names the name after it
                    votes.append((cls, 2.0))
        # "Korvel Ventures", "Samsung Electronics": a last word that marks organisations
        last = self.word(doc[end - 1])
        if end - start > 1 and last in self.cues.name_suffixes:
            votes.append((self.cues.name_suffixes[last], 1.5))
        # "Clinique des Tilleuls", "Banque Korvel": a first word that marks organisations
        first = self.word(doc[start])
        if end - start > 1 and first in self.cues.name_prefixes:
            votes.append((self.cues.name_prefixes[first], 1.5))
        head = doc[start:end].root
        # "deux modèles : A et B" and "le modèle, A,": the name hangs off a cue noun
        for tok in conjuncts_up(head):
            if tok.dep_ in ("appos", "parataxis", "dep") and tok.head.pos_ == "NOUN":
                if tok.head.i == start - 1 and not self._names_kind(tok.head):
                    continue  # "les produits Nexaria": the products of Nexaria
                if de is not None and tok.head.i < de:
                    continue  # "le modèle du chinois X": X makes the model
                if any(t.pos_ in ("VERB", "AUX", "PRON") for t in doc[tok.head.i + 1 : start]):
                    continue  # "un logiciel utilisé par 900 transporteurs, parmi lesquels X"
                for _, cls in self.cues.class_nouns.match(doc, tok.head.i):
                    votes.append((cls, 2.0))
        # "X est une start-up": the name is the subject of a copular cue noun
        if head.dep_ == "nsubj" and any(c.dep_ == "cop" for c in head.head.children):
            for _, cls in self.cues.class_nouns.match(doc, head.head.i):
                votes.append((cls, 2.0))
        return votes

    def _after_organization_words(self, start: int) -> bool:
        end = start - 1 if start > 0 and self.doc[start - 1].pos_ == "DET" else start
        words = [fold_word(t.text) for t in self.doc[max(0, end - 3) : end]]
        return any(
            tuple(words[-len(phrase) :]) == phrase for phrase in self.lex.organization_before
        )

    def _is_demonym(self, i: int) -> bool:
        return is_demonym(self.doc[i], self.lex.demonym_endings)

    def colon_list_votes(
        self, spans: list[tuple[int, int]]
    ) -> dict[tuple[int, int], list[tuple[str, float]]]:
        """Names listed after "cue noun ... :" get the cue's class ("deux modèles : A, B et C")."""
        doc, out = self.doc, {}
        starts = {s: (s, e) for s, e in spans}
        for sent in doc.sents:
            if not any(t.text == ":" for t in sent):
                continue  # most sentences announce no list: leave before matching cues
            for tok in sent:
                if tok.pos_ != "NOUN":
                    continue
                matches = self.cues.class_nouns.match(doc, tok.i)
                if not matches:
                    continue
                if tok.i == sent.start:
                    continue  # "Jeux vidéo : X rachète Y", a rubric, announces no list
                colon = next(
                    (t.i for t in doc[tok.i + 1 : min(sent.end, tok.i + 8)] if t.text == ":"), None
                )
                if colon is None:
                    continue
                expect_item = True
                for t in doc[colon + 1 : sent.end]:
                    if expect_item and t.i in starts:
                        out.setdefault(starts[t.i], []).extend((cls, 2.0) for _, cls in matches)
                        expect_item = False
                    elif t.text in (",", "et", "ou"):
                        expect_item = True
                    elif not (expect_item and t.pos_ == "DET"):
                        expect_item = False
        return out

    def is_naming_cue(self, i: int) -> bool:
        tok = self.doc[i]
        return (
            tok.pos_ in ("NOUN", "PROPN", "ADJ")
            and bool(self.cues.class_nouns.match(self.doc, i))
            and self._names_kind(tok)
        )

    @staticmethod
    def _names_kind(tok: Token) -> bool:
        """A noun that names a kind of thing: singular, or an indefinite plural ("des puces X",
        "15 000 GPU X") as opposed to a possessive one ("les modèles X": X's models)."""
        if _Finder._names_one(tok):
            return True
        return any(
            c.dep_ == "nummod" or (c.dep_ == "det" and fold_word(c.text) in ("des", "de", "d'"))
            for c in tok.children
        )

    def _maker_of_plural(self, cue: int, start: int, end: int) -> bool:
        """'des puces Kelvane', '2 000 serveurs Dell': after an artefact noun in the plural, a
        plain word (no digit, no code) names who makes them; a code names the model ("des GPU
        KX-100")."""
        words = [self.word(t) for t in self.doc[start:end]]
        return (
            is_plural(self.doc[cue])
            and any(
                c in self.cues.artifact_classes
                for _, c in self.cues.class_nouns.match(self.doc, cue)
            )
            and len(words) == 1
            and _is_titlecase_word(words[0])
            and not any(ch.isdigit() or ch == "-" for ch in words[0])
            # "des processeurs Rhea de la société X": the maker comes after, this is the model
            and not (end < len(self.doc) and self.doc[end].text in DE_FORMS)
        )

    @staticmethod
    def _names_one(tok: Token) -> bool:
        """A singular noun, or an abbreviation ("GPU"): it names one thing, not a collection."""
        return not is_plural(tok)

    def backgrounded(self, head: Token, noun: int | None) -> bool:
        """The name stands in the background of its clause as an agent ("fournie par X") or
        the complement of a noun that is not a title ("le capital de X", "un article de X",
        "le KX-100 de X"; not "le patron de X"); a source is too (see ``cited``)."""
        doc = self.doc
        for tok in conjuncts_up(doc[noun] if noun is not None else head):
            for case in (c for c in tok.children if c.dep_ == "case"):
                word = fold_word(case.text)
                if word == "par":
                    return True
                if (
                    word in DE_FORMS
                    and tok.dep_ == "nmod"
                    and tok.head.pos_ in ("NOUN", "PROPN")
                    and not self.cues.titles.match(doc, tok.head.i)
                ):
                    return True
        return False

    def cited(self, head: Token, noun: int | None) -> bool:
        """The name is a source the article cites ("selon X", "d'après X")."""
        return any(
            self._case_phrases(case) & self.cues.source_words
            for tok in conjuncts_up(self.doc[noun] if noun is not None else head)
            for case in tok.children
            if case.dep_ == "case"
        )

    def _case_phrases(self, case: Token) -> set[str]:
        """The preposition, with the word before it ("selon", "d'après") and its fixed words
        ("d'" + "après": the parser makes "après" a fixed part of "d'")."""
        word = fold_word(case.text)
        before = fold_word(self.doc[case.i - 1].text) if case.i > 0 else ""
        fixed = "".join(fold_word(f.text) for f in case.children if f.dep_ == "fixed")
        return {word, before + word, word + fixed}

    # -- descriptions -----------------------------------------------------------------
    def latter(self) -> Iterable[Mention]:
        """'Ce dernier détiendra 70 %', 'Cette dernière, une medtech, ...': the latter."""
        doc = self.doc
        for tok in tokens(doc):
            if (
                fold_word(tok.text) in self.lex.latter
                and tok.i > 0
                and fold_word(doc[tok.i - 1].text) in self.lex.demonstratives
                and not (tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ == "NOUN")
            ):
                start, end = doc[tok.i - 1].idx, tok.idx + len(tok)
                yield Mention(
                    start=start,
                    end=end,
                    text=self.text[start:end],
                    sentence=self.sentence[tok.i],
                    source="description",
                    cue=LATTER,
                    subject=tok.dep_ in ("nsubj", "nsubj:pass"),
                    # "Passé par X, ce dernier ...": not X
                    scope_start=start if self._after_fronted_participle(tok.i - 1) else None,
                )

    def descriptions(self, taken: set[int]) -> Iterable[Mention]:
        doc = self.doc
        for first in tokens(doc):
            matches = self.cues.anaphoric.match(doc, first.i) if first.i not in taken else []
            if not matches:
                continue
            cue_end, cls = matches[0]
            # the head noun: the cue's noun ("la jeune pousse" -> "pousse")
            tok = next(
                (t for t in doc[first.i : cue_end] if t.pos_ in ("NOUN", "PROPN")), doc[cue_end - 1]
            )
            if not self._names_one(tok):
                continue
            # the determiner, over adjectives before the noun ("la jeune entreprise")
            j = first.i - 1
            while j > max(0, first.i - 3) and doc[j].pos_ == "ADJ":
                j -= 1
            det = doc[j] if j >= 0 else None
            if det is None or fold_word(det.text) not in (
                self.lex.definites | self.lex.demonstratives
            ):
                continue
            # "la start-up (parisienne) X", "la start-up de téléconsultation X": it names X
            # (not "la start-up de X", X's)
            after = cue_end
            while (
                after < min(len(doc), cue_end + _NAMING_REACH)
                and is_modifier_word(doc[after])
                and after not in taken
            ):
                after += 1
            if after < len(doc) and after in taken and doc[after - 1].pos_ != "ADP":
                continue
            clause = clause_head(tok)
            # the clause's own subject, or the one it shares ("X a annoncé injecter 10 M€ dans
            # la start-up": X)
            clause_subjects = subjects(clause)
            subject = tok.dep_ in ("nsubj", "nsubj:pass")
            clause_subject = None
            if clause_subjects and clause_subjects[0].i != tok.i:
                subject_tok = clause_subjects[0]
                if subject_tok.pos_ == "PRON" and clause.dep_ == "acl:relcl":
                    subject_tok = clause.head  # "X, qui a investi dans la société": X
                if subject_tok.pos_ == "NOUN":
                    # "Le groupe X a annoncé le rachat de la PME": the name the noun presents
                    named = [
                        c
                        for c in subject_tok.children
                        if c.pos_ == "PROPN"
                        and c.dep_ in ("nmod", "appos", "flat:name")
                        and c.i > subject_tok.i
                        and not any(g.dep_ == "case" for g in c.children)  # not "de X"
                    ]
                    subject_tok = named[0] if named else subject_tok
                clause_subject = subject_tok.idx
            start, end = det.idx, doc[cue_end - 1].idx + len(doc[cue_end - 1])
            apposed = self._apposed(det.i, taken)
            reporter = self._reporting(tok)
            # by word order, the subject after an opening phrase, whatever the parse says
            scope_start = start if self._after_fronted_participle(det.i) else None
            yield Mention(
                start=start,
                end=end,
                text=self.text[start:end],
                sentence=self.sentence[tok.i],
                votes=((cls, 2.0),),
                source="description",
                cue=" ".join(fold_word(t.lemma_) for t in doc[first.i : cue_end]),
                subject=subject,
                clause_subject=clause_subject,
                scope_start=scope_start,
                apposed=apposed,
                reporter=reporter,
                opens_paragraph=self.sentence[tok.i] in self.paragraph_openings,
            )

    def apposed_cue(self, start: int, end: int) -> str:
        """The description noun of an apposition right after a name ("X, une start-up qui
        ...": "start-up"), or "" (also after an opening phrase: "Fondée par deux anciens de X,
        la start-up ...": the start-up is the subject, not X)."""
        doc = self.doc
        if (
            end + 2 >= len(doc)
            or doc[end].text != ","
            or doc[end + 1].pos_ != "DET"
            or self._in_opening_phrase(start)
        ):
            return ""
        j = end + 2
        while j < min(len(doc) - 1, end + 4) and doc[j].pos_ == "ADJ":
            j += 1  # "X, la jeune entreprise"
        matches = self.cues.anaphoric.match(doc, j)
        return " ".join(fold_word(t.lemma_) for t in doc[j : matches[0][0]]) if matches else ""

    def _reporting(self, tok: Token) -> bool:
        """The noun is the subject, put after its verb, of a verb of speech that closes the
        sentence after a comma ("X a pris 20 % de Y, a annoncé l'avionneur")."""
        verb = tok.head
        if (
            verb.i >= tok.i
            or verb.pos_ not in ("VERB", "AUX")
            or not self.cues.speech.match(self.doc, verb.i)
        ):
            return False
        first = min([verb.i, *(c.i for c in verb.children if c.dep_.startswith("aux"))])
        return (
            first > 0
            and self.doc[first - 1].text == ","
            and not any(c.dep_ in ("nsubj", "nsubj:pass") and c.i < verb.i for c in verb.children)
        )

    def _apposed(self, i: int, taken: set[int]) -> bool:
        """The description starting at token ``i`` is in apposition to the name before it
        ("le rachat de Galvane, la pépite montpelliéraine"), not the subject after an opening
        phrase that ends with a name ("Selon X, la start-up ...", "Conseillé par X, le groupe")."""
        doc = self.doc
        if i < 2 or doc[i - 1].text != "," or i - 2 not in taken:
            return False
        name = i - 2
        while name - 1 in taken:
            name -= 1
        return not self._in_opening_phrase(name)

    def _in_opening_phrase(self, i: int) -> bool:
        """Token ``i`` lies in a phrase that opens its sentence before any finite verb ("Selon
        X,", "Fondée par A et B, deux anciens de X,")."""
        opening = self.doc[self.doc[i].sent.start : i]
        return bool(opening) and not any("Fin" in t.morph.get("VerbForm") for t in opening)

    def after_opening_participle(self, start: int, end: int) -> bool:
        """'Établi à Vierzon, X, qui fabrique ..., compte': the name after the comma that
        closes a sentence-opening participle phrase, followed by its relative clause or its
        verb, is the subject however the parser hung it (such sentences often break it)."""
        doc = self.doc
        if not (self._after_fronted_participle(start) and self._in_opening_phrase(start - 1)):
            return False
        nxt = doc[end] if end < len(doc) else None
        if nxt is not None and nxt.text == "," and end + 1 < len(doc):
            nxt = doc[end + 1] if fold_word(doc[end + 1].text) == "qui" else None
        return nxt is not None and (
            fold_word(nxt.text) == "qui"
            or (nxt.pos_ in ("VERB", "AUX") and "Fin" in nxt.morph.get("VerbForm"))
        )

    def _after_fronted_participle(self, i: int) -> bool:
        """Token ``i`` follows the comma that closes a sentence-opening participle phrase
        ("Fondée en 2020 par A et B, deux anciens de X, la start-up ...")."""
        opening = self.doc[i].sent[0]
        return i > 0 and self.doc[i - 1].text == "," and "Part" in opening.morph.get("VerbForm")


def _merge_overlaps(
    spans: list[tuple[int, int, list[tuple[str, float]]]],
) -> list[tuple[int, int, list[tuple[str, float]]]]:
    """Union overlapping candidate spans; their votes add up."""
    merged: list[tuple[int, int, list[tuple[str, float]]]] = []
    for start, end, votes in sorted(spans, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:
            last_start, last_end, last_votes = merged[-1]
            merged[-1] = (last_start, max(last_end, end), last_votes + votes)
        else:
            merged.append((start, end, list(votes)))
    return merged


def find_mentions(doc: Doc, text: str, *, onto: Ontology, lex: Lexicon) -> list[Mention]:
    """Names and descriptions in ``doc`` (parsed from ``text``), sorted by position."""
    finder = _Finder(doc, text, build_cues(onto), lex)
    candidates = _merge_overlaps(
        [*finder.from_ner(), *finder.from_shapes(), *finder.from_cue_nouns()]
    )
    candidates = [
        (s, e, v)
        for s, e, v in candidates
        if finder.acceptable(s, e)
        and finder.sentence[s] >= 0
        and finder.sentence[s] == finder.sentence[e - 1]
    ]
    candidates = sorted([*candidates, *finder.repeats(candidates)])
    list_votes = finder.colon_list_votes([(s, e) for s, e, _ in candidates])
    # "Brindel Flux" after "Brindel": a longer name that starts with a name the article used
    # before is that one's product or division, whatever NER makes of two capitalised words
    # (a person's first name alone comes after the full name, not before)
    first_seen: dict[str, int] = {}
    for s, e, _ in candidates:
        if e - s == 1:
            first_seen.setdefault(finder.word(doc[s]), s)
    mentions: list[Mention] = []
    taken: set[int] = set()
    for start, end, votes in candidates:
        all_votes = [v for v in votes if not v[0].startswith("ner:")]
        all_votes += finder.context_votes(start, end) + list_votes.get((start, end), [])
        ner_votes = [(c[4:], w) for c, w in votes if c.startswith("ner:")]
        if end - start > 1 and first_seen.get(finder.word(doc[start]), len(doc)) < start:
            ner_votes = [(c, w) for c, w in ner_votes if c != "Person"]
        # "à Toulouse", "en Bretagne": a place for NER, after a locative preposition, is one
        # ("à Nexaria" is a dative: NER did not call it a place)
        before = doc[start - 1] if start > 0 else None
        if (
            ("Place", 1.0) in ner_votes
            and before is not None
            and fold_word(before.text) in _LOCATIVE
            and not finder.is_dative(start, end)
        ):
            all_votes.append(("Place", 2.0))
        # when nothing says what it is, a shape like "ZEN-E 3" or "DeepNova" is an artefact's
        words = [finder.word(t) for t in doc[start:end]]
        fallback = (
            [("Artifact", 0.5)]
            if _looks_like_a_brand(words)
            else [("Place", 0.5)]  # "Bourgogne-Franche-Comté"
            if len(words) == 1 and _is_toponym_shape(words[0])
            else []
        )
        head = doc[start:end].root
        # the cue noun that introduces the name ("le groupe X"), if any
        noun = naming_noun(doc, start, finder.is_naming_cue, lex.demonym_endings)
        cited = finder.cited(head, noun)
        char_start, char_end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        taken.update(range(start, end))
        subject = (
            any(
                t.dep_ in ("nsubj", "nsubj:pass") and not colon_between(t, t.head)
                for t in conjuncts_up(head)
            )
            or _naming_subject(doc, start, noun)
            or finder.after_opening_participle(start, end)
        )
        if subject and head.head.pos_ == "VERB" and not all_votes:
            # "Orvane apporte 18 M€": what acts in business news is rarely a place, and
            # NER's guess is all there is
            ner_votes = [(c, w) for c, w in ner_votes if c != "Place"]
        mentions.append(
            Mention(
                start=char_start,
                end=char_end,
                text=text[char_start:char_end],
                sentence=finder.sentence[start],
                votes=tuple(sorted(all_votes)),
                ner_votes=tuple(sorted(ner_votes)),
                fallback_votes=tuple(fallback),
                source="name",
                subject=subject,
                presented_as=(
                    fold_word(doc[noun].lemma_)
                    if noun is not None
                    else finder.apposed_cue(start, end)
                ),
                backgrounded=cited or finder.backgrounded(head, noun),
                cited=cited,
            )
        )
    mentions.extend(finder.descriptions(taken))
    mentions.extend(finder.latter())
    return sorted(mentions, key=lambda m: (m.start, m.end))


def _naming_subject(doc: Doc, start: int, noun: int | None) -> bool:
    """'La start-up lyonnaise Kalio a annoncé': the noun naming it (``noun``) is the subject
    (also when the tagger missed that it is a noun, and hung the name on it)."""
    if noun is None and start > 0 and doc[start].head.i == start - 1:
        noun = start - 1
    return noun is not None and doc[noun].dep_ in ("nsubj", "nsubj:pass")


def conjuncts_up(tok: Token) -> list[Token]:
    """The token and the first conjunct it is coordinated to ("A et B" -> B gives [B, A])."""
    out = [tok]
    while out[-1].dep_ == "conj" and out[-1].head.i != out[-1].i:
        out.append(out[-1].head)
    return out
