"""Score kg on the POPCORN French test set: entity typing and the relations the ontology has.

POPCORN (Todaime/popcorn-dataset, MIT) is 400 short French incident and intelligence reports,
hand-annotated with entities (54 types, coreference chains of character-offset mentions) and
document-level relations (30 types, 14,171 in the test split). The data is read from
``../shared/eval/external/popcorn-fr/test.json`` (``--data`` to point elsewhere); it is never
copied into the repository. ``eval/popcorn_map.toml`` says which POPCORN types mean the same
thing as an ontology class or property, in which direction, between which classes.

What is measured
    kg's ``build_documents`` runs on every text (one call, the model loads once). Each kg
    entity is aligned to the POPCORN entity whose mentions its mentions overlap the most (in
    characters; ties go to the lower POPCORN id); a kg entity that overlaps none is aligned to
    nothing.

    * Entity typing. A POPCORN entity of a mapped type is *found* when a kg entity is aligned
      to it, and *typed right* when one of those kg entities has the mapped class or a
      subclass. Per ontology class: gold = POPCORN entities whose type maps to the class,
      system = kg entities of the class or a subclass (kg entities aligned to the same POPCORN
      entity count once), correct = gold entities typed right; P, R, F1. Per POPCORN type:
      gold, found, typed right, recall, and typing accuracy (typed right / found). kg predicts
      ontology classes, not POPCORN types, so a precision per POPCORN type is not defined
      when several types share a class (CIVILIAN, MILITARY, TERRORIST_OR_CRIMINAL -> Person).
    * Relations. A gold relation is *covered* when a rule of the map accepts its type and the
      mapped classes of its two entities. A kg relation (modality listed in the map) predicts
      POPCORN type T when a rule of T names its predicate or a super-property of it and the
      kg classes of its entities fit the rule; its entities are put in POPCORN order
      (``direction``) and replaced by their aligned POPCORN entities. A prediction is correct
      when the covered gold relations of T hold the same (subject, object), either way round
      for a symmetric rule. A prediction that equals a gold relation of T that the map does
      not cover (for instance kg typed a POPCORN group as an Organization) is left out of the
      system count and reported as ignored. Per mapped type: P, R, F1; the macro-F1 over the
      mapped types, the same sum divided by all 30 types (unmapped types count as 0, the
      figure comparable with the published supervised baseline, 46.49 macro-F1 on all 30
      types) and the coverage of the map (types, and share of gold relations).
    * Texts that ``make_document`` refuses (``InputError``) are skipped and counted; their gold
      entities and relations stay in the denominators as misses.

What is not measured
    Mentions themselves (boundaries, coreference chains), the 19 attribute types (names,
    dates, quantities, colours...; their mentions in test.json are copies of the previous
    entity's, a conversion artefact, and are ignored), events, groups of individuals, the 23
    unmapped relation types, n-ary facts, modality and evidence sentences. The figures are
    not comparable with POPCORN's published ones except as the lower bound said above: the
    map covers part of the types only, and kg was built for business news, not incident
    reports.

Run ``python eval/popcorn.py [--data DIR] [--limit N] [--json OUT]``. The Markdown report on
stdout is deterministic; progress and the run time go to stderr (and into the JSON).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kg.document import make_document
from kg.errors import InputError
from kg.model import Document, Entity, Extraction
from kg.ontology import Ontology, load_ontology
from kg.pipeline import build_documents

__all__ = [
    "DEFAULT_DATA",
    "DEFAULT_MAP",
    "PUBLISHED_MACRO_F1",
    "ClassScore",
    "GoldDoc",
    "GoldEntity",
    "PopcornMap",
    "Report",
    "Rule",
    "Score",
    "TypeScore",
    "align_entities",
    "evaluate",
    "format_markdown",
    "load_map",
    "load_popcorn",
    "main",
    "run_kg",
    "score_entities",
    "score_relations",
]

#: ``../shared/eval/external/popcorn-fr`` beside the repository.
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "external" / "popcorn-fr"
DEFAULT_MAP = Path(__file__).resolve().with_name("popcorn_map.toml")
#: Relation macro-F1 of POPCORN's supervised baseline on its 30 relation types (the paper).
PUBLISHED_MACRO_F1 = 46.49
DIRECTIONS = ("same", "inverse", "either")

#: A relation between two entities of one document, in POPCORN's orientation:
#: (doc_id, subject, object). Entities are ``g<id>`` for POPCORN ones, ``kg:<key>`` otherwise.
Pair = tuple[str, str, str]


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldEntity:
    """A POPCORN entity; ``spans`` is empty when its mentions are not its own."""

    id: int
    type: str
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """One POPCORN text with its entities and its (subject id, type, object id) relations."""

    doc_id: str
    text: str
    entities: tuple[GoldEntity, ...]
    relations: tuple[tuple[int, str, int], ...]


def load_popcorn(path: str | Path, *, limit: int | None = None) -> list[GoldDoc]:
    """Read ``test.json`` (or the directory holding it), sorted by document id.

    An entity whose mention list is identical to an earlier entity's in the same text gets
    no spans: in POPCORN's released JSON the attribute entities (FIRSTNAME, TIME_EXACT...)
    carry a copy of the previous entity's mentions instead of their own.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "test.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: POPCORN test.json not found (use --data)")
    raw = json.loads(path.read_text(encoding="utf-8"))
    docs = []
    for doc_id in sorted(raw)[:limit]:
        item = raw[doc_id]
        text = item["text"]
        seen: set[tuple[tuple[int, int], ...]] = set()
        entities = []
        for ent in item["entities"]:
            spans = tuple((int(m["start"]), int(m["end"])) for m in ent.get("mentions", ()))
            if spans in seen:
                spans = ()
            else:
                seen.add(spans)
            entities.append(GoldEntity(id=int(ent["id"]), type=str(ent["type"]), spans=spans))
        relations = tuple(
            sorted(
                {(int(s), str(p), int(o)) for s, p, o in item["relations"]},
                key=lambda r: (r[1], r[0], r[2]),
            )
        )
        docs.append(GoldDoc(doc_id, text, tuple(entities), relations))
    return docs


# --------------------------------------------------------------------------------------------
# The map
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    """POPCORN relation type ``popcorn`` is kg ``property`` between these classes."""

    popcorn: str
    property: str
    direction: str
    subject: str
    object: str
    exact: bool = True

    def describe(self) -> str:
        """``worksFor (Person, Organization)``, with the direction and ≈ when not exact."""
        classes = f"({self.subject}, {self.object})"
        text = {
            "same": f"{self.property} {classes}",
            "inverse": f"inverse of {self.property} {classes}",
            "either": f"{self.property} {classes}, either way",
        }[self.direction]
        return text if self.exact else f"≈ {text}"


@dataclass(frozen=True)
class PopcornMap:
    """``popcorn_map.toml``, checked against the ontology."""

    entity_types: dict[str, str]
    unmapped_entity_types: tuple[str, ...]
    rules: tuple[Rule, ...]
    unmapped_relation_types: tuple[str, ...]
    modalities: frozenset[str] = frozenset({"Asserted", "Reported"})

    def rules_for(self, popcorn_type: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.popcorn == popcorn_type)

    @property
    def relation_types(self) -> tuple[str, ...]:
        """Mapped POPCORN relation types, in the order of the file."""
        return tuple(dict.fromkeys(r.popcorn for r in self.rules))

    @property
    def classes(self) -> tuple[str, ...]:
        """Ontology classes POPCORN entity types map to, in the order of the file."""
        return tuple(dict.fromkeys(self.entity_types.values()))

    def symmetric(self, popcorn_type: str) -> bool:
        return any(r.direction == "either" for r in self.rules_for(popcorn_type))


def load_map(path: str | Path = DEFAULT_MAP, onto: Ontology | None = None) -> PopcornMap:
    """Read and check the map: known classes and properties, one direction kind per type."""
    onto = onto or load_ontology()
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    entity_types = {str(k): str(v) for k, v in data.get("entity_types", {}).items()}
    rules = tuple(
        Rule(
            popcorn=str(r["popcorn"]),
            property=str(r["property"]),
            direction=str(r.get("direction", "same")),
            subject=str(r["subject"]),
            object=str(r["object"]),
            exact=bool(r.get("exact", True)),
        )
        for r in data.get("relations", [])
    )
    pm = PopcornMap(
        entity_types=entity_types,
        unmapped_entity_types=tuple(data.get("unmapped_entity_types", ())),
        rules=rules,
        unmapped_relation_types=tuple(data.get("unmapped_relation_types", ())),
        modalities=frozenset(data.get("relation_modalities", ("Asserted", "Reported"))),
    )
    problems = []
    for popcorn_type, cls in entity_types.items():
        if cls not in onto.classes:
            problems.append(f"entity type {popcorn_type}: unknown class {cls}")
    if both := set(entity_types) & set(pm.unmapped_entity_types):
        problems.append(f"entity types both mapped and unmapped: {sorted(both)}")
    for rule in rules:
        if rule.property not in onto.properties:
            problems.append(f"{rule.popcorn}: unknown property {rule.property}")
        for cls in (rule.subject, rule.object):
            if cls not in onto.classes:
                problems.append(f"{rule.popcorn}: unknown class {cls}")
        if rule.direction not in DIRECTIONS:
            problems.append(f"{rule.popcorn}: direction {rule.direction!r} not in {DIRECTIONS}")
    for popcorn_type in pm.relation_types:
        kinds = {r.direction == "either" for r in pm.rules_for(popcorn_type)}
        if len(kinds) > 1:
            problems.append(f"{popcorn_type}: mixes symmetric and directed rules")
    if both := set(pm.relation_types) & set(pm.unmapped_relation_types):
        problems.append(f"relation types both mapped and unmapped: {sorted(both)}")
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return pm


def unlisted_types(docs: Iterable[GoldDoc], pm: PopcornMap) -> tuple[set[str], set[str]]:
    """POPCORN entity and relation types in the data that the map neither maps nor lists."""
    entity_types = {e.type for d in docs for e in d.entities}
    relation_types = {p for d in docs for _, p, _ in d.relations}
    return (
        entity_types - set(pm.entity_types) - set(pm.unmapped_entity_types),
        relation_types - set(pm.relation_types) - set(pm.unmapped_relation_types),
    )


# --------------------------------------------------------------------------------------------
# Running kg and aligning
# --------------------------------------------------------------------------------------------


def run_kg(
    docs: Sequence[GoldDoc], *, progress: Callable[[int, int], None] | None = None
) -> tuple[dict[str, Extraction], tuple[str, ...]]:
    """Extract every text in one ``build_documents`` call; returns extractions and skipped ids."""
    documents: list[Document] = []
    skipped: list[str] = []
    for doc in docs:
        try:
            documents.append(make_document(doc.text, doc_id=doc.doc_id, source=doc.doc_id))
        except InputError:
            skipped.append(doc.doc_id)
    callback = (lambda i, n, _d: progress(i, n)) if progress else None
    result = build_documents(documents, progress=callback)
    extractions = {x.document.doc_id: x for x in result.extractions}
    return extractions, tuple(skipped)


def align_entities(entities: Iterable[Entity], doc: GoldDoc) -> dict[str, int | None]:
    """Map each kg entity key to the POPCORN entity its mentions overlap most, or None."""
    out: dict[str, int | None] = {}
    for entity in entities:
        overlap: Counter[int] = Counter()
        for mention in entity.mentions:
            for gold in doc.entities:
                for start, end in gold.spans:
                    chars = min(mention.end, end) - max(mention.start, start)
                    if chars > 0:
                        overlap[gold.id] += chars
        best = max(overlap.items(), key=lambda kv: (kv[1], -kv[0]), default=None)
        out[entity.key] = best[0] if best else None
    return out


def _node(key: str, alignment: Mapping[str, int | None]) -> str:
    gold = alignment.get(key)
    return f"g{gold}" if gold is not None else f"kg:{key}"


def _canon(pair: Pair, symmetric: bool) -> Pair:
    doc_id, a, b = pair
    return (doc_id, b, a) if symmetric and b < a else pair


# --------------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Score:
    """Counts and the precision, recall and F1 they give (0 when undefined)."""

    gold: int
    system: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.system if self.system else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "gold": self.gold,
            "system": self.system,
            "correct": self.correct,
            "precision": round(100 * self.precision, 2),
            "recall": round(100 * self.recall, 2),
            "f1": round(100 * self.f1, 2),
        }


@dataclass(frozen=True, slots=True)
class ClassScore:
    """Entity typing for one ontology class."""

    cls: str
    popcorn_types: tuple[str, ...]
    score: Score


@dataclass(frozen=True, slots=True)
class TypeScore:
    """Entity detection and typing for one POPCORN entity type."""

    popcorn_type: str
    cls: str
    gold: int
    found: int
    typed_right: int

    @property
    def recall(self) -> float:
        return self.typed_right / self.gold if self.gold else 0.0

    @property
    def accuracy(self) -> float:
        return self.typed_right / self.found if self.found else 0.0


@dataclass(frozen=True, slots=True)
class RelationScore:
    """Relations of one mapped POPCORN type."""

    popcorn_type: str
    rules: tuple[Rule, ...]
    gold_total: int
    ignored: int
    score: Score

    @property
    def exact(self) -> bool:
        return all(r.exact for r in self.rules)


def score_entities(
    docs: Sequence[GoldDoc],
    extractions: Mapping[str, Extraction],
    pm: PopcornMap,
    onto: Ontology,
) -> tuple[tuple[ClassScore, ...], tuple[TypeScore, ...], dict[str, int]]:
    """Entity typing per ontology class and per POPCORN type, and kg entity counts."""
    gold_by_class: Counter[str] = Counter()
    correct_by_class: Counter[str] = Counter()
    system_units: dict[str, set[tuple[str, str]]] = defaultdict(set)
    per_type: dict[str, list[int]] = {t: [0, 0, 0] for t in pm.entity_types}
    kg_entities = aligned_entities = 0
    for doc in docs:
        extraction = extractions.get(doc.doc_id)
        entities = extraction.entities if extraction else ()
        alignment = align_entities(entities, doc)
        kg_entities += len(entities)
        aligned_entities += sum(v is not None for v in alignment.values())
        classes_on: dict[int, set[str]] = defaultdict(set)
        for entity in entities:
            gold_id = alignment[entity.key]
            if gold_id is not None:
                classes_on[gold_id].add(entity.cls)
            for cls in pm.classes:
                if onto.is_a(entity.cls, cls):
                    system_units[cls].add((doc.doc_id, _node(entity.key, alignment)))
        for gold in doc.entities:
            cls = pm.entity_types.get(gold.type)
            if cls is None:
                continue
            found = gold.id in classes_on
            right = any(onto.is_a(c, cls) for c in classes_on.get(gold.id, ()))
            gold_by_class[cls] += 1
            correct_by_class[cls] += right
            counts = per_type[gold.type]
            counts[0] += 1
            counts[1] += found
            counts[2] += right
    class_scores = tuple(
        ClassScore(
            cls=cls,
            popcorn_types=tuple(sorted(t for t, c in pm.entity_types.items() if c == cls)),
            score=Score(gold_by_class[cls], len(system_units[cls]), correct_by_class[cls]),
        )
        for cls in pm.classes
    )
    type_scores = tuple(
        TypeScore(t, pm.entity_types[t], *per_type[t])
        for t in sorted(pm.entity_types, key=lambda t: (-per_type[t][0], t))
    )
    return class_scores, type_scores, {"kg": kg_entities, "aligned": aligned_entities}


def gold_relations(
    docs: Sequence[GoldDoc], pm: PopcornMap, onto: Ontology
) -> tuple[dict[str, set[Pair]], dict[str, set[Pair]], Counter[str]]:
    """Covered and uncovered gold relations of each mapped type, and all types' totals."""
    covered: dict[str, set[Pair]] = {t: set() for t in pm.relation_types}
    uncovered: dict[str, set[Pair]] = {t: set() for t in pm.relation_types}
    totals: Counter[str] = Counter()
    for doc in docs:
        types = {e.id: e.type for e in doc.entities}
        for s, p, o in doc.relations:
            totals[p] += 1
            if p not in covered:
                continue
            pair = _canon((doc.doc_id, f"g{s}", f"g{o}"), pm.symmetric(p))
            s_cls, o_cls = pm.entity_types.get(types[s]), pm.entity_types.get(types[o])
            fits = (
                s_cls is not None
                and o_cls is not None
                and any(
                    onto.is_a(s_cls, r.subject) and onto.is_a(o_cls, r.object)
                    for r in pm.rules_for(p)
                )
            )
            (covered if fits else uncovered)[p].add(pair)
    return covered, uncovered, totals


def system_relations(
    docs: Sequence[GoldDoc],
    extractions: Mapping[str, Extraction],
    pm: PopcornMap,
    onto: Ontology,
) -> dict[str, set[Pair]]:
    """The POPCORN relations kg's relations predict, per mapped type, on aligned entities."""
    predicted: dict[str, set[Pair]] = {t: set() for t in pm.relation_types}
    for doc in docs:
        extraction = extractions.get(doc.doc_id)
        if extraction is None:
            continue
        alignment = align_entities(extraction.entities, doc)
        cls_of = {e.key: e.cls for e in extraction.entities}
        for rel in extraction.relations:
            if rel.modality not in pm.modalities:
                continue
            props = onto.property_ancestors(rel.predicate)
            for rule in pm.rules:
                if rule.property not in props:
                    continue
                subj, obj = (
                    (rel.object, rel.subject)
                    if rule.direction == "inverse"
                    else (rel.subject, rel.object)
                )
                if subj not in cls_of or obj not in cls_of:
                    continue
                if not (
                    onto.is_a(cls_of[subj], rule.subject) and onto.is_a(cls_of[obj], rule.object)
                ):
                    continue
                pair = (doc.doc_id, _node(subj, alignment), _node(obj, alignment))
                predicted[rule.popcorn].add(_canon(pair, rule.direction == "either"))
    return predicted


def score_relations(
    docs: Sequence[GoldDoc],
    extractions: Mapping[str, Extraction],
    pm: PopcornMap,
    onto: Ontology,
) -> tuple[tuple[RelationScore, ...], Counter[str]]:
    """P/R/F1 per mapped relation type; also the gold total of every type in the data."""
    covered, uncovered, totals = gold_relations(docs, pm, onto)
    predicted = system_relations(docs, extractions, pm, onto)
    scores = []
    for t in pm.relation_types:
        ignored = {p for p in predicted[t] - covered[t] if p in uncovered[t]}
        system = predicted[t] - ignored
        scores.append(
            RelationScore(
                popcorn_type=t,
                rules=pm.rules_for(t),
                gold_total=totals[t],
                ignored=len(ignored),
                score=Score(len(covered[t]), len(system), len(system & covered[t])),
            )
        )
    return tuple(scores), totals


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """Everything the benchmark prints."""

    texts: int
    skipped: tuple[str, ...]
    classes: tuple[ClassScore, ...]
    types: tuple[TypeScore, ...]
    kg_entities: dict[str, int]
    relations: tuple[RelationScore, ...]
    relation_totals: dict[str, int]
    unmapped_entity_gold: dict[str, int]
    seconds: float | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def relation_types_total(self) -> int:
        return len(self.relation_totals)

    @property
    def gold_relations_total(self) -> int:
        return sum(self.relation_totals.values())

    @property
    def covered_relations(self) -> int:
        return sum(r.score.gold for r in self.relations)

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the mapped types that have gold or system relations."""
        scored = [r.score.f1 for r in self.relations if r.score.gold or r.score.system]
        return sum(scored) / len(scored) if scored else 0.0

    @property
    def macro_f1_all_types(self) -> float:
        """Sum of the mapped types' F1 over every relation type of the data (unmapped = 0)."""
        total = self.relation_types_total
        return sum(r.score.f1 for r in self.relations) / total if total else 0.0

    @property
    def micro(self) -> Score:
        return Score(
            sum(r.score.gold for r in self.relations),
            sum(r.score.system for r in self.relations),
            sum(r.score.correct for r in self.relations),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "texts": self.texts,
            "skipped": list(self.skipped),
            "seconds": None if self.seconds is None else round(self.seconds, 1),
            "entities": {
                "kg_entities": self.kg_entities,
                "by_class": {
                    c.cls: {"popcorn_types": list(c.popcorn_types), **c.score.as_dict()}
                    for c in self.classes
                },
                "by_popcorn_type": {
                    t.popcorn_type: {
                        "class": t.cls,
                        "gold": t.gold,
                        "found": t.found,
                        "typed_right": t.typed_right,
                        "recall": round(100 * t.recall, 2),
                        "accuracy": round(100 * t.accuracy, 2),
                    }
                    for t in self.types
                },
                "unmapped_gold": self.unmapped_entity_gold,
            },
            "relations": {
                "by_popcorn_type": {
                    r.popcorn_type: {
                        "rules": [r_.describe() for r_ in r.rules],
                        "exact": r.exact,
                        "gold_total": r.gold_total,
                        "ignored": r.ignored,
                        **r.score.as_dict(),
                    }
                    for r in self.relations
                },
                "micro": self.micro.as_dict(),
                "macro_f1_mapped": round(100 * self.macro_f1, 2),
                "macro_f1_all_types": round(100 * self.macro_f1_all_types, 2),
                "published_macro_f1_all_types": PUBLISHED_MACRO_F1,
                "coverage": {
                    "types_mapped": len(self.relations),
                    "types_total": self.relation_types_total,
                    "gold_covered": self.covered_relations,
                    "gold_total": self.gold_relations_total,
                },
                "gold_by_type": dict(sorted(self.relation_totals.items())),
            },
            "notes": list(self.notes),
        }


def evaluate(
    docs: Sequence[GoldDoc],
    extractions: Mapping[str, Extraction],
    pm: PopcornMap,
    *,
    skipped: Sequence[str] = (),
    onto: Ontology | None = None,
    seconds: float | None = None,
) -> Report:
    """Score extractions (by document id) against the POPCORN documents."""
    onto = onto or load_ontology()
    classes, types, kg_counts = score_entities(docs, extractions, pm, onto)
    relations, totals = score_relations(docs, extractions, pm, onto)
    unmapped: Counter[str] = Counter(
        e.type for d in docs for e in d.entities if e.type not in pm.entity_types
    )
    extra_entities, extra_relations = unlisted_types(docs, pm)
    notes = []
    if extra_entities:
        notes.append(f"entity types neither mapped nor listed: {', '.join(sorted(extra_entities))}")
    if extra_relations:
        notes.append(
            f"relation types neither mapped nor listed: {', '.join(sorted(extra_relations))}"
        )
    return Report(
        texts=len(docs),
        skipped=tuple(sorted(skipped)),
        classes=classes,
        types=types,
        kg_entities=kg_counts,
        relations=relations,
        relation_totals=dict(sorted(totals.items())),
        unmapped_entity_gold=dict(sorted(unmapped.items(), key=lambda kv: (-kv[1], kv[0]))),
        seconds=seconds,
        notes=tuple(notes),
    )


def _pct(value: float) -> str:
    return f"{100 * value:.2f}"


def format_markdown(report: Report) -> str:
    """The report as Markdown tables (deterministic: no timing)."""
    lines = [
        f"### POPCORN-fr test: {report.texts} texts, {len(report.skipped)} skipped "
        "(not accepted as French)",
        "",
        "Entity typing by ontology class (kg entities aligned to the same POPCORN entity "
        "count once):",
        "",
        "| class | POPCORN types | gold | system | correct | P | R | F1 |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for c in report.classes:
        s = c.score
        lines.append(
            f"| {c.cls} | {', '.join(c.popcorn_types)} | {s.gold} | {s.system} | {s.correct} "
            f"| {_pct(s.precision)} | {_pct(s.recall)} | {_pct(s.f1)} |"
        )
    lines += [
        "",
        "Entity typing by POPCORN type (found: a kg entity is aligned to it; accuracy: typed "
        "right / found):",
        "",
        "| POPCORN type | class | gold | found | typed right | R | accuracy |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for t in report.types:
        lines.append(
            f"| {t.popcorn_type} | {t.cls} | {t.gold} | {t.found} | {t.typed_right} "
            f"| {_pct(t.recall)} | {_pct(t.accuracy)} |"
        )
    unmapped_total = sum(report.unmapped_entity_gold.values())
    lines += [
        "",
        f"kg entities: {report.kg_entities['kg']}, of which {report.kg_entities['aligned']} "
        f"overlap a POPCORN entity. Unmapped POPCORN entity types: "
        f"{len(report.unmapped_entity_gold)} ({unmapped_total} entities).",
        "",
        "Relations by mapped POPCORN type (classes: POPCORN subject, object; inverse: the kg "
        "subject is the POPCORN object; ≈: the kg property is narrower than the type):",
        "",
        "| POPCORN type | kg property | gold (covered / all) | system | correct | P | R | F1 |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report.relations:
        s = r.score
        rules = "; ".join(dict.fromkeys(rule.describe() for rule in r.rules))
        lines.append(
            f"| {r.popcorn_type} | {rules} | {s.gold} / {r.gold_total} | {s.system} "
            f"| {s.correct} | {_pct(s.precision)} | {_pct(s.recall)} | {_pct(s.f1)} |"
        )
    micro = report.micro
    lines.append(
        f"| **micro, mapped types** | | {micro.gold} | {micro.system} | {micro.correct} "
        f"| {_pct(micro.precision)} | {_pct(micro.recall)} | {_pct(micro.f1)} |"
    )
    lines.append(
        f"| **macro, {len(report.relations)} mapped types** | | | | | | | {_pct(report.macro_f1)} |"
    )
    gold_total = report.gold_relations_total
    share = report.covered_relations / gold_total if gold_total else 0.0
    approx = sum(not r.exact for r in report.relations)  # types with a narrower rule
    ignored = sum(r.ignored for r in report.relations)
    lines += [
        "",
        f"Coverage: the map covers {len(report.relations)} of the "
        f"{report.relation_types_total} relation types ({approx} of them partly through a "
        "narrower property, ≈) and "
        f"{report.covered_relations:,} of the {gold_total:,} gold relations ({_pct(share)} %). "
        f"Macro-F1 over all {report.relation_types_total} types, unmapped types counted as 0: "
        f"{_pct(report.macro_f1_all_types)}; POPCORN's published supervised baseline: "
        f"{PUBLISHED_MACRO_F1:.2f} on all 30 types. "
        f"{ignored} kg relation(s) that match a gold relation outside the map's coverage "
        "are not counted.",
    ]
    lines += [f"Note: {n}." for n in report.notes]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def _progress(index: int, total: int) -> None:
    if sys.stderr.isatty():
        end = "\n" if index == total else ""
        print(f"\rkg: {index}/{total} texts", end=end, file=sys.stderr, flush=True)
    elif index == total or index % 50 == 0:
        print(f"kg: {index}/{total} texts", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Score kg's entity typing and relations on the POPCORN French test set."
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help=f"POPCORN directory holding test.json, or the file itself (default: {DEFAULT_DATA})",
    )
    parser.add_argument("--map", type=Path, default=DEFAULT_MAP, help="the type map (TOML)")
    parser.add_argument("--limit", type=int, default=None, help="score the first N texts only")
    parser.add_argument("--json", type=Path, default=None, help="also write the report as JSON")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")

    started = time.perf_counter()
    onto = load_ontology()
    try:
        docs = load_popcorn(args.data, limit=args.limit)
        pm = load_map(args.map, onto)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"kg: extracting {len(docs)} POPCORN texts from {args.data}", file=sys.stderr)
    extractions, skipped = run_kg(docs, progress=_progress)
    report = evaluate(docs, extractions, pm, skipped=skipped, onto=onto)
    seconds = time.perf_counter() - started
    report = replace(report, seconds=seconds)
    sys.stdout.write(format_markdown(report))
    print(
        f"kg: {len(docs)} texts, {len(skipped)} skipped, {seconds:.1f} s in total",
        file=sys.stderr,
    )
    if args.json:
        args.json.write_text(
            json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
