"""N-ary facts: funding rounds, investments, valuations, stakes, rankings and quotations.

A fact class in ``ontology.ttl`` says which words trigger it (``kg:verbCue``, ``kg:nounCue``),
which role the trigger's subject and complement fill (``kg:subjectRole``,
``kg:objectRole``), which quantities it takes (``kg:quantityRole``), which roles it needs
(``owl:minCardinality``) and which prepositions introduce other roles ("menée par X"). This
module applies those declarations to the parse; quotations are found by their marks.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TypeVar

from spacy.tokens import Doc, Token

from kg.extract.context import Context
from kg.extract.holders import holder_facts, qualifies_a_noun
from kg.extract.mentions import build_cues
from kg.extract.quantities import Quantity
from kg.extract.syntax import (
    CueIndex,
    clause_head,
    fold_word,
    has_en_clitic,
    likened,
    strip_reflexive,
    subjects,
    tokens,
)
from kg.model import Evidence, Fact, Value
from kg.ontology import Ontology

__all__ = ["find_facts", "find_quotes"]

_T = TypeVar("_T")
_QUOTE = re.compile(r"«\s*(?P<a>[^»]+?)\s*»|“(?P<b>[^”]+?)”|\"(?P<c>[^\"\n]+?)\"")
_MIN_QUOTE_WORDS = 4
_NEAR = 6  # tokens after a trigger where its complement may stand


def _quantity_values(q: Quantity, roles: tuple[str, ...]) -> list[tuple[str, Value]]:
    if q.kind == "money" and "amount" in roles and q.value is not None:
        return [("amount", q.value), ("currency", q.unit or "")]
    if q.kind == "percent":
        if q.low is not None and q.high is not None and "percentMin" in roles:
            return [("percentMin", q.low), ("percentMax", q.high)]
        if q.value is not None and "percent" in roles:
            return [("percent", q.value)]
    if q.kind == "rank" and "rank" in roles and q.value is not None:
        return [("rank", int(q.value))]
    if q.kind == "date" and "date" in roles and q.date is not None:
        return [("date", q.date)]
    return []


class _FactCues:
    """The fact cues of an ontology, indexed once per ontology."""

    def __init__(self, onto: Ontology) -> None:
        self.classes = [onto.classes[c] for c in onto.fact_classes() if c != "Quote"]
        self.triggers = CueIndex.build(
            [(c, info.name) for info in self.classes for c in info.verb_cues]
            + [(c, info.name) for info in self.classes for c in info.noun_cues]
            + [(c, info.name) for info in self.classes for c in info.inverse_verb_cues]
        )
        # verbs whose subject fills the object role: "X grimpe à la 4e place du Top100"
        self.inverse = CueIndex.build(
            (c, info.name) for info in self.classes for c in info.inverse_verb_cues
        )
        self.functional = frozenset(p.name for p in onto.properties.values() if p.functional)
        # "contre 12 %": the words that give a class's value at an earlier time, folded
        self.earlier_by_class = {
            info.name: frozenset(fold_word(cue) for cue in info.earlier_value_cues)
            for info in self.classes
            if info.earlier_value_cues
        }
        self.earlier = frozenset().union(*self.earlier_by_class.values())
        self.role_preps: dict[str, CueIndex] = {}
        self.role_verbs: dict[str, CueIndex] = {}
        for info in self.classes:
            ancestors = set(onto.ancestors(info.name))
            roles = [p for p in onto.properties.values() if p.domain in ancestors]
            self.role_preps[info.name] = CueIndex.build(
                (cue, prop.name) for prop in roles for cue in prop.preposition_cues
            )
            # "X a mené l'opération": the verb's subject fills the role
            self.role_verbs[info.name] = CueIndex.build(
                (strip_reflexive(cue), prop.name) for prop in roles for cue in prop.verb_cues
            )
        # "X se classe 5e, derrière Y": the prepositions of the relations read in a class's
        # context compare its fact to something else; they introduce none of its roles
        self.comparing: dict[str, frozenset[str]] = {
            info.name: frozenset(
                fold_word(cue)
                for prop in onto.properties.values()
                if prop.cue_context == info.name
                for cue in prop.preposition_cues
                if " " not in cue
            )
            for info in self.classes
        }
        self.anaphoric = {
            info.name: CueIndex.build((c, info.name) for c in info.anaphoric_cues)
            for info in self.classes
            if info.anaphoric_cues
        }
        self.speech = build_cues(onto).speech


@functools.cache
def _fact_cues(onto: Ontology) -> _FactCues:
    return _FactCues(onto)


_GENDER_OF_PRONOUN = {"il": "Masc", "elle": "Fem"}


def _person_in_focus(ctx: Context, sentence: int, genders: set[str]) -> list[str]:
    """The most salient person before ``sentence`` whose first name's grammatical gender (as
    the tagger reads it) is not at odds with ``genders``."""
    rejected: set[str] = set()
    for _ in range(3):
        person = ctx.salient(sentence, "Person", exclude=frozenset(rejected), before=True)
        if person is None or ctx.classes[person][0] != "Person":
            return []
        first = ctx.first_token(person)
        gender = set(ctx.doc[first].morph.get("Gender")) if first is not None else set()
        if not gender or gender & genders:
            return [person]
        rejected.add(person)
    return []


def _verb_after_quote(doc: Doc, end: int) -> Token | None:
    """The verb right after a closing quotation mark and its comma ("», a réagi X")."""
    span = doc.char_span(end, min(len(doc.text), end + 40), alignment_mode="expand")
    if span is None or len(span) < 2 or span[0].text != ",":
        return None
    for i, tok in enumerate(span[1:4], start=1):
        if tok.pos_ == "VERB":
            return tok
        # a verb the tagger took for a noun ("», tempère X"): lower-case, before a name
        nxt = span[i + 1] if i + 1 < len(span) else None
        if (
            tok.pos_ in ("NOUN", "ADJ")
            and tok.text.isalpha()
            and tok.text.islower()
            and nxt is not None
            and nxt.pos_ in ("PROPN", "DET")
        ):
            return tok
        if tok.pos_ != "AUX":
            return None
    return None


def _is_definite(tok: Token) -> bool:
    """A definite or demonstrative determiner ("le", "l'", "cette"), by its features."""
    return tok.pos_ == "DET" and (
        tok.morph.get("Definite") == ["Def"] or "Dem" in tok.morph.get("PronType")
    )


#: Sentences after a fact whose role cues may still complete it.
_CARRY_REACH = 2
#: Financing facts that may tell a funding round again, and the roles they bring to it.
_FOLLOW_UPS = frozenset({"FundingRound", "Investment"})
_INVESTOR_ROLES = frozenset({"investor", "leadInvestor"})
#: Determiners after which an ordinal qualifies a noun ("une première", "son premier")
_QUALIFYING_DETERMINERS = frozenset({"un", "une", "son", "sa", "leur", "notre", "mon", "ma"})
#: Relative pronouns of "se joindre à": "un tour ..., auquel le fonds X s'est joint".
_DATIVE_RELATIVES = frozenset({"auquel", "auxquels", "auxquelles", "laquelle"})
_RELATIVE_REACH = 8  # tokens from such a pronoun to its clause's verb


class _FactFinder:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        cues = _fact_cues(ctx.onto)
        self.triggers, self.inverse = cues.triggers, cues.inverse
        self.functional, self.role_preps = cues.functional, cues.role_preps
        self.role_verbs = cues.role_verbs
        self.anaphoric = cues.anaphoric
        self.comparing = cues.comparing
        self.earlier_cues, self.earlier_by_class = cues.earlier, cues.earlier_by_class

    def complement(self, trigger: Token, cls: str) -> list[str]:
        """Entities the trigger takes as complement: syntactic objects, else the next name
        (not one it is compared to: "derrière X" in a ranking)."""
        ctx = self.ctx
        comparing = self.comparing.get(cls, frozenset())
        keys = ctx.keys_of(
            c
            for c in trigger.children
            if (c.dep_ in ("obj", "nmod") or c.dep_.startswith("obl"))
            and not likened(c)
            and not any(fold_word(m.text) in comparing for m in c.children if m.dep_ == "case")
        )
        if not keys:
            for j in range(trigger.i + 1, min(len(ctx.doc), trigger.i + _NEAR)):
                if ctx.sentence[j] != ctx.sentence[trigger.i]:
                    break
                if j in ctx.token_key:
                    return [ctx.token_key[j]]
                if ctx.doc[j].pos_ in ("VERB", "AUX") or ctx.doc[j].text in (",", ";", "."):
                    break
        return keys

    def after_quantity(self, q: Quantity, sentence: int) -> str | None:
        """'35 % de Borealis', '5 % du capital de X': the entity the quantity is a share of."""
        doc = self.ctx.doc
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is None:
            return None
        for j in range(span.end, min(len(doc), span.end + 5)):
            if self.ctx.sentence[j] != sentence or doc[j].pos_ in ("VERB", "AUX", "PUNCT"):
                return None
            if j in self.ctx.token_key:
                return self.ctx.token_key[j]
        return None

    def find(self) -> list[Fact]:
        ctx, doc = self.ctx, self.ctx.doc
        drafts: dict[tuple[str, int], _Draft] = {}
        self.triggers_in: dict[int, list[tuple[int, str]]] = {}
        triggered: dict[str, list[int]] = {}  # class -> its trigger tokens
        # "le fonds Go Capital": a cue word inside a name triggers nothing
        matches = [
            (tok, cls)
            for tok in tokens(doc)
            if not (tok.i in ctx.token_key and tok.text[:1].isupper())
            for _, cls in self.triggers.match(doc, tok.i)
        ]
        for tok, cls in matches:
            self.triggers_in.setdefault(ctx.sentence[tok.i], []).append((tok.idx, cls))
            triggered.setdefault(cls, []).append(tok.i)
        shared: list[_Draft] = []
        self.told: dict[str, tuple[int, str]] = {}  # class -> (sentence, object) last told
        for tok, cls in matches:
            sentence = ctx.sentence[tok.i]
            if sentence < 0:
                continue
            listed = self.gapped_subjects(sentence, tok.idx)
            roles, values = self.fillers(tok, cls, sentence, listed)
            respective = self.respectively(tok, cls, sentence, roles)
            if respective:
                shared.extend(respective)
                self.remember(cls, sentence, respective[0].roles)
                continue
            shared.extend(self.gapped(tok, cls, sentence, roles, values, listed))
            self.remember(cls, sentence, roles)
            draft = drafts.setdefault((cls, sentence), _Draft(cls, sentence))
            draft.add(roles, values, self.functional)
            draft.tokens.append(tok)
            if draft.modality is None or tok.pos_ in ("VERB", "AUX"):
                draft.modality = ctx.modality(tok)
        self.carry_role_cues(drafts)
        for respective in shared:
            # what the other triggers of the sentence took of the shared quantities is theirs
            draft = drafts.get((respective.cls, respective.sentence))
            if draft is not None:
                draft.values = [v for v in draft.values if v not in respective.values]
                if not draft.values:
                    del drafts[(respective.cls, respective.sentence)]
        ordered = sorted([*drafts.values(), *shared], key=lambda d: (d.sentence, d.cls))
        facts = [self.build(d) for d in ordered]
        facts = holder_facts(ctx, facts, triggered, _quantity_values, self.names_subject_role)
        facts = join_rounds(facts, refers_back=lambda s: self.refers_back("FundingRound", s))
        facts = earlier_values(facts, ctx, self.earlier_by_class)
        return _merge_repeats(facts, self.functional, self.ctx.onto)

    def remember(self, cls: str, sentence: int, roles: list[tuple[str, str]]) -> None:
        """Keep the object of the ``cls`` fact just told, for a clitic "en" after it."""
        role = self.ctx.onto.classes[cls].object_role
        key = next((k for r, k in roles if r == role), None)
        if key is not None:
            self.told[cls] = (sentence, key)

    def names_subject_role(self, verb: Token, cls: str) -> bool:
        """The verb is a (not inverse, not reflexive) trigger of ``cls``: its subject fills
        the class's subject role ("le Top500 place X", not "X se classe")."""
        doc = self.ctx.doc
        return (
            any(c == cls for _, c in self.triggers.match(doc, verb.i))
            and not any(c == cls for _, c in self.inverse.match(doc, verb.i))
            and not any(fold_word(c.text) in ("se", "s'") for c in verb.children)
        )

    def carry_role_cues(self, drafts: dict[tuple[str, int], _Draft]) -> None:
        """'X boucle une série A de 28 M€. Le tour a été conduit par Y.': role cues in the next
        sentences, up to one that states another fact of its class, complete the fact."""
        for (cls, sentence), draft in sorted(drafts.items(), key=lambda i: (i[0][1], i[0][0])):
            for later in range(sentence + 1, sentence + 1 + _CARRY_REACH):
                if (cls, later) in drafts:
                    break
                if not self.refers_back(cls, later):
                    continue
                roles = self.preposition_roles(cls, later)
                # "Réalisée le 14 octobre, l'opération ...": the day of the fact told again
                dates = [
                    v
                    for q in self.ctx.quantities_in(later, "date")
                    for v in _quantity_values(q, self.ctx.onto.classes[cls].quantity_roles)
                ][:1]
                if roles or dates:
                    draft.add(roles, dates, self.functional)

    def fillers(
        self, tok: Token, cls: str, sentence: int, gapped: list[tuple[str, Quantity]]
    ) -> tuple[list[tuple[str, str]], list[tuple[str, Value]]]:
        """Roles and values the trigger ``tok`` of a ``cls`` fact finds in its sentence (not
        the ``gapped`` subjects after it, see ``gapped_subjects``)."""
        ctx, info = self.ctx, self.ctx.onto.classes[cls]
        doc = self.ctx.doc
        # "Vega-3 se classe": after a reflexive pronoun, a trigger read as a noun is a verb;
        # so is one read as an adjective ("X pointe à la 5e place"), as no cue is one
        reflexive_before = tok.i > 0 and fold_word(doc[tok.i - 1].text) in ("se", "s'")
        misread = tok.pos_ == "ADJ" or reflexive_before
        verb = tok if tok.pos_ in ("VERB", "AUX") or misread else clause_head(tok)
        reads_as_verb = verb.i != tok.i or tok.pos_ in ("VERB", "AUX") or misread
        subs = ctx.subject_keys(verb) if reads_as_verb else []
        objs = self.complement(tok, cls)
        if tok.pos_ == "NOUN" and tok.i >= 3 and doc[tok.i - 1].pos_ == "DET":
            # "le Top100, le classement des ...": the name the trigger noun describes
            described = (
                ctx.mention_before(tok.i - 2, sentence) if doc[tok.i - 2].text == "," else None
            )
            if described:
                subs = [described[0]]
        elif ctx.passive(verb):
            subs, objs = ctx.agents(verb), subs + objs
        reflexive = reflexive_before or any(
            fold_word(c.text) in ("se", "s'") for c in verb.children
        )
        inverse = reflexive or any(c == cls for _, c in self.inverse.match(self.ctx.doc, tok.i))
        if inverse and info.object_role:
            subs, objs = [], subs + objs  # "X se classe 4e", "X grimpe à la 4e place"
        roles: list[tuple[str, str]] = []
        if info.subject_role and subs:
            # "Banque Korvel et le fonds X ont investi": every subject, unless the role takes one
            fillers = subs[:1] if info.subject_role in self.functional else subs
            roles.extend((info.subject_role, s) for s in fillers)
        values: list[tuple[str, Value]] = []
        quantities = sorted(
            (
                q
                for kind in ("money", "percent", "rank", "date")
                for q in ctx.quantities_in(sentence, kind)
            ),
            key=lambda q: (q.start < tok.idx, abs(q.start - tok.idx)),
        )
        used_kinds: set[str] = set()
        complement = holder = None
        for q in quantities:
            if (
                not self.nearest_trigger(q, tok.idx, cls, sentence)
                or self.ordinal_of_noun(q)
                or self.earlier(q)
            ):
                continue
            pairs = _quantity_values(q, info.quantity_roles) if q.kind not in used_kinds else []
            if pairs:
                used_kinds.add(q.kind)
                values.extend(pairs)
                complement = complement or self.after_quantity(q, sentence)
                holder = holder or self.before_quantity(q, sentence)
        if holder and info.quantity_holder_role:
            roles = [(r, k) for r, k in roles if k != holder]
            roles.append((info.quantity_holder_role, holder))
            objs = [o for o in objs if o != holder]
        if complement and info.quantity_complement_role and complement not in subs:
            roles.append((info.quantity_complement_role, complement))
        # "A détiendra 51 % de X et B 34 %": B, the parser's conjunct, is no object
        others = {k for k, _ in gapped}
        if info.object_role and not any(r == info.object_role for r, _ in roles):
            taken = {k for _, k in roles} | others
            target = next((o for o in objs if o not in subs and o not in taken), None)
            if target:
                roles.append((info.object_role, target))
        roles.extend(self.preposition_roles(cls, sentence))
        # "selon X": who tells the fact plays no part in it
        sources = ctx.sources(sentence)
        roles = [(r, k) for r, k in roles if k not in sources]
        if values:  # a stated amount with no one to attach it to: the article's topic
            taken = {k for _, k in roles} | sources | others
            for role in (info.subject_role, info.object_role):
                if not role or role not in info.required_roles or any(r == role for r, _ in roles):
                    continue
                required = ctx.onto.properties[role].range
                if required != "Organization":
                    continue
                if role == info.object_role and reads_as_verb and self._said_of_a_thing(verb):
                    continue  # "le coût du parc est estimé à 1,1 Md€": no company's value
                if role == info.object_role:
                    # "Orvane en possède 6 %", "la transaction valorise la société à ...":
                    # what the fact is about, when its sentence does not name it, is what the
                    # article is about (not the name nearest to it: "sous réserve du feu vert
                    # de X", "ramenée à 19 % par Y")
                    topic = (
                        self._clitic_antecedent(cls, verb.i, sentence, required, taken)
                        if has_en_clitic(verb)
                        else None
                    ) or ctx.topic(required, exclude=frozenset(taken))
                else:
                    topic = ctx.salient(sentence, required, exclude=frozenset(taken))
                if topic:
                    roles.append((role, topic))
        return roles, values

    def _said_of_a_thing(self, verb: Token) -> bool:
        """The passive verb's subject is a common noun that stands for no entity ("le coût
        du parc est estimé à ...")."""
        ctx = self.ctx
        if not ctx.passive(verb):
            return False
        own = [c for c in verb.children if c.dep_ in ("nsubj", "nsubj:pass")]
        return bool(own) and own[0].pos_ == "NOUN" and ctx.key(own[0]) is None

    def respectively(
        self, tok: Token, cls: str, sentence: int, roles: list[tuple[str, str]]
    ) -> list[_Draft]:
        """'A et B en détiennent respectivement 11 % et 6,5 %': one fact per subject, each
        with its own quantity, in order, sharing the other roles the trigger found."""
        ctx, info = self.ctx, self.ctx.onto.classes[cls]
        role = info.subject_role
        if tok.pos_ not in ("VERB", "AUX") or role not in self.functional:
            return []
        found = ctx.respectively(sentence)
        if found is None:
            return []
        subs = ctx.subject_keys(tok)
        shares = [
            values
            for q in found[1]
            if q.value is not None and (values := _quantity_values(q, info.quantity_roles))
        ]
        if len(subs) < 2 or len(subs) != len(shares):
            return []
        others = [(r, k) for r, k in roles if r != role and k not in subs]
        if info.object_role and has_en_clitic(tok):
            others = [(r, k) for r, k in others if r != info.object_role]
        if info.object_role and not any(r == info.object_role for r, _ in others):
            topic = self.topic_before(info.object_role, sentence, set(subs))
            if topic:
                others.append((info.object_role, topic))
        drafts = []
        for key, values in zip(subs, shares, strict=True):
            draft = _Draft(cls, sentence, modality=ctx.modality(tok))
            draft.add([(role, key), *others], values, self.functional)
            draft.tokens.append(tok)
            drafts.append(draft)
        return drafts

    def gapped(
        self,
        tok: Token,
        cls: str,
        sentence: int,
        roles: list[tuple[str, str]],
        values: list[tuple[str, Value]],
        listed: list[tuple[str, Quantity]],
    ) -> list[_Draft]:
        """'A détiendra 51 % de X et B 34 %': the verb left out after "et" or a comma; each
        name ``listed`` right before a later quantity of the kind the trigger took is another
        subject, sharing the trigger's other roles."""
        ctx, info = self.ctx, self.ctx.onto.classes[cls]
        role = info.subject_role
        if tok.pos_ not in ("VERB", "AUX") or role not in self.functional or not values:
            return []
        if not any(r == role for r, _ in roles):
            return []
        taken = {k for _, k in roles}
        others = [(r, k) for r, k in roles if r != role]
        drafts = []
        for key, q in listed:
            pairs = _quantity_values(q, info.quantity_roles)
            if not pairs or pairs[0] in values or key in taken:
                continue
            draft = _Draft(cls, sentence, modality=ctx.modality(tok))
            draft.add([(role, key), *others], pairs, self.functional)
            draft.tokens.append(tok)
            drafts.append(draft)
            taken.add(key)
        return drafts

    def gapped_subjects(self, sentence: int, after: int) -> list[tuple[str, Quantity]]:
        """The names standing right before a quantity, after "et" or a comma, past the
        character offset ``after``: "..., B 34 %", "et C 15 %"."""
        ctx, found = self.ctx, []
        for q in ctx.quantities_in(sentence):
            first = ctx.doc.char_span(q.start, q.end, alignment_mode="expand")
            if q.start <= after or first is None:
                continue
            before = ctx.mention_before(first.start, sentence)
            # not "51 % de X": a complement, not a subject
            if before and before[1] > 0 and ctx.doc[before[1] - 1].text in (",", "et"):
                found.append((before[0], q))
        return found

    def topic_before(self, role: str, sentence: int, exclude: set[str]) -> str | None:
        """The entity most in focus before ``sentence`` (or, in a first sentence, in it) that
        can fill ``role``."""
        required = self.ctx.onto.properties[role].range
        return self.ctx.salient(
            sentence, required, exclude=frozenset(exclude), before=True
        ) or self.ctx.salient(sentence, required, exclude=frozenset(exclude))

    def before_quantity(self, q: Quantity, sentence: int) -> str | None:
        """'Orion au quatrième rang', 'Vega, relégué à la huitième place': the name right
        before the quantity, over prepositions, determiners and one participle."""
        doc = self.ctx.doc
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is None:
            return None
        for j in range(span.start - 1, max(-1, span.start - 6), -1):
            if self.ctx.sentence[j] != sentence:
                return None
            if j in self.ctx.token_key:
                return self.ctx.token_key[j]
            if doc[j].pos_ not in ("ADP", "DET", "PUNCT") and "Part" not in doc[j].morph.get(
                "VerbForm"
            ):
                return None
        return None

    def earlier(self, q: Quantity) -> bool:
        """'2,5 Md€, contre 1,1 milliard lors de son précédent tour': a quantity after a
        ``kg:earlierValueCue`` is what something was, no fact's value now."""
        return _follows(self.ctx.text, q, self.earlier_cues)

    def ordinal_of_noun(self, q: Quantity) -> bool:
        """'une première démonstration', 'son premier client': after an indefinite or
        possessive determiner, an ordinal qualifies its noun and ranks nothing (but "X a
        classé Y premier vendeur" ranks Y)."""
        if q.kind != "rank":
            return False
        doc = self.ctx.doc
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is None or span.start == 0:
            return False
        before = fold_word(doc[span.start - 1].text)
        return before in _QUALIFYING_DETERMINERS and qualifies_a_noun(span)

    def nearest_trigger(self, q: Quantity, at: int, cls: str, sentence: int) -> bool:
        """True unless a trigger of another class that takes this kind of quantity stands
        nearer to it: in "valorisée 1 Md€ depuis sa levée de fonds" the amount is the value."""
        distance = abs(q.start - at)
        for other_at, other in self.triggers_in.get(sentence, []):
            if other == cls or abs(q.start - other_at) >= distance:
                continue
            if _quantity_values(q, self.ctx.onto.classes[other].quantity_roles):
                return False
        return True

    def names_fact(self, cls: str, tok: Token) -> bool:
        """The noun is a cue of fact class ``cls`` ("le tour de table", "l'opération")."""
        doc = self.ctx.doc
        anaphoric = self.anaphoric.get(cls)
        return any(c == cls for _, c in self.triggers.match(doc, tok.i)) or bool(
            anaphoric and anaphoric.match(doc, tok.i)
        )

    def refers_back(self, cls: str, sentence: int) -> bool:
        """The sentence names a fact of class ``cls`` by a definite description ("le tour",
        "l'opération", "cette levée")."""
        ctx, doc = self.ctx, self.ctx.doc
        cues = self.anaphoric.get(cls)
        return cues is not None and any(
            cues.match(doc, tok.i) and tok.i > 0 and _is_definite(doc[tok.i - 1])
            for tok in ctx.sentence_tokens(sentence)
        )

    def preposition_roles(self, cls: str, sentence: int) -> list[tuple[str, str]]:
        """'menée par X', 'auprès de X, Y et Z': fillers introduced by the roles' cues; 'X a
        mené l'opération': the subject of a role's verb whose object names the fact."""
        ctx, doc = self.ctx, self.ctx.doc
        roles = []
        for tok in ctx.sentence_tokens(sentence):
            verbs = self.role_verbs[cls].match(doc, tok.i) if tok.pos_ in ("VERB", "AUX") else []
            if verbs:
                # "X a mené l'opération", "Y a pris part à cette série A"; else "menée par X,
                # qu'ont accompagné Y et le business angel Z": the subjects of an inverted
                # relative clause on a filler of the fact
                names_fact = any(
                    self.names_fact(cls, c)
                    for c in tok.children
                    if c.dep_ == "obj" or c.dep_.startswith("obl")
                )
                keys = (
                    ctx.subject_keys(tok) if names_fact else self._inverted_subjects(tok, sentence)
                )
                roles.extend((prop, k) for _, prop in verbs for k in keys)
            for end, prop in self.role_preps[cls].match(doc, tok.i):
                found = ctx.mention_after(end, sentence)
                # "auprès de X, Y et le britannique Z", "... de X et de Y"; or a list announced
                # before a colon
                listed = (
                    ctx.coordinated_after(found, sentence, of_links=True)[0]
                    if found
                    else ctx.listed_after(end, sentence)
                )
                roles.extend((prop, key) for key in listed)
        return roles

    def _inverted_subjects(self, verb: Token, sentence: int) -> list[str]:
        """'qu'ont accompagné A et le business angel B': the names after the verb of a
        relative clause whose object is "que", coordinated, whatever the parser made of them;
        'auquel le fonds A s'est joint': the names between "auquel" and the verb."""
        ctx, doc = self.ctx, self.ctx.doc
        if any(c.dep_ == "obj" and fold_word(c.text) in ("que", "qu'") for c in verb.children):
            start = verb.i + 1
        else:
            j = verb.i - 1
            while j > 0 and (
                doc[j].pos_ in ("AUX", "ADV") or fold_word(doc[j].text) in ("se", "s'")
            ):
                j -= 1
            pronoun = next(
                (
                    k
                    for k in range(j, max(0, j - _RELATIVE_REACH), -1)
                    if fold_word(doc[k].text) in _DATIVE_RELATIVES
                ),
                None,
            )
            if pronoun is None:
                return []
            start = pronoun + 1
        return ctx.coordinated_after(ctx.described_name_after(start, sentence), sentence)[0]

    def _clitic_antecedent(
        self, cls: str, i: int, sentence: int, required: str, taken: set[str]
    ) -> str | None:
        """What the clitic "en" of a ``cls`` trigger at token ``i`` stands for: the object of
        the fact of its class just told ("X détient 41 % du groupe. Orvane en possède
        6 %"), else the last entity named before it."""
        told = self.told.get(cls)
        if told is not None and told[0] >= sentence - 1 and told[1] not in taken:
            return told[1]
        return self._last_named_before(i, sentence, required, taken)

    def _last_named_before(
        self, i: int, sentence: int, required: str, taken: set[str]
    ) -> str | None:
        """'la création de Cellarc, une coentreprise. Alcyon en détiendra 60 %': the clitic
        "en" stands for the last entity of class ``required`` named before the verb, in its
        sentence or the one before."""
        ctx = self.ctx
        for j in range(i - 1, -1, -1):
            if ctx.sentence[j] < sentence - 1:
                return None
            key = ctx.token_key.get(j)
            if key and key not in taken and ctx.onto.is_a(ctx.classes[key][0], required):
                return key
        return None

    def build(self, draft: _Draft) -> Fact:
        ctx = self.ctx
        for role, key in draft.roles:
            ctx.vote(key, ctx.onto.properties[role].range)
        keys = {k for _, k in draft.roles}
        role_tokens = [t for t in ctx.sentence_tokens(draft.sentence) if ctx.key(t) in keys]
        chars = [c for q in ctx.quantities_in(draft.sentence) for c in (q.start, q.end)]
        return Fact(
            cls=draft.cls,
            roles=tuple(draft.roles),
            values=tuple(draft.values),
            evidence=ctx.evidence(
                draft.sentence, draft.tokens + role_tokens, chars if draft.values else ()
            ),
            modality=draft.modality or "Asserted",
        )


@dataclass
class _Draft:
    """A fact being gathered from the triggers of one sentence."""

    cls: str
    sentence: int
    roles: list[tuple[str, str]] = field(default_factory=list)
    values: list[tuple[str, Value]] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    modality: str | None = None

    def add(
        self,
        roles: list[tuple[str, str]],
        values: list[tuple[str, Value]],
        functional: frozenset[str],
    ) -> None:
        self.roles = _union(self.roles, roles, functional)
        self.values = _union(self.values, values, functional)


def _union(
    old: list[tuple[str, _T]], new: list[tuple[str, _T]], functional: frozenset[str]
) -> list[tuple[str, _T]]:
    """Add ``new`` fillers: a functional role keeps its first filler, others gather them all."""
    out = list(old)
    for role, value in new:
        if (role, value) in out or (role in functional and any(r == role for r, _ in out)):
            continue
        out.append((role, value))
    return out


def _same_quantities(a: Fact, b: Fact) -> bool:
    """Both tellings give the same amounts, percentages and ranks (dates may differ in detail)."""

    def numbers(fact: Fact) -> dict[str, Value]:
        return {name: value for name, value in fact.values if name != "date"}

    return numbers(a) == numbers(b)


def _main_role(cls: str, onto: Ontology) -> str | None:
    """The role a fact of ``cls`` is about: the holder of its quantity (the item ranked), else
    the role its trigger's subject fills, else its object's."""
    info = onto.classes[cls]
    return info.quantity_holder_role or info.subject_role or info.object_role


def _merge_repeats(facts: list[Fact], functional: frozenset[str], onto: Ontology) -> list[Fact]:
    """One fact told twice (a headline, then the body) becomes one: same class, modality and
    main participant, and no conflicting value. The first telling keeps its evidence."""
    out: list[Fact] = []
    for fact in facts:
        main = _main_role(fact.cls, onto)
        same = next(
            (
                i
                for i, kept in enumerate(out)
                if kept.cls == fact.cls
                and kept.modality == fact.modality
                and main is not None
                and kept.role(main) is not None
                and kept.role(main) == fact.role(main)
                and _same_quantities(kept, fact)
            ),
            None,
        )
        if same is None:
            out.append(fact)
            continue
        kept = out[same]
        out[same] = Fact(
            kept.cls,
            tuple(_union(list(kept.roles), list(fact.roles), functional)),
            tuple(_union(list(kept.values), list(fact.values), functional)),
            kept.evidence,
            kept.modality,
        )
    return out


def join_rounds(
    facts: list[Fact], reach: int = 2, refers_back: Callable[[int], bool] | None = None
) -> list[Fact]:
    """Investors told after a funding round join that round instead of standing alone.

    'X et Y ont également investi dans l'opération': an investment with no investee and no
    amount, right after a round. 'Le tour a été mené par X ; A et B ont remis au pot', 'Y a
    lui aussi pris part à cette série A': financing facts with no amount of their own in a
    sentence that refers back to a round (``refers_back``) are that round told again; their
    investors (lead or not) join it, what they took for an investee does not.
    """
    out: list[Fact] = []
    for fact in facts:
        if fact.cls in _FOLLOW_UPS and not fact.value("amount"):
            rounds = [
                i
                for i, kept in enumerate(out)
                if kept.cls == "FundingRound"
                and 0 <= fact.evidence.sentence - kept.evidence.sentence <= reach
            ]
            told_again = refers_back is not None and refers_back(fact.evidence.sentence)
            if rounds and (told_again or (fact.cls == "Investment" and not fact.role("investee"))):
                kept = out[rounds[-1]]
                new_roles = tuple(
                    (role, key)
                    for role, key in fact.roles
                    if role in _INVESTOR_ROLES
                    and (role, key) not in kept.roles
                    and key != kept.role("investee")
                )
                out[rounds[-1]] = Fact(
                    kept.cls, kept.roles + new_roles, kept.values, kept.evidence, kept.modality
                )
                continue
        if fact.cls == "Investment" and fact.value("amount") and fact.role("investee"):
            # "Orvane y participe à hauteur de 1,5 M€": an investor's share of the round
            # just told is an investment of its own, and makes it one of the round's investors
            share = next(
                (
                    i
                    for i in range(len(out) - 1, -1, -1)
                    if out[i].cls == "FundingRound"
                    and 0 <= fact.evidence.sentence - out[i].evidence.sentence <= reach
                    and out[i].role("investee") == fact.role("investee")
                    and out[i].modality == fact.modality
                    and _share_of(fact, out[i])
                ),
                None,
            )
            if share is not None:
                kept = out[share]
                joining = tuple(
                    ("investor", key)
                    for role, key in fact.roles
                    if role == "investor" and not any(k == key for _, k in kept.roles)
                )
                out[share] = replace(kept, roles=kept.roles + joining)
        out.append(fact)
    return out


def _share_of(investment: Fact, round_: Fact) -> bool:
    """The investment's amount is a part of the round's, in its currency, on its date."""
    amount, total = investment.value("amount"), round_.value("amount")
    date = investment.value("date")
    return (
        isinstance(amount, Decimal)
        and isinstance(total, Decimal)
        and amount < total
        and investment.value("currency") == round_.value("currency")
        and (date is None or date == round_.value("date"))
    )


def continue_roles(facts: list[Fact], ctx: Context, reach: int = 3) -> list[Fact]:
    """'... se classe devant Vega, relégué à la huitième place': a fact that names no
    leaderboard (its quantity complement role) continues the one of the previous fact of its
    class, a few sentences back."""
    out: list[Fact] = []
    for fact in facts:
        role = ctx.onto.classes[fact.cls].quantity_complement_role
        if role and not fact.role(role):
            previous = next(
                (
                    f
                    for f in reversed(out)
                    if f.cls == fact.cls
                    and f.role(role)
                    and 0 <= fact.evidence.sentence - f.evidence.sentence <= reach
                ),
                None,
            )
            inherited = previous.role(role) if previous else None
            if inherited and inherited not in {k for _, k in fact.roles}:
                fact = Fact(
                    fact.cls,
                    (*fact.roles, (role, inherited)),
                    fact.values,
                    fact.evidence,
                    fact.modality,
                )
        out.append(fact)
    return out


def find_facts(ctx: Context) -> list[Fact]:
    """N-ary facts (all fact classes but quotations) triggered by the ontology's cues."""
    return _FactFinder(ctx).find()


#: the value roles a quantity of each kind fills, replaced together by an earlier value
_VALUE_ROLES = {"percent": {"percent", "percentMin", "percentMax"}, "money": {"amount", "currency"}}


def earlier_values(facts: list[Fact], ctx: Context, cues: dict[str, frozenset[str]]) -> list[Fact]:
    """'porte sa participation à 30 %, contre 12 % jusqu'ici': a quantity after one of the
    folded ``kg:earlierValueCue`` words of the fact's class (``cues``) gives the fact again,
    with that value and no date."""
    out = list(facts)
    told = {(f.evidence.sentence, frozenset(f.values)) for f in facts}
    for fact in facts:
        info = ctx.onto.classes[fact.cls]
        if fact.cls not in cues:
            continue
        for q in ctx.quantities_in(fact.evidence.sentence):
            replaced = _VALUE_ROLES.get(q.kind, set())
            values = _quantity_values(q, info.quantity_roles)
            if not values or not any(r in replaced for r, _ in fact.values):
                continue  # the fact has no value of this kind to be compared with
            if not _follows(ctx.text, q, cues[fact.cls]):
                continue
            kept = tuple((r, v) for r, v in fact.values if r not in replaced and r != "date")
            earlier = tuple(sorted(kept + tuple(values), key=lambda rv: rv[0]))
            key = (fact.evidence.sentence, frozenset(earlier))
            if set(values) <= set(fact.values) or key in told:
                continue
            told.add(key)
            evidence = Evidence(
                sentence=fact.evidence.sentence,
                start=min(fact.evidence.start, q.start),
                end=max(fact.evidence.end, q.end),
            )
            out.append(replace(fact, values=earlier, evidence=evidence))
    return out


def _follows(text: str, q: Quantity, words: Iterable[str]) -> bool:
    """The word right before the quantity is one of ``words`` (folded)."""
    before = fold_word(text[max(0, q.start - 20) : q.start]).split()
    return bool(before) and before[-1] in words


def _introducer(ctx: Context, start: int, sentence: int) -> list[str]:
    """The person a clause ending on a colon right before the quotation is about ("Le patron
    de Y, X, y voit un débouché majeur : « ... »": the first person of the clause)."""
    doc = ctx.doc
    before = doc.char_span(max(0, start - 3), start, alignment_mode="expand")
    if before is None or not any(t.text == ":" for t in before):
        return []
    colon = next(t for t in before if t.text == ":")
    people = (
        key
        for t in ctx.sentence_tokens(sentence)
        if t.i < colon.i and (key := ctx.token_key.get(t.i)) and ctx.classes[key][0] == "Person"
    )
    return [first] if (first := next(people, None)) else []  # the clause's subject


def find_quotes(ctx: Context) -> list[Fact]:
    """Quotations between « », “ ” or " " with the speaker named in the same sentence."""
    onto, doc, text = ctx.onto, ctx.doc, ctx.text
    speech = _fact_cues(onto).speech
    titles = build_cues(onto).titles
    facts = []
    for match in _QUOTE.finditer(text):
        words = (match["a"] or match["b"] or match["c"] or "").strip()
        if len(words.split()) < _MIN_QUOTE_WORDS:
            continue
        sentence = ctx.sentence_at(match.start())
        # a quotation may run over several sentences: "« A. B », a déclaré X"
        last = max(sentence, ctx.sentence_at(max(match.start(), match.end() - 1)))
        around = range(sentence, last + 1)
        inside = range(match.start(), match.end())
        speakers: list[str] = []
        verbs = [
            t
            for index in around
            for t in ctx.sentence_tokens(index)
            if t.idx not in inside and t.pos_ in ("VERB", "AUX") and speech.match(doc, t.i)
        ]
        if not verbs and (after := _verb_after_quote(doc, match.end())) is not None:
            # "», savoure X", "», a réagi X": in French, the verb right after the quotation
            # introduces its speaker, whatever the verb
            verbs = [after]
        for verb in verbs:
            # never a name inside the quotation; of the subject's names, its person ("la
            # directrice de X, Anne Y")
            said_by = ctx.keys_of(t for t in subjects(verb) if t.idx not in inside)
            people = [k for k in said_by if ctx.classes[k][0] == "Person"]
            speakers.extend(k for k in people or said_by if k not in speakers)
        for verb in verbs:  # "», a résumé le directeur de X, Antoine Varnier": the person after
            if verb.idx > match.start() and not speakers:
                after = [
                    ctx.token_key[j]
                    for j in range(verb.i + 1, len(doc))
                    if ctx.sentence[j] == ctx.sentence[verb.i] and j in ctx.token_key
                ]
                people = [k for k in after if ctx.classes[k][0] == "Person"]
                speakers.extend((people or after)[:1])
        for verb in verbs:  # "», a-t-il prévenu": the person the previous sentence is about
            pronouns = {
                word
                for t in doc[max(0, verb.i - 3) : verb.i + 3]
                if (word := fold_word(t.text).removeprefix("-t").removeprefix("-"))
                in _GENDER_OF_PRONOUN
            }
            pronoun = bool(pronouns)
            if pronoun and not speakers:
                earlier = ctx.subjects_by_sentence.get(sentence - 1, [])
                speakers.extend(k for k in earlier if ctx.classes[k][0] == "Person")
            if pronoun and not speakers:
                # no person opened the sentence before: the person most in focus so far whom
                # the pronoun can stand for ("elle": not a man's first name)
                genders = {_GENDER_OF_PRONOUN[p] for p in pronouns}
                speakers.extend(_person_in_focus(ctx, sentence, genders)[:1])
        for verb in verbs:  # "», a affirmé la dirigeante": the person in focus with that title
            if speakers:
                break
            # the subject, which French puts after a verb of speech (the parser may not)
            after = next(
                (t for t in doc[verb.i + 1 : verb.i + 5] if t.pos_ not in ("DET", "ADJ")), None
            )  # "», a réagi la nouvelle dirigeante"
            titled = [
                t
                for t in [*subjects(verb), *([after] if after is not None else [])]
                if t.pos_ == "NOUN" and t.idx not in inside
            ]
            if titled and titles.match(doc, titled[0].i):
                genders = set(titled[0].morph.get("Gender")) or {"Masc", "Fem"}
                speakers.extend(_person_in_focus(ctx, sentence, genders)[:1])
        if not speakers:
            speakers.extend(_introducer(ctx, match.start(), sentence))
        if not speakers:
            selon = [t for t in ctx.sentence_tokens(sentence) if fold_word(t.text) == "selon"]
            for t in selon:
                found = ctx.mention_after(t.i + 1, sentence)
                if found:
                    speakers.append(found[0])
        speakers = [k for k in speakers if ctx.fits(k, onto.properties["speaker"].range)]
        if not speakers:
            continue
        ctx.vote(speakers[0], onto.properties["speaker"].range)
        anchor = (
            verbs[0]
            if verbs
            else doc.char_span(match.start(), match.end(), alignment_mode="expand")[0]
        )
        facts.append(
            Fact(
                cls="Quote",
                roles=(("speaker", speakers[0]),),
                values=(("text", words),),
                evidence=Evidence(
                    sentence=sentence,
                    start=min(match.start(), anchor.idx),
                    end=max(match.end(), anchor.idx + len(anchor)),
                ),
                modality="Asserted",
            )
        )
    return facts


def complete(facts: list[Fact], classes: dict[str, str], ctx: Context) -> list[Fact]:
    """Facts whose roles respect the ontology and that have every role their class needs."""
    onto = ctx.onto
    out = []
    for fact in facts:
        info = onto.classes[fact.cls]
        roles = [
            (role, key)
            for role, key in fact.roles
            if onto.is_a(classes.get(key, "Entity"), onto.properties[role].range)
        ]
        # the lead investor is an investor: keep only the more precise role for one filler
        roles = [
            (role, key)
            for role, key in roles
            if not any(k == key and role in onto.properties[r].parents for r, k in roles)
        ]
        present = {r for r, _ in roles} | {v for v, _ in fact.values}
        if not set(info.required_roles) <= present:
            continue
        quantities = set(info.quantity_roles) - {"date"}
        if info.requires_quantity and not quantities & present:
            continue
        if len({key for _, key in roles}) < len(roles):
            continue  # one entity in two roles ("X invests in X") is a misreading
        out.append(Fact(fact.cls, tuple(roles), fact.values, fact.evidence, fact.modality))
    return out
