"""N-ary facts: funding rounds, investments, valuations, stakes, rankings and quotations.

A fact class in ``ontology.ttl`` says which words trigger it (``kg:verbCue``, ``kg:nounCue``),
which role the trigger's subject and complement fill (``kg:subjectRole``,
``kg:objectRole``), which quantities it takes (``kg:quantityRole``), which roles it needs
(``owl:minCardinality``) and which prepositions introduce other roles ("menée par X"). This
module applies those declarations to the parse; quotations are found by their marks.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from kg.extract.context import Context
from kg.extract.quantities import Quantity
from kg.extract.syntax import CueIndex, clause_head, fold_word, subjects
from kg.model import Evidence, Fact, Value

__all__ = ["find_facts", "find_quotes"]

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


class _FactFinder:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        onto = ctx.onto
        self.classes = [onto.classes[c] for c in onto.fact_classes() if c != "Quote"]
        self.triggers = CueIndex.build(
            [(c, info.name) for info in self.classes for c in info.verb_cues]
            + [(c, info.name) for info in self.classes for c in info.noun_cues]
        )
        self.role_preps: dict[str, CueIndex] = {}
        for info in self.classes:
            ancestors = set(onto.ancestors(info.name))
            self.role_preps[info.name] = CueIndex.build(
                (cue, prop.name)
                for prop in onto.properties.values()
                if prop.domain in ancestors
                for cue in prop.preposition_cues
            )

    def complement(self, trigger: Token) -> list[str]:
        """Entities the trigger takes as complement: syntactic objects, else the next name."""
        ctx = self.ctx
        keys = ctx.keys_of(
            c for c in trigger.children if c.dep_ in ("obj", "nmod") or c.dep_.startswith("obl")
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
        """'35 % d'OpenAI', '5 % du capital de X': the entity the quantity is a share of."""
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
        drafts: dict[tuple[str, int], dict[str, object]] = {}
        for tok in doc:
            for _end, cls in self.triggers.match(doc, tok.i):
                info = ctx.onto.classes[cls]
                sentence = ctx.sentence[tok.i]
                if sentence < 0:
                    continue
                verb = tok if tok.pos_ in ("VERB", "AUX") else clause_head(tok)
                is_verb = tok.pos_ in ("VERB", "AUX")
                subs = ctx.subject_keys(verb) if verb.i != tok.i or is_verb else []
                objs = self.complement(tok)
                if any(c.dep_ in ("aux:pass", "nsubj:pass") for c in verb.children):
                    agents = ctx.keys_of(c for c in verb.children if c.dep_ == "obl:agent")
                    subs, objs = agents, subs + objs
                roles: list[tuple[str, str]] = []
                if info.subject_role and subs:
                    roles.append((info.subject_role, subs[0]))
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
                object_key = None
                for q in quantities:
                    if q.kind in used_kinds:
                        continue
                    pairs = _quantity_values(q, info.quantity_roles)
                    if pairs:
                        used_kinds.add(q.kind)
                        values.extend(pairs)
                        object_key = object_key or self.after_quantity(q, sentence)
                if info.object_role:
                    target = object_key or next((o for o in objs if o not in subs), None)
                    if target:
                        roles.append((info.object_role, target))
                roles.extend(self.preposition_roles(cls, sentence))
                draft = drafts.setdefault(
                    (cls, sentence),
                    {"roles": [], "values": [], "tokens": [], "modality": None, "trigger": tok},
                )
                draft["roles"] = _merge(draft["roles"], roles)  # type: ignore[arg-type]
                draft["values"] = _merge(draft["values"], values)  # type: ignore[arg-type]
                draft["tokens"].append(tok)  # type: ignore[union-attr]
                if draft["modality"] is None or tok.pos_ in ("VERB", "AUX"):
                    draft["modality"] = ctx.modality(tok)
        return [
            self.build(cls, sentence, d)
            for (cls, sentence), d in sorted(drafts.items(), key=lambda i: (i[0][1], i[0][0]))
        ]

    def preposition_roles(self, cls: str, sentence: int) -> list[tuple[str, str]]:
        ctx, doc = self.ctx, self.ctx.doc
        roles = []
        for tok in doc:
            if ctx.sentence[tok.i] != sentence:
                continue
            for end, prop in self.role_preps[cls].match(doc, tok.i):
                found = ctx.mention_after(end, sentence)
                while found:
                    roles.append((prop, found[0]))
                    nxt = found[1] + 1
                    if nxt < len(doc) and doc[nxt].text in (",", "et"):
                        found = ctx.mention_after(nxt + 1, sentence)
                    else:
                        found = None
        return roles

    def build(self, cls: str, sentence: int, draft: dict[str, object]) -> Fact:
        ctx = self.ctx
        tokens: list[Token] = list(draft["tokens"])  # type: ignore[call-overload]
        roles: list[tuple[str, str]] = draft["roles"]  # type: ignore[assignment]
        for role, key in roles:
            ctx.vote(key, ctx.onto.properties[role].range)
        role_tokens = [
            t
            for t in ctx.doc
            if ctx.sentence[t.i] == sentence and ctx.key(t) in {k for _, k in roles}
        ]
        chars = [
            c
            for q in ctx.quantities
            if ctx.sentence_at(q.start) == sentence
            for c in (q.start, q.end)
        ]
        evidence = ctx.evidence(sentence, tokens + role_tokens, chars if draft["values"] else ())
        return Fact(
            cls=cls,
            roles=tuple(roles),
            values=tuple(draft["values"]),  # type: ignore[arg-type]
            evidence=evidence,
            modality=str(draft["modality"]),
        )


def _merge(
    old: list[tuple[str, object]], new: list[tuple[str, object]]
) -> list[tuple[str, object]]:
    """Roles of two triggers of the same fact: the first filler of each role wins."""
    seen = {role for role, _ in old}
    return old + [(role, value) for role, value in new if role not in seen and not seen.add(role)]  # type: ignore[func-returns-value]


def find_facts(ctx: Context) -> list[Fact]:
    """N-ary facts (all fact classes but quotations) triggered by the ontology's cues."""
    return _FactFinder(ctx).find()


def find_quotes(ctx: Context) -> list[Fact]:
    """Quotations between « », “ ” or " " with the speaker named in the same sentence."""
    onto, doc, text = ctx.onto, ctx.doc, ctx.text
    speech = CueIndex.build((c, "Quote") for c in onto.classes["Quote"].verb_cues)
    facts = []
    for match in _QUOTE.finditer(text):
        words = (match["a"] or match["b"] or match["c"] or "").strip()
        if len(words.split()) < _MIN_QUOTE_WORDS:
            continue
        sentence = ctx.sentence_at(match.start())
        inside = range(match.start(), match.end())
        speakers: list[str] = []
        verbs = [
            t
            for t in doc
            if ctx.sentence[t.i] == sentence
            and t.idx not in inside
            and t.pos_ in ("VERB", "AUX")
            and speech.match(doc, t.i)
        ]
        for verb in verbs:
            speakers.extend(k for k in ctx.keys_of(subjects(verb)) if k not in speakers)
        if not speakers:
            selon = [
                t for t in doc if ctx.sentence[t.i] == sentence and fold_word(t.text) == "selon"
            ]
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
        roles = tuple(
            (role, key)
            for role, key in fact.roles
            if onto.is_a(classes.get(key, "Entity"), onto.properties[role].range)
        )
        present = {r for r, _ in roles} | {v for v, _ in fact.values}
        if not set(info.required_roles) <= present:
            continue
        quantities = set(info.quantity_roles) - {"date"}
        if info.requires_quantity and not quantities & present:
            continue
        if len({key for _, key in roles}) < len(roles) and fact.cls != "Quote":
            # the same entity in two roles ("X invests in X") is a misreading
            continue
        out.append(Fact(fact.cls, roles, fact.values, fact.evidence, fact.modality))
    return out
