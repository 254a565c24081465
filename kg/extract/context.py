"""What the relation and fact extractors share about one parsed document."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from spacy.tokens import Doc, Token

from kg.extract.mentions import sentence_of_tokens
from kg.extract.quantities import Quantity
from kg.extract.syntax import (
    DE_FORMS,
    CueIndex,
    clause_head,
    conjuncts,
    fold_word,
    is_conditional,
    is_plural,
    likened,
    naming_noun,
    subjects,
    tokens,
    verb_lemmas,
)
from kg.lexicon import Lexicon, load_lexicon
from kg.model import Evidence
from kg.ontology import Ontology
from kg.resolve import Resolution, decide_class, most_salient

__all__ = ["Context"]

#: Tokens an apposition between a subject and its verb may hold.
_APPOSITION_REACH = 10
#: A class decided by fewer votes than this can still be corrected by the roles it plays.
_FIRM_SCORE = 2.0
#: A name and its version number: "Tarn-2", "Frostline 2", "Sirius 4.5".
_VERSIONED = re.compile(r"(?P<base>.*?[A-Za-zÀ-ÿ])[\s-]?\d+(?:[.,]\d+)?")
_NEGATORS = frozenset({"ne", "n'"})
_RELATIVE = frozenset({"qui", "que", "lequel", "laquelle", "lesquels", "lesquelles"})
_PERSONAL = frozenset({"il", "elle"})
_OBJECT_CLITICS = frozenset({"l'", "le", "la"})
#: Where the parser hangs a relative clause: on its antecedent, or elsewhere by mistake.
_CLAUSE_DEPS = frozenset({"acl:relcl", "acl", "advcl", "parataxis", "conj"})
#: Words that open a condition clause ("si elle aboutit, ...")
_CONDITIONAL_MARKS = frozenset({"si", "s'"})
_PLACE_PREPOSITIONS = frozenset({"en", "au", "aux"})


def _after_place_preposition(doc: Doc, start: int) -> bool:
    """The name starting at token ``start`` follows "en", "au", "aux" or "dans" and a
    determiner ("dans le Grand Est"; not "intégré dans Hélia", "à Hélia")."""
    if start < 2:
        return False
    return fold_word(doc[start - 1].text) in _PLACE_PREPOSITIONS or (
        doc[start - 1].pos_ == "DET" and fold_word(doc[start - 2].text) == "dans"
    )


_ANNOUNCING_REACH = 10  # tokens of a noun phrase announcing a list


def _is_finite(tok: Token) -> bool:
    return tok.pos_ in ("VERB", "AUX") and "Fin" in tok.morph.get("VerbForm")


#: Clitics that may stand between a subject and its verb ("X en possède 25 %", "X y investit")
_CLITICS = frozenset({"en", "y"})
_REPEATED_LINKS = DE_FORMS | {"par"}
#: The word that pairs coordinated names with coordinated quantities, in order, and what may
#: stand between the quantities of its list: "respectivement 38 %, 22 % et 25 %"
_RESPECTIVELY = frozenset({"respectivement"})
_LIST_GAP = re.compile(r"\s*(?:,|et|,\s*et)?\s*")


class Context:
    """A parsed document with its entities, quantities and modality cues, indexed by token."""

    def __init__(
        self,
        doc: Doc,
        text: str,
        resolution: Resolution,
        quantities: list[Quantity],
        onto: Ontology,
        cue_nouns: CueIndex | None = None,
        lex: Lexicon | None = None,
    ) -> None:
        self.doc = doc
        self.text = text
        self.lex = lex or load_lexicon()
        self.resolution = resolution
        self.onto = onto
        self.sentence = sentence_of_tokens(doc)
        #: sentence index -> (first token, end token)
        self.sentence_bounds: dict[int, tuple[int, int]] = {}
        for i, index in enumerate(self.sentence):
            if index < 0:  # a blank sentence
                continue
            start, _ = self.sentence_bounds.get(index, (i, i))
            self.sentence_bounds[index] = (start, i + 1)
        self.quantities = quantities
        self._by_sentence: dict[int, list[Quantity]] = defaultdict(list)
        for q in quantities:
            self._by_sentence[self.sentence_at(q.start)].append(q)
        self.role_votes: dict[str, list[tuple[str, float]]] = defaultdict(list)
        self.token_key: dict[int, str] = {}
        # entities named after a preposition of place ("dans le Grand Est", "en Bretagne")
        self.placed: set[str] = set()
        for (start, end), key in resolution.keys.items():
            span = doc.char_span(start, end, alignment_mode="expand")
            for tok in span or ():
                self.token_key[tok.i] = key
            if span and _after_place_preposition(doc, span.start):
                self.placed.add(key)
        self._name_cue_nouns(cue_nouns)
        self.sentence_starts = {
            next((t.i for t in s if not t.is_space and not t.is_punct), s.start) for s in doc.sents
        }
        self.subjects_by_sentence: dict[int, list[str]] = defaultdict(list)
        subject_mentions = sorted(
            (m.start, m.sentence, key)
            for key, group in resolution.groups.items()
            for m in group.mentions
            if m.subject
        )
        for _, sentence, key in subject_mentions:  # in text order: the first is the main one
            if key not in self.subjects_by_sentence[sentence]:
                self.subjects_by_sentence[sentence].append(key)
        self.classes: dict[str, tuple[str, float]] = {
            key: decide_class(group.votes(), onto) for key, group in resolution.groups.items()
        }
        self.modality_cues = {
            name: frozenset(fold_word(c) for c in cues) for name, cues in onto.modality_cues.items()
        }

    def sentence_tokens(self, index: int) -> list[Token]:
        """The tokens of sentence ``index`` (none for an unknown index)."""
        start, end = self.sentence_bounds.get(index, (0, 0))
        return tokens(self.doc)[start:end]

    def _name_cue_nouns(self, cue_nouns: CueIndex | None) -> None:
        """'la banque Korvel Finance', 'le modèle X': the cue noun stands for the name after it.

        The parser makes the noun the subject or object and hangs the name below it; mapping
        the noun to the name's entity lets every rule read through it.
        """
        if cue_nouns is None:
            return
        doc = self.doc

        def is_cue(i: int) -> bool:
            tok = doc[i]
            # "les modèles Nexaria": Nexaria's models, not a model named Nexaria
            return tok.pos_ == "NOUN" and not is_plural(tok) and bool(cue_nouns.match(doc, i))

        starts = sorted({min(tok.i for tok in span) for span in self._mention_spans()})
        for start in starts:
            cue = naming_noun(doc, start, is_cue, self.lex.demonym_endings)
            if cue is not None:
                for i in range(cue, start):  # the whole naming phrase stands for the name
                    if i not in self.token_key and doc[i].pos_ in ("NOUN", "ADJ", "PROPN"):
                        self.token_key[i] = self.token_key[start]
        for tok in tokens(doc):
            if tok.i in self.token_key or not is_cue(tok.i):
                continue
            # "Keen-3, un modèle de langage ...": the noun describes the name before the comma
            k = tok.i - 1
            if k >= 2 and doc[k].pos_ == "DET" and doc[k - 1].text == ",":
                before = self.mention_before(k - 1, self.sentence[tok.i])
                if before:
                    self.token_key[tok.i] = before[0]

    # -- entities ---------------------------------------------------------------------
    def key(self, tok: Token) -> str | None:
        return self.token_key.get(tok.i)

    def keys_of(self, tokens: Iterable[Token]) -> list[str]:
        """Entities named by these tokens or their coordinated tokens, in order, no repeats."""
        out: list[str] = []
        for tok in tokens:
            for conj in self.name_conjuncts(tok):
                keys = [self.key(conj)] if self.key(conj) else []
                if not keys and conj.pos_ == "PRON":
                    keys = self._pronoun_keys(conj)
                if not keys:  # "une jeune pousse, Tessio", "les chercheurs A et B"
                    keys = [
                        k
                        for c in conj.children
                        if (
                            c.dep_ == "appos"
                            or (
                                c.dep_.startswith(("flat", "nmod"))
                                # right after the noun, or after a comma with no preposition:
                                # an apposition ("ses investisseurs historiques, X et Y")
                                and (c.i == conj.i + 1 or self._apposed_nmod(c))
                            )
                        )
                        for named in self.name_conjuncts(c)
                        if (k := self.key(named))
                    ]
                out.extend(k for k in keys if k and k not in out)
        return out

    def name_conjuncts(self, tok: Token) -> list[Token]:
        """The token's conjuncts, also those the parser hung on a later word of the same name
        ("A Ventures et B": B coordinated with "Ventures")."""
        out = conjuncts(tok)
        key, j = self.key(tok), tok.i + 1
        while key is not None and j < len(self.doc) and self.token_key.get(j) == key:
            out.extend(t for t in conjuncts(self.doc[j]) if t.i != j and t not in out)
            j += 1
        return sorted(out, key=lambda t: t.i)

    def _apposed_nmod(self, tok: Token) -> bool:
        """A noun's complement that is an apposition the parser misread: after a comma, with
        no preposition of its own."""
        return (
            tok.i > 0
            and self.doc[tok.i - 1].text == ","
            and not any(c.dep_ == "case" for c in tok.children)
        )

    def subject_keys(self, verb: Token) -> list[str]:
        """Entities the clause of ``verb`` is about.

        Syntactic subjects first (with coordinated names the parser hung elsewhere: "A et B
        discutent"); failing that, a name standing right before the verb, as in headlines the
        parser misreads ("Borealis rachète Nexaria").
        """
        is_participle = "Part" in verb.morph.get("VerbForm")
        if is_participle and verb.i > 1 and self.doc[verb.i - 1].text == ",":
            # "Lynx 4, développé par Metis, ...": a participle after a comma describes the name
            # just before it, wherever the parser attached it
            before = self.mention_before(verb.i - 1, self.sentence[verb.i])
            if before:
                last = self.doc[verb.i - 2]
                if last.dep_ == "nmod" and last.head.pos_ == "NOUN":
                    # "la division serveurs de Lenovo, dirigée par X": X heads the division
                    return self.keys_of([last.head])
                return [before[0]]
        subs = subjects(verb)
        keys = self.keys_of(subs)
        for sub in subs:
            if self.key(sub) is None:
                keys.extend(self._pronoun_keys(sub))
                continue  # "..., qui pourrait": a pronoun, not a coordination
            prev = self.mention_before(sub.i - 1, self.sentence[sub.i])
            if prev and self.doc[sub.i - 1].text in ("et", "ou"):
                keys.append(prev[0])
        if subs and self.key(subs[0]) is not None:
            # "A, B et le fonds C complètent l'opération": the list opening the sentence, when
            # the parser hung its first names elsewhere
            first, key = subs[0].i, self.key(subs[0])
            while first > 0 and self.token_key.get(first - 1) == key:
                first -= 1
            sentence = self.sentence[first]
            opening = self.coordinated_before(first - 1, sentence) if first > 1 else []
            if (
                opening
                and self.doc[first - 1].text == ","
                and self.first_token(opening[0], sentence) in self.sentence_starts
            ):
                keys = opening + keys
            keys += self._listed_up_to(first, verb.i, sentence)
        if not keys and is_participle and verb.i in self.sentence_starts:
            # "Fondée en 2019 par X, la jeune pousse ...": the name after the opening phrase
            comma = self.opening_phrase_end(verb.i)
            after = self.mention_after(comma + 1, self.sentence[verb.i]) if comma else None
            if after:
                keys = [after[0]]
        if not keys and is_participle:
            # "Fondée par X, Datakeen développe ...": the participle's subject is the main one
            clauses = [c for c in verb.children if c.dep_ in ("parataxis", "conj")]
            if verb.head.i != verb.i and verb.dep_ in ("advcl", "parataxis"):
                clauses.append(verb.head)
            keys = self.keys_of(s for clause in clauses for s in subjects(clause))
        if not keys and verb.dep_ in ("acl", "acl:relcl") and verb.head.i != verb.i:
            # "un modèle entraîné sur ...": a participle's subject is the noun it modifies
            noun = verb.head
            keys = self.keys_of([noun]) or (
                self.keys_of([noun.head]) if noun.dep_ == "appos" else []
            )
        if not keys:
            j = verb.i - 1
            # back over auxiliaries, adverbs and clitics ("A et B en détiennent 10 %")
            while (
                j >= 0
                and (
                    self.doc[j].pos_ in ("AUX", "ADV")
                    or self.doc[j].dep_.startswith("expl")
                    or (self.doc[j].pos_ == "PRON" and fold_word(self.doc[j].text) in _CLITICS)
                )
                and j not in self.token_key
            ):
                j -= 1
            if j >= 0 and self.doc[j].text == ",":
                opening = self._apposition_start(j, self.sentence[verb.i])
                j = opening - 1 if opening is not None else -1
            last = self.mention_before(j + 1, self.sentence[verb.i]) if j >= 0 else None
            # "le gestionnaire basé à Oslo possède": a name after a preposition is no subject
            if last and not (last[1] > 0 and self.doc[last[1] - 1].pos_ == "ADP"):
                keys = self.coordinated_before(j + 1, self.sentence[verb.i])
        if keys:  # "X a remis au pot, tout comme Y"
            keys += self.keys_of(c for c in verb.children if c.dep_ == "obl:mod" and likened(c))
        return list(dict.fromkeys(keys))

    def _listed_up_to(self, first: int, verb: int, sentence: int) -> list[str]:
        """'A, B et le fonds C complètent': the names listed after the subject starting at
        token ``first``, when nothing but the list stands between it and the verb."""
        keys, after = self.coordinated_after(
            self.mention_after(first, sentence, skip_det=False), sentence, end=verb
        )
        return keys[1:] if after == verb else []

    def coordinated_after(
        self,
        found: tuple[str, int] | None,
        sentence: int,
        end: int | None = None,
        of_links: bool = False,
    ) -> tuple[list[str], int]:
        """The name ``found`` (its entity and last token) and the names coordinated after it
        by a comma or "et", before token ``end``: "A, B et le britannique C" (also "de A et de
        B", "par A et par B", if ``of_links``); and the token after the last of them."""
        doc, keys = self.doc, []
        after = found[1] + 1 if found else -1
        while found:
            keys.append(found[0])
            after = found[1] + 1
            if after >= len(doc) or doc[after].text not in (",", "et"):
                break
            if end is not None and after >= end:
                break
            nxt = after + 1
            if of_links and nxt < len(doc) and fold_word(doc[nxt].text) in _REPEATED_LINKS:
                nxt += 1  # "auprès de X et de Y", "rejoint par X, par Y et par Z"
            found = self.described_name_after(nxt, sentence, end=end)
        return keys, after

    def coordinated_before(self, i: int, sentence: int) -> list[str]:
        """The mention ending right before token ``i`` and those coordinated before it: "A et
        B, déjà présents au capital, ont réinvesti", "A, B et C ont ...", "auprès de A et de
        B, qui ...". The last link is "et" (a lone comma ends an opening phrase)."""
        keys: list[str] = []
        before = self.mention_before(i, sentence)
        links = ("et",)
        while before:
            keys.append(before[0])
            k = before[1] - 1
            if k > 0 and fold_word(self.doc[k].text) in DE_FORMS:
                k -= 1  # "de A et de B"
            before = (
                self.mention_before(k, sentence) if k > 0 and self.doc[k].text in links else None
            )
            links = ("et", ",")
        return keys[::-1]

    def opening_phrase_end(self, i: int, reach: int | None = None) -> int | None:
        """The comma that closes the phrase opening at token ``i`` (or the sentence's end),
        over place phrases in apposition: "Installée à Morteau, dans le Doubs, la PME ..."."""

        def next_comma(j: int) -> int | None:
            stop = len(self.doc) if reach is None else min(len(self.doc), j + reach)
            return next((t.i for t in self.doc[j:stop] if t.text == "," or t.is_sent_end), None)

        comma = next_comma(i)
        while (
            comma is not None
            and self.doc[comma].text == ","
            and comma + 1 < len(self.doc)
            and self.doc[comma + 1].pos_ == "ADP"
        ):
            comma = next_comma(comma + 1)
        return comma

    def _apposition_start(self, comma: int, sentence: int) -> int | None:
        """The comma that opens the apposition closed by ``comma`` ("X, déjà présent au
        capital, a ..."), if the words between name nothing and hold no verb but a participle
        opening them ("le fonds X, entré en 2019, en possédait 25 %")."""
        for j in range(comma - 1, max(-1, comma - _APPOSITION_REACH), -1):
            tok = self.doc[j]
            opening_participle = (
                j > 0 and self.doc[j - 1].text == "," and "Part" in tok.morph.get("VerbForm")
            )
            if (
                self.sentence[j] != sentence
                or (tok.pos_ in ("VERB", "AUX") and not opening_participle)
                or j in self.token_key
            ):
                return None
            if tok.text == ",":
                return j
        return None

    def _mention_spans(self) -> list[list[Token]]:
        return [
            list(span)
            for start, end in self.resolution.keys
            if (span := self.doc.char_span(start, end, alignment_mode="expand")) is not None
            and len(span)
        ]

    def _pronoun_keys(self, pronoun: Token) -> list[str]:
        """'X, qui a fondé ...': the relative pronoun's antecedent; 'Il prépare ...': the
        subject of the previous sentence, which a sentence-initial subject pronoun continues."""
        word = fold_word(pronoun.text)
        clause = pronoun.head
        if word in _RELATIVE and clause.dep_ in _CLAUSE_DEPS and clause.head.i != clause.i:
            antecedent = clause.head
            on_noun = clause.dep_ == "acl:relcl" and antecedent.pos_ not in ("VERB", "AUX")
            sentence = self.sentence[pronoun.i]
            if pronoun.i > 1 and self.doc[pronoun.i - 1].text == ",":
                # "auprès de A et de B, qui ...", "», explique X, qui préside ...": the names
                # before the comma, when the parser hung the clause on no noun; on a noun, an
                # apposition that renames it ("La dirigeante de Y, X, qui a fondé ...")
                found = self.coordinated_before(pronoun.i - 1, sentence)
                last = self.doc[pronoun.i - 2]
                name = last.head if last.dep_ == "flat:name" else last
                if found and (not on_noun or name.dep_ == "appos"):
                    return found
            return self.keys_of([antecedent]) if on_noun else []
        sentence = self.sentence[pronoun.i]
        if word in _PERSONAL and pronoun.dep_ == "nsubj":
            return self.subjects_by_sentence.get(sentence - 1, [])[:1]
        if word in _OBJECT_CLITICS and pronoun.dep_ == "obj":
            # "X a dévoilé Y. Z l'a classé ...": the last name of the previous sentence
            previous = [
                k for i, k in sorted(self.token_key.items()) if self.sentence[i] == sentence - 1
            ]
            return previous[-1:]
        return []

    def passive(self, verb: Token) -> bool:
        """'a été rachetée par X', 'Fondée par X, ...', 'Valorisée 1 Md€, la start-up ...':
        the agent, not the grammatical subject, is the logical subject."""
        # the parser's "nsubj:pass" alone is not enough: it also says so of "ont investi"
        if any(c.dep_ in ("aux:pass", "obl:agent") for c in verb.children):
            return True
        # a bare past participle (no auxiliary) used as an adjective is passive in meaning
        return (
            "Part" in verb.morph.get("VerbForm")
            and "Past" in verb.morph.get("Tense")
            and not any(c.dep_.startswith("aux") for c in verb.children)
        )

    def agents(self, verb: Token) -> list[str]:
        """Entities of a passive verb's agent ("créée en 2020 par A et B"): its ``obl:agent``,
        or else the "par" phrase that follows it in the clause, which the parser sometimes
        hangs on the next verb."""
        found = self.keys_of(c for c in verb.children if c.dep_ == "obl:agent")
        if found:
            return found
        sentence = self.sentence[verb.i]
        for tok in self.sentence_tokens(sentence)[verb.i - self.sentence_bounds[sentence][0] + 1 :]:
            if tok.pos_ in ("VERB", "AUX", "PUNCT", "CCONJ", "PRON", "SCONJ"):
                return []
            if fold_word(tok.text) == "par":
                if tok.head.i > tok.i and (found := self.keys_of([tok.head])):
                    return found  # the noun the "par" phrase is about, and its coordinates
                after = self.mention_after(tok.i + 1, sentence)
                return [after[0]] if after else []
        return []

    def mention_before(self, i: int, sentence: int) -> tuple[str, int] | None:
        """Entity (and first token) of the mention that ends right before token ``i``."""
        j = i - 1
        if j < 0 or self.sentence[j] != sentence or j not in self.token_key:
            return None
        key = self.token_key[j]
        while j - 1 >= 0 and self.token_key.get(j - 1) == key:
            j -= 1
        return key, j

    def mention_after(self, i: int, sentence: int, skip_det: bool = True) -> tuple[str, int] | None:
        """Entity (and last token) of the mention starting at token ``i`` (after a determiner)."""
        j = i
        if skip_det and j < len(self.doc) and self.doc[j].pos_ == "DET" and j not in self.token_key:
            j += 1
        if j >= len(self.doc) or self.sentence[j] != sentence or j not in self.token_key:
            return None
        key = self.token_key[j]
        while j + 1 < len(self.doc) and self.token_key.get(j + 1) == key:
            j += 1
        return key, j

    def first_token(self, key: str, sentence: int | None = None) -> int | None:
        """The first token naming entity ``key`` (in ``sentence``, if given)."""
        return min(
            (
                j
                for j, k in self.token_key.items()
                if k == key and (sentence is None or self.sentence[j] == sentence)
            ),
            default=None,
        )

    def listed_after(self, i: int, sentence: int, marks: tuple[str, ...] = (":",)) -> list[str]:
        """'aux côtés de trois business angels : A, ancienne directrice de X, B et C', 'deux
        modèles de langage, A et B': the names the noun phrase at token ``i`` announces before
        one of ``marks``, each right after the mark, a comma or "et" (the names inside their
        appositions come after a preposition)."""
        doc = self.doc
        mark = next(
            (
                j
                for j in range(i, min(len(doc), i + _ANNOUNCING_REACH))
                if self.sentence[j] == sentence
                # "aux côtés duquel figurent deux fonds : ...": the verb of a relative first
                and (doc[j].text in marks or j in self.token_key or (_is_finite(doc[j]) and j > i))
            ),
            None,
        )
        if mark is None or doc[mark].text not in marks:
            return []
        keys: list[str] = []
        j = mark + 1
        while j < len(doc) and self.sentence[j] == sentence and doc[j].text not in (";", "."):
            if _is_finite(doc[j]):
                break
            first = j == mark + 1 or fold_word(doc[j - 1].text) in (",", "et")
            found = self.mention_after(j, sentence) if first else None
            if found:
                keys.append(found[0])
                j = found[1]
            j += 1
        return list(dict.fromkeys(keys))

    def described_name_after(
        self, i: int, sentence: int, end: int | None = None, reach: int = 4
    ) -> tuple[str, int] | None:
        """The name at token ``i``, past a determiner and the lower-case words that describe
        it ("le britannique X", "l'ingénieur X"), and before ``end``."""
        doc = self.doc
        stop = min(len(doc), end if end is not None else len(doc), i + reach)
        j = i
        while (
            j < stop
            and j not in self.token_key
            and doc[j].pos_ in ("DET", "NOUN", "ADJ", "X")  # "le business angel X"
            and doc[j].text[:1].islower()
        ):
            j += 1
        return self.mention_after(j, sentence, skip_det=False)

    def fits(self, key: str, required: str) -> bool:
        """The entity is of class ``required``, or too weakly typed to say it is not."""
        cls, score = self.classes[key]
        if required not in self.onto.classes or self.onto.is_a(cls, required):
            return True
        # a person said so however weakly is no organisation; a place named as one ("dans le
        # Grand Est") is no artefact
        weak_kind = cls == "Person" or (
            cls == "Place" and key in self.placed and self.onto.is_a(required, "Artifact")
        )
        return score < _FIRM_SCORE and not (weak_kind and score > 0)

    def class_now(self, key: str) -> tuple[str, float]:
        """The entity's class and score with the roles it has played so far."""
        group = self.resolution.groups[key]
        return decide_class(group.votes() + self.role_votes.get(key, []), self.onto)

    def vote(self, key: str, required: str) -> None:
        """Record that the entity plays a role whose range is ``required``."""
        if required in self.onto.classes and required != "Entity":
            self.role_votes[key].append((required, 3.0))

    def salient(
        self,
        sentence: int,
        required: str,
        exclude: frozenset[str] = frozenset(),
        before: bool = False,
    ) -> str | None:
        """The entity of class ``required`` most in focus up to ``sentence`` (before it, if
        ``before``): see ``kg.resolve.most_salient``."""
        mentions = [
            (m, key)
            for key, group in self.resolution.groups.items()
            if key not in exclude and self.fits(key, required)
            for m in group.mentions
        ]
        return most_salient(
            mentions,
            sentence,
            lambda key: self.onto.is_a(self.classes[key][0], required),
            before=before,
        )

    def topic(self, required: str, exclude: frozenset[str] = frozenset()) -> str | None:
        """The entity that can be of class ``required`` the article is about: the one it
        mentions most (by name or description; known to be of that class counts double), the
        first mentioned among equals."""
        counts = {
            key: (
                len(group.mentions) * (2 if self.onto.is_a(self.classes[key][0], required) else 1),
                -min(m.start for m in group.mentions),
            )
            for key, group in self.resolution.groups.items()
            if key not in exclude and self.fits(key, required)
        }
        return max(sorted(counts), key=lambda k: counts[k]) if counts else None

    def vote_coordinated(self) -> None:
        """'Brindel et Orvane participent': coordinated names are usually of one kind, so a
        name with nothing to say about itself takes the class of a firmly typed conjunct."""
        pairs = {(self.key(t.head), self.key(t)) for t in tokens(self.doc) if t.dep_ == "conj"}
        for tok in tokens(
            self.doc
        ):  # the surface "A et B" / "A, B" too: the parser often misses it
            if tok.text in ("et", ",") and 0 < tok.i < len(self.doc) - 1:
                pairs.add((self.key(self.doc[tok.i - 1]), self.key(self.doc[tok.i + 1])))
        for a, b in sorted(pairs, key=str):
            if not a or not b or a == b:
                continue
            for weak, firm in ((a, b), (b, a)):
                cls, score = self.classes[firm]
                # people and organisations are coordinated alike ("Orvane et X, le fondateur
                # de Y, ont complété l'opération"): a person is named by two words at least
                names = [
                    m.text for m in self.resolution.groups[weak].mentions if m.source == "name"
                ]
                if cls == "Person" and not any(" " in name for name in names):
                    continue
                if score >= _FIRM_SCORE and self.classes[weak][1] < _FIRM_SCORE:
                    self.role_votes[weak].append((cls, 1.5))

    def vote_alike(self, groups: Iterable[list[str]], at_least: int = 2) -> None:
        """Items one leaderboard ranks, versions of one product, are usually of one kind: an
        item with nothing firm to say about itself takes the class most of the others have
        (``at_least`` of them)."""
        for group in groups:
            for weak in group:
                if self.classes[weak][1] >= _FIRM_SCORE:
                    continue
                kinds = Counter(
                    self.classes[k][0]
                    for k in group
                    if k != weak and self.classes[k][1] >= 1.0 and self.classes[k][0] != "Entity"
                )
                if kinds:
                    (cls, count), *rest = kinds.most_common()
                    if count >= at_least and (not rest or rest[0][1] < count):
                        self.role_votes[weak].append((cls, 1.5))

    def versions(self) -> list[list[str]]:
        """Entities named as versions of one name ("Tarn-1", "Tarn-2"; "Frostline",
        "Frostline 2"), grouped by that name."""
        groups: dict[str, list[str]] = defaultdict(list)
        labels = {
            key: group.mentions[0].text
            for key, group in self.resolution.groups.items()
            if group.mentions and group.mentions[0].source == "name"
        }
        bases = {m["base"] for label in labels.values() if (m := _VERSIONED.fullmatch(label))}
        for key, label in sorted(labels.items()):
            m = _VERSIONED.fullmatch(label)
            base = m["base"] if m else label
            if base in bases:
                groups[base].append(key)
        return [keys for keys in groups.values() if len(keys) > 1]

    # -- quantities and evidence --------------------------------------------------------
    def quantities_in(self, sentence: int, kind: str | None = None) -> list[Quantity]:
        """Quantities of the sentence (of one ``kind``, or all), located once per document."""
        return [q for q in self._by_sentence.get(sentence, []) if kind is None or q.kind == kind]

    def respectively(self, sentence: int) -> tuple[Token, list[Quantity]] | None:
        """'respectivement 38 % et 22 %', 'respectivement deuxième et troisième': the marker
        of the sentence and the quantities listed right after it (not a later clause's)."""
        marker = next(
            (t for t in self.sentence_tokens(sentence) if fold_word(t.text) in _RESPECTIVELY),
            None,
        )
        if marker is None:
            return None
        listed, end = [], marker.idx + len(marker)
        for q in self.quantities_in(sentence):
            if q.start < end:
                continue
            if not _LIST_GAP.fullmatch(self.text[end : q.start]):
                break
            listed.append(q)
            end = q.end
        return marker, listed

    def sentence_at(self, char: int) -> int:
        span = self.doc.char_span(char, char + 1, alignment_mode="expand")
        return self.sentence[span.start] if span is not None and len(span) else -1

    def evidence(
        self, sentence: int, tokens: Iterable[Token], chars: Iterable[int] = ()
    ) -> Evidence:
        points = [p for t in tokens for p in (t.idx, t.idx + len(t))] + list(chars)
        return Evidence(sentence=sentence, start=min(points), end=max(points))

    # -- modality ---------------------------------------------------------------------
    def sources(self, sentence: int) -> frozenset[str]:
        """Entities the sentence cites as its source ("selon X", "d'après X"): the
        names after a preposition that is a cue of reported speech."""
        reported = self.modality_cues.get("Reported", frozenset())
        found = set()
        for tok in self.sentence_tokens(sentence):
            word = fold_word(tok.text)
            previous = fold_word(self.doc[tok.i - 1].text) if tok.i > 0 else ""
            if tok.pos_ == "ADP" and (word in reported or previous + word in reported):
                after = self.mention_after(tok.i + 1, sentence)
                if after:
                    found.add(after[0])
        return frozenset(found)

    def modality(self, trigger: Token) -> str:
        """Asserted, Possible, Reported or Negated, from the words governing ``trigger``."""
        chain = [trigger if trigger.pos_ in ("VERB", "AUX") else clause_head(trigger)]
        # up through infinitive complements: "cherche à lever", "prévoit de racheter"
        while (
            chain[-1].dep_ in ("xcomp", "ccomp", "obl:arg", "obj")
            and chain[-1].head.i != chain[-1].i
            and chain[-1].head.pos_ in ("VERB", "AUX")
        ):
            chain.append(chain[-1].head)
        words = {v for t in chain for v in verb_lemmas(fold_word(t.lemma_))} | {
            fold_word(t.text) for t in chain
        }
        children = [c for t in chain for c in t.children]
        child_words = {fold_word(c.text) for c in children} | {
            fold_word(c.lemma_) for c in children
        }
        if (child_words & _NEGATORS and child_words & self.modality_cues.get("Negated", set())) or (
            words & self.modality_cues.get("Negated", set())
        ):
            return "Negated"
        if words & self.modality_cues.get("Possible", set()):
            return "Possible"
        if child_words & self.modality_cues.get("Possible", set()) and any(
            c.dep_.startswith("advmod") for c in children
        ):
            return "Possible"
        # under a condition ("si elle aboutit, la transaction valoriserait X"), only possible
        if any(
            fold_word(m.text) in _CONDITIONAL_MARKS
            for t in chain
            for c in t.children
            if c.dep_ == "advcl"
            for m in c.children
            if m.dep_ == "mark"
        ):
            return "Possible"
        # a conditional anywhere above the fact ("serait sur le point de racheter") reports it
        governors = [t for t in trigger.ancestors if t.pos_ in ("VERB", "AUX")]
        verbs = [
            *chain,
            *governors,
            *(
                c
                for t in (*chain, *governors)
                for c in t.children
                if c.dep_.startswith("aux") or c.dep_ == "cop"
            ),
        ]
        if any(is_conditional(t) for t in verbs):
            return "Reported"
        reported = self.modality_cues.get("Reported", frozenset())
        if any(
            t.pos_ == "ADP" and fold_word(t.text) in reported
            for t in self.sentence_tokens(self.sentence[trigger.i])
        ):
            return "Reported"
        return "Asserted"
