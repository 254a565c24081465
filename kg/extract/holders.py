"""Facts whose quantity belongs to one holder: one fact per quantity a sentence gives a holder.

A ranking article lists several items and their ranks in one sentence ("X est premier, devant
Y, désormais deuxième, et Z (3e)"). The fact finder gathers one fact per class and sentence;
for a class that declares ``kg:quantityHolderRole`` (the item a rank belongs to) this module
reads, for each such quantity, the name it is said of:

* "Z (3e)": the name before the parenthesis;
* "Y, désormais deuxième", "Y de X, relégué au 6e rang": the name the apposition follows,
  not its maker ("de X");
* "Troisième, Y pointe ...": the subject after a fronted rank;
* "Y se classe quatrième", "Y dégringole au neuvième rang", "Y, qui recule à la 2e place":
  the subject of the clause.

An ordinal that qualifies another noun ("son premier client", "la deuxième levée") ranks
nothing. Such facts are read in every sentence of an article that triggers the class
somewhere, and take the leaderboard ("du Top500") their sentence or the nearest one names.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Span, Token

from kg.extract.context import Context
from kg.extract.quantities import Quantity
from kg.extract.syntax import DE_FORMS, clause_head, fold_word
from kg.model import Fact, Value
from kg.ontology import Ontology

__all__ = ["co_held", "holder_facts"]

_REACH = 8  # tokens back from a rank to the name it is said of
_RELATIVE = frozenset({"qui"})
_MAKER_PHRASE = 5  # words of "mis au point par" and the like


class _Holders:
    def __init__(self, ctx: Context, names_board: Callable[[Token], bool]) -> None:
        self.ctx = ctx
        self.names_board = names_board
        #: sentence -> the leaderboard a verb's subject names ("X l'a classé cinquième")
        self.boards: dict[int, str] = {}
        self.doc = ctx.doc
        self.place_nouns = ctx.lex.place_nouns
        self.adverbs = ctx.lex.apposition_adverbs

    def holder(self, q: Quantity, sentence: int) -> str | None:
        doc, ctx = self.doc, self.ctx
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is None:
            return None
        first, end = span.start, span.end
        if first > 0 and doc[first - 1].text == "(" and end < len(doc) and doc[end].text == ")":
            return self.item_before(first - 1, sentence)  # "Z (3e)"
        listed = self.respective(q, sentence)
        if listed is not None:
            return listed  # "devant Y et Z, respectivement deuxième et troisième"
        place = end < len(doc) and fold_word(doc[end].text) in self.place_nouns
        if not place and qualifies_a_noun(span):
            return None
        if place and doc[end].dep_.startswith("nsubj") and doc[end].head.pos_ == "VERB":
            # "la première place revient à Y", "la 3e place est occupée par Y"
            verb = doc[end].head
            for j in range(verb.i + 1, min(len(doc), verb.i + 4)):
                if j in ctx.token_key:
                    return self.item(ctx.token_key[j], sentence)
                if doc[j].pos_ not in ("ADP", "DET", "ADV"):
                    break
            return None
        start = self.phrase_start(first, sentence)
        if start in ctx.sentence_starts:
            return self.after_opening(start, sentence)  # "Troisième, Y pointe ..."
        if start > 0 and doc[start - 1].text == ",":
            return self.item_before(start - 1, sentence)  # "Y, désormais deuxième"
        if start - 1 in ctx.token_key:  # "place X au 4e rang", "X se hisse en tête"
            return self.subject_left(start, sentence)
        named = self.name_before_verb(start, sentence)
        if named is not None:  # "X se classe quatrième", "X dégringole au neuvième rang"
            return named
        verb = clause_head(doc[end] if place else span.root)
        if verb.pos_ == "VERB":
            # "le Top500 place X au 4e rang": the subject is the leaderboard, X the item
            keys = ctx.subject_keys(verb)
            if self.names_board(verb):
                self.boards.update((sentence, k) for k in keys[:1])
                keys = ctx.keys_of(c for c in verb.children if c.dep_ == "obj")
            if keys:
                return self.item(keys[0], sentence)
        return self.subject_left(start, sentence)

    def respective(self, q: Quantity, sentence: int) -> str | None:
        """'devant Y et Z, respectivement deuxième et troisième': the n-th quantity of the list
        after "respectivement" is said of the n-th name of the list before it."""
        ctx, doc = self.ctx, self.doc
        found = ctx.respectively(sentence)
        if found is None or q not in found[1]:
            return None
        marker, listed = found
        n = [x for x in listed if x.kind == q.kind].index(q)
        names: list[str] = []
        j = marker.i - 1
        while j >= 0 and ctx.sentence[j] == sentence:
            key = ctx.token_key.get(j)
            if key is not None:
                if not names or names[-1] != key:
                    names.append(key)
            elif doc[j].text not in (",", "et"):
                break
            j -= 1
        names.reverse()
        return self.item(names[n], sentence) if n < len(names) else None

    def board_after(self, q: Quantity) -> str | None:
        """'à la 4e place du Top500', 'au quatrième rang mondial du X': the name "de"
        introduces right after the rank's phrase."""
        doc, ctx = self.doc, self.ctx
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is None:
            return None
        j = span.end
        while (
            j < len(doc)
            and (fold_word(doc[j].text) in self.place_nouns or doc[j].pos_ == "ADJ")
            and j not in ctx.token_key
        ):
            j += 1
        if j < len(doc) and fold_word(doc[j].text) in DE_FORMS:
            found = ctx.mention_after(j + 1, ctx.sentence[span.start])
            return found[0] if found else None
        return None

    def phrase_start(self, i: int, sentence: int) -> int:
        """Back over the determiners, prepositions and adverbs that open the rank's phrase
        ("au", "à la", "désormais", "qu'")."""
        doc = self.doc
        while (
            i > 0
            and self.ctx.sentence[i - 1] == sentence
            and (doc[i - 1].pos_ in ("DET", "ADP") or fold_word(doc[i - 1].text) in self.adverbs)
            and i - 1 not in self.ctx.token_key
        ):
            i -= 1
        return i

    def after_opening(self, start: int, sentence: int) -> str | None:
        """The subject named after the phrase a rank opens the sentence with."""
        ctx = self.ctx
        comma = ctx.opening_phrase_end(start, reach=8)
        if comma is None or self.doc[comma].text != ",":
            return None
        found = ctx.mention_after(comma + 1, sentence)
        return found[0] if found else None

    def subject_left(self, i: int, sentence: int) -> str | None:
        """'Y ne pointait qu'au neuvième rang', 'Y se classe quatrième': the nearest name to
        the left, within the clause; a relative pronoun stands for the name before it."""
        doc, ctx = self.doc, self.ctx
        for j in range(i - 1, max(-1, i - _REACH), -1):
            if doc[j].text == ",":
                return self.before_apposition(j, sentence)
            if ctx.sentence[j] != sentence or doc[j].text in (";", ":", "«", "»"):
                return None
            if j in ctx.token_key:
                if j == i - 1 and self.after_subject_and_verb(j, sentence):
                    return None  # "X détrône Y en tête": whose rank, the verb says
                return self.item(ctx.token_key[j], sentence)
            if fold_word(doc[j].text) in _RELATIVE:
                return self.item_before(j, sentence)
        return None

    def name_before_verb(self, i: int, sentence: int) -> str | None:
        """The name right before the verb group that ends at token ``i``: back over verbs,
        auxiliaries, clitics and adverbs only ("X ne pointait qu'", "X se classe")."""
        doc, ctx = self.doc, self.ctx
        j = i - 1
        crossed = False
        while j >= 0 and ctx.sentence[j] == sentence and j not in ctx.token_key:
            tok = doc[j]
            # a verb the tagger took for a noun after a reflexive pronoun ("se classe")
            verb = tok.pos_ in ("VERB", "AUX") or (
                tok.pos_ == "NOUN" and j > 0 and fold_word(doc[j - 1].text) in ("se", "s'")
            )
            if not (verb or tok.pos_ in ("ADV", "PRON") or fold_word(tok.text) in self.adverbs):
                break
            crossed = crossed or verb
            j -= 1
        if crossed and j >= 0 and j in ctx.token_key and ctx.sentence[j] == sentence:
            return self.item(ctx.token_key[j], sentence, j)
        return None

    def after_subject_and_verb(self, j: int, sentence: int) -> bool:
        """The name ending at token ``j`` follows another name and a few lower-case words:
        it is the object of a verb whose subject stands before it."""
        ctx, doc = self.ctx, self.doc
        key = ctx.token_key[j]
        while j > 0 and ctx.token_key.get(j - 1) == key:
            j -= 1
        for k in range(j - 1, max(-1, j - 4), -1):
            if ctx.sentence[k] != sentence or not doc[k].text[:1].islower():
                return k in ctx.token_key and ctx.sentence[k] == sentence
        return False

    def before_apposition(self, comma: int, sentence: int) -> str | None:
        """'Y, sorti il y a trois semaines par X, fait son entrée à la 5e place': the name
        before the comma that opens the apposition ``comma`` closes."""
        doc, ctx = self.doc, self.ctx
        for j in range(comma - 1, max(-1, comma - 2 * _REACH), -1):
            if ctx.sentence[j] != sentence:
                return None
            if (
                doc[j].text == ","
                and j + 1 < comma
                and (
                    doc[j + 1].pos_ in ("DET", "ADJ") or "Part" in doc[j + 1].morph.get("VerbForm")
                )
            ):
                found = ctx.mention_before(j, sentence)
                return self.item(found[0], sentence, j - 1) if found else None
        return None

    def item_before(self, i: int, sentence: int) -> str | None:
        """The name before token ``i`` (a comma, a parenthesis, a relative pronoun), over a
        comma-enclosed apposition ("Y, leader depuis 2019, qui ...")."""
        doc, ctx = self.doc, self.ctx
        for j in range(i - 1, max(-1, i - _REACH), -1):
            if ctx.sentence[j] != sentence or doc[j].pos_ in ("VERB", "AUX"):
                return None
            if j in ctx.token_key:
                return self.item(ctx.token_key[j], sentence, j)
        return None

    def item(self, key: str, sentence: int, last: int | None = None) -> str:
        """``key``, or the artefact it makes when it is named as a maker ("Y de X", "Y du
        californien X", "Y, conçu par X,"): the item ranked is the artefact."""
        doc, ctx = self.doc, self.ctx
        start = ctx.first_token(key, sentence) if last is None else last
        if start is None:
            return key
        while start > 0 and ctx.token_key.get(start - 1) == key:
            start -= 1
        j = start - 1
        while (
            j > 0
            and j not in ctx.token_key
            and doc[j].pos_ in ("DET", "ADJ", "NOUN", "PROPN")
            and doc[j].text[:1].islower()
        ):
            j -= 1
        word = fold_word(doc[j].text) if j > 0 else ""
        if word in DE_FORMS:
            # "Y de X", "Y, de X,"
            k = j - 1 if doc[j - 1].text != "," else j - 2
            return ctx.token_key.get(k, key) if k >= 0 else key
        if word == "par":
            # "Y, conçu par X,", "Y, mis au point par X,": back over the participle phrase
            for k in range(j - 1, max(0, j - _MAKER_PHRASE), -1):
                if doc[k].text == ",":
                    found = ctx.mention_before(k, sentence)
                    return found[0] if found else key
                if not doc[k].text.islower():
                    break
        return key


def qualifies_a_noun(span: Span) -> bool:
    """'son premier client', 'une première démonstration': the ordinal stands before the noun
    it qualifies; 'en moins d'une seconde': after an indefinite article, it is a noun."""
    doc = span.doc
    if span.start > 0 and fold_word(doc[span.start - 1].text) in ("un", "une"):
        return True
    nxt = doc[span.end] if span.end < len(doc) else None
    return nxt is not None and nxt.pos_ == "NOUN" and nxt.text.islower()


def holder_facts(
    ctx: Context,
    facts: list[Fact],
    triggered: dict[str, list[int]],
    quantity_values: Callable[[Quantity, tuple[str, ...]], list[tuple[str, Value]]],
    names_board: Callable[[Token, str], bool],
) -> list[Fact]:
    """``facts`` with one fact per held quantity (see the module's docstring), for the
    classes ``triggered`` maps to their trigger tokens in the article. A sentence's fact whose
    quantities the sentence gives to holders gives way to the per-holder facts.

    ``names_board(verb, cls)`` tells whether the verb's subject is the fact's subject role
    (the leaderboard of "le Top500 place X au 4e rang"), not its holder."""
    onto = ctx.onto
    out = list(facts)
    for cls in sorted(triggered):
        info = onto.classes[cls]
        role, board = info.quantity_holder_role, info.quantity_complement_role
        # a ranking article names its leaderboard with a noun ("le classement", "le
        # palmarès"); the verbs alone ("atteindre", "occuper") are said of much else
        if not role or not any(ctx.doc[i].pos_ == "NOUN" for i in triggered[cls]):
            continue
        finder = _Holders(ctx, lambda verb, cls=cls: names_board(verb, cls))
        found: list[tuple[int, str, Quantity, list[tuple[str, Value]]]] = []
        for q in ctx.quantities:
            values = [v for v in quantity_values(q, info.quantity_roles) if v[0] != "date"]
            sentence = ctx.sentence_at(q.start)
            if values and sentence >= 0 and (holder := finder.holder(q, sentence)) is not None:
                found.append((sentence, holder, q, values))
        if not found:
            continue
        own = [f for f in out if f.cls == cls]
        holders = {holder for _, holder, _, _ in found}
        named = {s: finder.board_after(q) for s, _, q, _ in found}
        # "le classement Lumen Arena", "du palmarès Orbis 50": the name a trigger noun gives
        named |= {
            ctx.sentence[i]: after[0]
            for i in triggered[cls]
            if ctx.doc[i].pos_ == "NOUN" and (after := ctx.mention_after(i + 1, ctx.sentence[i]))
        }
        # the leaderboards of the facts of other sentences, and those the words above name
        elsewhere = {s for s, _, _, _ in found}
        boards = {
            f.evidence.sentence: k
            for f in own
            if board and f.evidence.sentence not in elsewhere and (k := f.role(board))
        }
        boards |= {s: k for s, k in [*finder.boards.items(), *named.items()] if k}
        boards = {s: k for s, k in boards.items() if k not in holders}
        # the day a sentence dates its facts with ("publié ce lundi")
        dates = {f.evidence.sentence: d for f in own if (d := f.value("date")) is not None}
        new = []
        for sentence, holder, q, values in found:
            roles = [(role, holder)]
            told = _nearest(boards, sentence)
            if board:
                if told is None:
                    continue  # half a fact: the sentence's own reading stands
                roles.append((board, boards[told]))
            # an item's rank is as of the day its sentence, or its leaderboard's, gives
            date = dates.get(sentence, dates.get(told) if told is not None else None)
            verb = clause_head(ctx.doc.char_span(q.start, q.end, alignment_mode="expand").root)
            new.append(
                Fact(
                    cls=cls,
                    roles=tuple(roles),
                    values=(*values, *([("date", date)] if date is not None else [])),
                    evidence=ctx.evidence(sentence, [verb], (q.start, q.end)),
                    modality=ctx.modality(verb),
                )
            )
        kept = [
            f
            for f in own
            # the dates a sentence gives hold for all its facts
            if not any(
                n.evidence.sentence == f.evidence.sentence
                and {v for v in f.values if v[0] != "date"} <= set(n.values)
                for n in new
            )
        ]
        held = {(f.role(role), v) for f in kept for v in f.values}
        for fact in new:
            if all((fact.role(role), v) in held for v in fact.values):
                continue
            for r, key in fact.roles:
                ctx.vote(key, onto.properties[r].range)
            kept.append(fact)
            held.update((fact.role(role), v) for v in fact.values)
        out = [f for f in out if f.cls != cls] + kept
    return sorted(out, key=lambda f: (f.evidence.sentence, f.evidence.start, f.cls))


def _nearest(by_sentence: dict[int, str], sentence: int) -> int | None:
    """The nearest sentence of ``by_sentence`` to ``sentence``, the earlier one on a tie."""
    if not by_sentence:
        return None
    return min(by_sentence, key=lambda s: (abs(s - sentence), s))


def co_held(facts: list[Fact], onto: Ontology) -> list[list[str]]:
    """The holders of facts that share their complement: the items of one leaderboard."""
    groups: dict[tuple[str, str], list[str]] = {}
    for fact in facts:
        info = onto.classes[fact.cls]
        role, board = info.quantity_holder_role, info.quantity_complement_role
        item, where = (fact.role(role), fact.role(board)) if role and board else (None, None)
        if item and where:
            items = groups.setdefault((fact.cls, where), [])
            if item not in items:
                items.append(item)
    return [items for _, items in sorted(groups.items())]
