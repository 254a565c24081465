"""Extraction: a parsed document -> entities, relations and n-ary facts (an ``Extraction``).

The stages run in this order, each a plain function over offsets:
``find_mentions -> resolve_mentions -> find_facts / find_quotes -> find_relations ->
finalize_entities -> contract check``. Classes decided late (from the roles entities play)
are checked against the ontology's domains and ranges before anything leaves this package.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from spacy.tokens import Doc

from kg.extract.context import Context
from kg.extract.facts import complete, continue_roles, find_facts, find_quotes
from kg.extract.holders import co_held
from kg.extract.mentions import build_cues, find_mentions
from kg.extract.quantities import find_quantities
from kg.extract.relations import (
    chained_relations,
    find_relations,
    ordered_relations,
    text_order,
)
from kg.lexicon import load_lexicon
from kg.model import Document, Extraction, Sentence
from kg.ontology import load_ontology
from kg.resolve import finalize_entities, resolve_mentions

__all__ = ["extract", "split_sentences"]

log = logging.getLogger(__name__)


def split_sentences(doc: Doc, text: str) -> tuple[Sentence, ...]:
    """Non-blank sentences of ``doc`` (parsed from ``text``), trimmed of surrounding space.

    The sentence text is taken from ``text``: the parsed document holds masked codes.
    """
    out = []
    for sent in doc.sents:
        stripped = sent.text.strip()
        if not stripped:
            continue
        start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        end = start + len(stripped)
        out.append(Sentence(index=len(out), start=start, end=end, text=text[start:end]))
    return tuple(out)


def extract(document: Document, doc: Doc) -> Extraction:
    """Everything the rules find in ``document``, parsed as ``doc`` (see ``kg.nlp.parse``)."""
    onto = load_ontology(document.lang)
    lex = load_lexicon(document.lang)
    text = document.text
    sentences = split_sentences(doc, text)
    mentions = find_mentions(doc, text, onto=onto, lex=lex)
    resolution = resolve_mentions(mentions, onto=onto, lex=lex)
    quantities = find_quantities(text, lang=document.lang, anchor=document.date)
    ctx = Context(doc, text, resolution, quantities, onto, build_cues(onto).class_nouns, lex)

    facts = continue_roles(find_facts(ctx), ctx) + find_quotes(ctx)
    facts_by_sentence: dict[int, set[str]] = defaultdict(set)
    ranked_items: dict[int, str] = {}
    for fact in facts:
        facts_by_sentence[fact.evidence.sentence].add(fact.cls)
        item = fact.role("rankedItem")
        if item:
            ranked_items[fact.evidence.sentence] = item
    investees = {f.evidence.sentence: k for f in facts if (k := f.role("investee"))}
    # items of one leaderboard, and versions of one name, are alike: known before the
    # relations, so that "Nova Large de l'américain X" reads as an artefact and its maker
    ctx.vote_alike(co_held(facts, onto))
    ctx.vote_alike(ctx.versions(), at_least=1)
    relations = find_relations(
        ctx, facts_by_sentence=facts_by_sentence, ranked_items=ranked_items, investees=investees
    )

    ctx.vote_coordinated()
    entities = finalize_entities(resolution, ctx.role_votes, onto=onto)
    classes = {e.key: e.cls for e in entities}
    kept = [
        r for r in relations if onto.accepts(r.predicate, classes[r.subject], classes[r.object])
    ]
    for dropped in set(relations) - set(kept):
        log.debug("dropped %s: classes break the ontology's domain or range", dropped)
    facts = complete(facts, classes, ctx)
    stated = {(r.subject, r.predicate, r.object) for r in kept}
    kept += [
        r
        for r in [*chained_relations(facts, onto, classes), *ordered_relations(facts, onto)]
        if (r.subject, r.predicate, r.object) not in stated
        and onto.accepts(r.predicate, classes[r.subject], classes[r.object])
    ]
    return Extraction(
        document=document,
        sentences=sentences,
        entities=entities,
        relations=tuple(sorted(kept, key=text_order)),
        facts=tuple(sorted(facts, key=lambda f: (f.evidence.start, f.evidence.end, f.cls))),
    )
