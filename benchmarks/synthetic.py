"""A synthetic corpus shaped like kg's output, for the store benchmark (not a test).

Each generated document is a ``kg.model.Extraction`` (entities with aliases, merge reasons and
mentions; reified binary relations; n-ary facts with amounts, currencies, dates, percentages,
ranks and quotations; sentences with their text and offsets) turned into RDF by kg's own
``kg.rdf.to_rdf``, so IRIs, datatypes, labels and provenance are exactly those of ``kg build``.
Each document is its own named graph, as in a store built by ``kg build --store``. Proportions
follow the example article: about 550 triples per document, a third of them sentences, a third
reified relations, the rest entities and n-ary facts.

Entities recur across documents with a Zipf-like popularity, as company names do in business
news: the most popular one is in about half the documents, and its type and label triples are
repeated in the graph of every document that mentions it. The same seed gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from kg.model import Document, Entity, Evidence, Extraction, Fact, Mention, Relation, Sentence
from kg.model import Value as LiteralValue
from kg.ontology import Ontology, load_ontology
from kg.rdf import document_iri, to_rdf

__all__ = ["Corpus", "write_nquads"]

#: Share of each class in the entity pool (the example and the development set, roughly).
CLASS_WEIGHTS = {
    "Company": 26,
    "Organization": 9,
    "Person": 24,
    "Product": 16,
    "AIModel": 10,
    "Hardware": 5,
    "Place": 10,
}
#: Modalities of relations and facts: most are asserted, some hedged.
MODALITY_WEIGHTS = {"Asserted": 76, "Reported": 10, "Possible": 10, "Negated": 4}
FACT_WEIGHTS = {
    "FundingRound": 25,
    "Valuation": 20,
    "Stake": 15,
    "Investment": 15,
    "Ranking": 10,
    "Quote": 15,
}
POOL_SIZE = 20_000
ZIPF = 0.8  # popularity exponent: the most popular entity is in about half the documents

_SYLLABLES = (  # noqa: SIM905 (words read better as text)
    "lu me o vol ta ia da vor ker n sto ri ka zen ar mi co ne va li sa bel ro qua tix no syn "
    "th ea pol is gen tri um ax el cor bi"
).split()
_FIRST = (  # noqa: SIM905 (words read better as text)
    "Claire Hugo Léa Karim Sophie Yanis Inès Marc Nadia Paul Chloé Omar Julie Théo"
).split()
_SUFFIX = {
    "Company": ("", "", " SA", " Technologies", " Labs", " Capital"),
    "Organization": (" Ventures", " Fondation", " Group", " Partners", ""),
    "Product": (" Studio", " Cloud", " Assist", " Pro", ""),
    "AIModel": ("-1", "-2-preview", " 3", "-mini", " Large"),
    "Hardware": (" H200", " X1", " GB300", " Edge"),
    "Place": ("ville", "bourg", " sur Mer", ""),
}
_FILLER = (  # noqa: SIM905 (words read better as text)
    "selon un communiqué publié jeudi par le groupe, qui n'a pas souhaité commenter davantage "
    "cette opération attendue depuis plusieurs mois par les analystes du secteur européen de "
    "l'intelligence artificielle et des services numériques aux entreprises"
).split()
_PHRASES = {
    "Asserted": "{s} {p} {o}",
    "Reported": "selon des sources proches du dossier, {s} {p} {o}",
    "Possible": "{s} pourrait {p} {o}",
    "Negated": "{s} ne {p} pas {o}",
}


@dataclass(frozen=True)
class PoolEntity:
    key: str
    label: str
    cls: str
    alias: str | None


@dataclass(frozen=True)
class Corpus:
    """What was written: documents, quads, and the label of the most mentioned entity."""

    documents: int
    quads: int
    top_label: str


def _zipf(size: int) -> Iterator[float]:
    return (1 / (rank + 1) ** ZIPF for rank in range(size))


def make_pool(rng: random.Random, size: int) -> list[PoolEntity]:
    """``size`` distinct entities, most popular first."""
    classes, weights = zip(*CLASS_WEIGHTS.items(), strict=True)
    pool: list[PoolEntity] = []
    keys: set[str] = set()
    while len(pool) < size:
        cls = rng.choices(classes, weights)[0]
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        label = (
            f"{rng.choice(_FIRST)} {word}" if cls == "Person" else word + rng.choice(_SUFFIX[cls])
        )
        key = re.sub(r"[^0-9a-zà-ÿ]", "", label.lower())  # kg.resolve's keys are like this
        if key in keys:
            continue
        keys.add(key)
        alias = label.upper() if rng.random() < 0.25 else None
        pool.append(PoolEntity(key, label, cls, alias))
    return pool


Statement = tuple[str, list[str], tuple]  # (verb phrase, entity keys, what it states)


class DocumentMaker:
    """Builds one document's ``Extraction``: its statements first, then sentences stating them."""

    def __init__(self, rng: random.Random, onto: Ontology, pool: list[PoolEntity]) -> None:
        self.rng = rng
        self.onto = onto
        self.pool = pool
        self.by_key = {entity.key: entity for entity in pool}
        by_class: dict[str | None, list[PoolEntity]] = {None: pool}
        for entity in pool:
            for cls in onto.ancestors(entity.cls):
                by_class.setdefault(cls, []).append(entity)
        # each class keeps the pool's order, so popular entities stay popular within it
        self.by_class = {
            cls: (members, list(itertools.accumulate(_zipf(len(members)))))
            for cls, members in by_class.items()
        }
        self.relation_props = onto.relation_properties()
        self.mentions: Counter[str] = Counter()  # documents per entity

    def _pick(self, cls: str | None = None) -> PoolEntity:
        members, cum = self.by_class[cls]
        return self.rng.choices(members, cum_weights=cum)[0]

    def _modality(self) -> str:
        return self.rng.choices(list(MODALITY_WEIGHTS), list(MODALITY_WEIGHTS.values()))[0]

    def _words(self, low: int, high: int) -> str:
        """A run of ``low`` to ``high`` consecutive filler words."""
        count = self.rng.randint(low, high)
        start = self.rng.randrange(len(_FILLER) - count)
        return " ".join(_FILLER[start : start + count])

    def _amount(self) -> Decimal:
        return Decimal(self.rng.randint(1, 999)) * Decimal(10) ** self.rng.choice((5, 6, 7, 8))

    def make(self, index: int) -> Extraction:
        rng = self.rng
        entities: dict[str, PoolEntity] = {}
        wanted = rng.randint(14, 26)
        while len(entities) < wanted:
            entity = self._pick()
            entities[entity.key] = entity
        statements: list[Statement] = []
        members = list(entities.values())
        for _ in range(rng.randint(14, 26)):
            prop = rng.choice(self.relation_props)
            info = self.onto.properties[prop]
            subjects = [e for e in members if self.onto.is_a(e.cls, info.domain)]
            objects = [e for e in members if self.onto.is_a(e.cls, info.range)]
            s = rng.choice(subjects) if subjects else self._pick(info.domain)
            o = rng.choice(objects) if objects else self._pick(info.range)
            if s.key == o.key:
                continue
            entities.setdefault(s.key, s)
            entities.setdefault(o.key, o)
            statements.append((info.label("fr"), [s.key, o.key], ("relation", prop)))
        for _ in range(rng.randint(3, 7)):
            cls = rng.choices(list(FACT_WEIGHTS), list(FACT_WEIGHTS.values()))[0]
            roles, values = self._fact(cls)
            for _, key in roles:
                entities.setdefault(key, self.by_key[key])
            title = self.onto.classes[cls].label("fr")
            statements.append((title, [key for _, key in roles], ("fact", cls, roles, values)))
        self.mentions.update(entities.keys())
        return self._assemble(f"synthetic-{index:06d}", entities, statements)

    def _fact(self, cls: str) -> tuple[list[tuple[str, str]], list[tuple[str, LiteralValue]]]:
        rng = self.rng
        roles: list[tuple[str, str]] = []
        values: list[tuple[str, LiteralValue]] = []
        if cls in ("FundingRound", "Investment"):
            roles.append(("investee", self._pick("Organization").key))
            investors = {self._pick("Agent").key for _ in range(rng.randint(1, 3))}
            investors.discard(roles[0][1])
            for n, key in enumerate(sorted(investors)):
                lead = cls == "FundingRound" and n == 0
                roles.append(("leadInvestor" if lead else "investor", key))
            values += [("amount", self._amount()), ("currency", rng.choice(("USD", "EUR")))]
        elif cls == "Valuation":
            roles.append(("valuationOf", self._pick("Organization").key))
            values += [("amount", self._amount() * 10), ("currency", rng.choice(("USD", "EUR")))]
        elif cls == "Stake":
            roles.append(("stakeholder", self._pick("Agent").key))
            roles.append(("stakeIn", self._pick("Organization").key))
            low = Decimal(rng.randint(1, 60))
            if rng.random() < 0.5:
                values.append(("percent", low + Decimal("0.5") * rng.randint(0, 1)))
            else:
                values += [("percentMin", low), ("percentMax", low + 5)]
        elif cls == "Ranking":
            roles.append(("leaderboard", self._pick("Organization").key))
            roles.append(("rankedItem", self._pick("Artifact").key))
            values.append(("rank", Decimal(rng.randint(1, 50))))
        else:  # Quote
            roles.append(("speaker", self._pick("Person").key))
            values.append(("text", self._words(8, 16).capitalize()))
        if rng.random() < 0.4:
            day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(6 * 365))
            values.append(("date", day))
        return roles, values

    def _assemble(
        self, doc_id: str, entities: dict[str, PoolEntity], statements: list[Statement]
    ) -> Extraction:
        rng = self.rng
        sentences: list[Sentence] = []
        mentions: dict[str, list[int]] = {key: [] for key in entities}
        relations: list[Relation] = []
        facts: list[Fact] = []
        offset = 0
        for index, (verb, keys, what) in enumerate(statements):
            names = [entities[k].label for k in keys]
            modality = self._modality()
            core = _PHRASES[modality].format(
                s=names[0], p=verb, o=", ".join(names[1:]) or "l'opération"
            )
            text = f"{core[0].upper()}{core[1:]}, {self._words(4, 14)}."
            sentences.append(Sentence(index, offset, offset + len(text), text))
            evidence = Evidence(index, offset, offset + len(core))
            for key in keys:
                mentions[key].append(index)
            if what[0] == "relation":
                relations.append(Relation(keys[0], what[1], keys[1], evidence, modality))
            else:
                _, cls, roles, values = what
                facts.append(Fact(cls, tuple(roles), tuple(values), evidence, modality))
            offset += len(text) + 1
        # a few sentences that only mention entities: the article's background
        for index in range(len(statements), len(statements) + rng.randint(4, 12)):
            keys = rng.sample(sorted(entities), min(2, len(entities)))
            names = " et ".join(entities[k].label for k in keys)
            text = f"{names} {self._words(8, 18)}."
            sentences.append(Sentence(index, offset, offset + len(text), text))
            for key in keys:
                mentions[key].append(index)
            offset += len(text) + 1
        built = []
        for key, entity in sorted(entities.items()):
            merges = tuple(
                f"'la start-up' (sentence {s}) refers to it: nearest earlier name in the sentence"
                for s in mentions[key][1:3]
                if rng.random() < 0.3
            )
            built.append(
                Entity(
                    key=key,
                    label=entity.label,
                    cls=entity.cls,
                    aliases=(entity.alias,) if entity.alias and rng.random() < 0.5 else (),
                    mentions=tuple(
                        Mention(0, 0, entity.label, s) for s in sorted(set(mentions[key]))
                    ),
                    merges=merges,
                )
            )
        text = "\n".join(s.text for s in sentences)
        document = Document(doc_id=doc_id, text=text, source=f"{doc_id}.txt")
        return Extraction(document, tuple(sentences), tuple(built), tuple(relations), tuple(facts))


def write_nquads(out: BinaryIO, triples: int, seed: int = 5) -> Corpus:
    """Write documents as N-Quads, one named graph each, until ``triples`` quads are written.

    Each document's lines are sorted, so the file only depends on ``triples`` and ``seed``.
    """
    rng = random.Random(seed)
    maker = DocumentMaker(rng, load_ontology("fr"), make_pool(rng, POOL_SIZE))
    written = documents = 0
    while written < triples:
        extraction = maker.make(documents)
        nt = to_rdf([extraction]).serialize(format="nt", encoding="utf-8")
        graph = f" <{document_iri(extraction.document.doc_id)}> .\n".encode()
        lines = sorted(line for line in nt.split(b"\n") if line)
        out.writelines(line[:-2] + graph for line in lines)  # each line ends with " ."
        written += len(lines)
        documents += 1
    top_key = min(maker.mentions, key=lambda key: (-maker.mentions[key], key))
    return Corpus(documents, written, maker.by_key[top_key].label)
