"""Score a kg graph against a gold fact file (``eval/gold/README.md`` is the authority).

A gold file is tab-separated, one row per line, ``#`` lines and blank lines ignored:

* ``type  entity  classes``                  -- the entity has one of the classes (or a subclass)
* ``rel   subject  predicate  object``       -- a plain triple links the two entities
* ``nary  class  role=value;role~=text;...`` -- an n-ary fact node has every listed role
* ``ok    subject  predicate  object``       -- acceptable, neither a hit nor a false positive
* ``bad   subject  predicate  object  [comment]`` -- must never appear (``*`` = any object)

``A|B`` accepts either alternative; predicate ``type`` in ``ok``/``bad`` rows is about classes.
Entity names are compared by label or alias after :func:`fold`.

The system facts read from the graph are of three kinds: ``type`` (an entity and its class),
``rel`` (a plain ``kg:`` triple between two entities; both directions of a symmetric property
are one fact) and ``nary`` (a node of an n-ary fact class). A system fact matches when it
matches any gold row of its kind; a gold row is found when any system fact matches it.
Precision leaves out system facts that match only ``ok`` rows; the overall score is the
micro-average over the three kinds.

The grounding check of a graph alone, without gold (:func:`ground`, :class:`GroundingReport`,
:func:`format_grounding`), lives in :mod:`kg.grounding`; :func:`evaluate` includes it in its
report and this module re-exports it, with :func:`fold`.

>>> fold("  L’Équipe   Numérique ")
"l'equipe numerique"
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TypeVar

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from kg._graphtext import _entities, _Entity, _listing, _local_name, _number, _one_line, fold
from kg.errors import GoldFormatError
from kg.grounding import GroundingReport, format_grounding, ground
from kg.ontology import KG, Ontology, load_ontology

__all__ = [
    "EvalReport",
    "Gold",
    "GoldRow",
    "GroundingReport",
    "KindScore",
    "NaryRow",
    "RoleSpec",
    "evaluate",
    "fold",
    "format_grounding",
    "format_report",
    "ground",
    "load_gold",
]

logger = logging.getLogger(__name__)

#: Row kinds and their columns after the kind; ``bad`` rows may add a free comment.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "type": ("entity", "classes"),
    "rel": ("subject", "predicate", "object"),
    "nary": ("class", "roles"),
    "ok": ("subject", "predicate", "object"),
    "bad": ("subject", "predicate", "object"),
}
_OPTIONAL_COMMENT = frozenset({"bad"})
_TYPE = "type"
_ANY = "*"
_ALTERNATIVE = "|"
_MONEY = re.compile(r"^(\S+)\s+([A-Za-z]{3})$")
#: Provenance, not roles: never part of an n-ary fact's description or matching.
_PROVENANCE = frozenset({KG.evidence, KG.startChar, KG.endChar, KG.mentionedIn})


# ---------------------------------------------------------------------------
# Gold rows
# ---------------------------------------------------------------------------


def _alternatives(values: Sequence[str]) -> str:
    return _ALTERNATIVE.join(values)


@dataclass(frozen=True)
class GoldRow:
    """A ``type``, ``rel``, ``ok`` or ``bad`` row; a ``type`` row has predicate ``("type",)``."""

    kind: str
    subject: tuple[str, ...]
    predicate: tuple[str, ...]
    object: tuple[str, ...]
    line: int
    comment: str = ""

    def __str__(self) -> str:
        subject, obj = _alternatives(self.subject), _alternatives(self.object)
        if self.predicate == (_TYPE,):
            body = f"{subject} : {obj}"
        else:
            body = f"{subject} --{_alternatives(self.predicate)}--> {obj}"
        comment = f"  ({self.comment})" if self.comment else ""
        return f"{self.kind}  {body}{comment}"


@dataclass(frozen=True)
class RoleSpec:
    """One ``role=value`` or ``role~=text`` condition of an ``nary`` row."""

    role: str
    op: str  # "=" (equal) or "~=" (folded containment)
    value: str

    @property
    def alternatives(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.value.split(_ALTERNATIVE))

    def __str__(self) -> str:
        return f"{self.role}{self.op}{self.value}"


@dataclass(frozen=True)
class NaryRow:
    """An ``nary`` row: a fact class and the roles its node must have."""

    cls: str
    roles: tuple[RoleSpec, ...]
    line: int
    kind: str = "nary"

    def __str__(self) -> str:
        return f"{self.kind}  {self.cls} " + "; ".join(str(role) for role in self.roles)


@dataclass(frozen=True)
class Gold:
    """The rows of one gold file, by kind, in file order."""

    source: str
    types: tuple[GoldRow, ...]
    relations: tuple[GoldRow, ...]
    nary: tuple[NaryRow, ...]
    ok: tuple[GoldRow, ...]
    bad: tuple[GoldRow, ...]


def _split_alternatives(column: str, where: str) -> tuple[str, ...]:
    parts = tuple(part.strip() for part in column.split(_ALTERNATIVE))
    if not all(parts):
        raise GoldFormatError(f"{where}: empty alternative in {column!r}")
    return parts


def _parse_role(item: str, where: str) -> RoleSpec:
    for op in ("~=", "="):
        role, found, value = item.partition(op)
        if found:
            spec = RoleSpec(role.strip(), op, value.strip())
            if not spec.role or not all(spec.alternatives):
                raise GoldFormatError(f"{where}: role {item!r} needs a name and a value")
            return spec
    raise GoldFormatError(f"{where}: role {item!r} is not 'role=value' or 'role~=text'")


def _parse_nary(fields: Sequence[str], line: int, where: str) -> NaryRow:
    cls, roles = fields
    items = [item.strip() for item in roles.split(";")]
    return NaryRow(cls=cls, roles=tuple(_parse_role(item, where) for item in items), line=line)


def _parse_triple(kind: str, fields: Sequence[str], line: int, where: str) -> GoldRow:
    if kind == _TYPE:
        subject, classes = fields
        return GoldRow(
            kind=kind,
            subject=_split_alternatives(subject, where),
            predicate=(_TYPE,),
            object=_split_alternatives(classes, where),
            line=line,
        )
    subject, predicate, obj, *comment = fields
    if kind == "rel" and _TYPE in _split_alternatives(predicate, where):
        raise GoldFormatError(f"{where}: a rel row cannot have predicate 'type'; use a type row")
    return GoldRow(
        kind=kind,
        subject=_split_alternatives(subject, where),
        predicate=_split_alternatives(predicate, where),
        object=_split_alternatives(obj, where),
        line=line,
        comment=comment[0] if comment else "",
    )


def _check_columns(kind: str, fields: Sequence[str], where: str) -> None:
    if kind not in _COLUMNS:
        known = ", ".join(sorted(_COLUMNS))
        raise GoldFormatError(f"{where}: unknown row kind {kind!r} (expected one of {known})")
    names = _COLUMNS[kind]
    allowed = {len(names), len(names) + 1} if kind in _OPTIONAL_COMMENT else {len(names)}
    if len(fields) not in allowed:
        expected = " or ".join(str(n + 1) for n in sorted(allowed))
        raise GoldFormatError(
            f"{where}: a {kind} row has {len(fields) + 1} tab-separated columns, "
            f"expected {expected} (kind, {', '.join(names)})"
        )
    if not all(fields):
        raise GoldFormatError(f"{where}: empty column in a {kind} row")


def _parse_line(text: str, line: int, where: str) -> GoldRow | NaryRow:
    kind, *fields = (field.strip() for field in text.split("\t"))
    _check_columns(kind, fields, where)
    if kind == "nary":
        return _parse_nary(fields, line, where)
    return _parse_triple(kind, fields, line, where)


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFormatError(f"{path}: cannot read gold file: {exc}") from exc


def load_gold(path: str | Path) -> Gold:
    """Parse a gold TSV file; raise :class:`GoldFormatError` (``file:line: ...``) if malformed."""
    path = Path(path)
    rows: list[GoldRow | NaryRow] = []
    for number, text in enumerate(_read_lines(path), start=1):
        stripped = text.strip()
        if stripped and not stripped.startswith("#"):
            rows.append(_parse_line(text.rstrip(), number, f"{path}:{number}"))

    def of_kind(kind: str) -> tuple[GoldRow, ...]:
        return tuple(r for r in rows if isinstance(r, GoldRow) and r.kind == kind)

    gold = Gold(
        source=str(path),
        types=of_kind(_TYPE),
        relations=of_kind("rel"),
        nary=tuple(r for r in rows if isinstance(r, NaryRow)),
        ok=of_kind("ok"),
        bad=of_kind("bad"),
    )
    logger.debug("loaded %d gold rows from %s", len(rows), path)
    return gold


# ---------------------------------------------------------------------------
# System facts read from the graph
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _TypeFact:
    entity: _Entity
    cls: str

    def __str__(self) -> str:
        return f"type  {self.entity.label} : {self.cls}"


@dataclass(frozen=True)
class _RelFact:
    subject: _Entity
    predicate: str
    object: _Entity
    symmetric: bool

    def __str__(self) -> str:
        return f"rel  {self.subject.label} --{self.predicate}--> {self.object.label}"


_Value = _Entity | Literal | URIRef


def _show(value: _Value) -> str:
    if isinstance(value, _Entity):
        return value.label
    if isinstance(value, Literal):
        return _one_line(str(value))
    return _local_name(value)


def _display_order(pair: tuple[str, _Value]) -> tuple[int, str, str]:
    role, value = pair
    rank = 0 if isinstance(value, _Entity) else 1 if isinstance(value, Literal) else 2
    return rank, role.casefold(), _show(value)


@dataclass(frozen=True)
class _NaryFact:
    node: Node
    cls: str
    roles: tuple[tuple[str, _Value], ...]  # sorted for display: entities, literals, modality

    def values(self, role: str) -> tuple[_Value, ...]:
        return tuple(value for name, value in self.roles if name == role)

    def __str__(self) -> str:
        currency = " ".join(_show(c) for c in self.values("currency"))
        parts = [
            f"{role}={_show(value)}" + (f" {currency}" if role == "amount" and currency else "")
            for role, value in self.roles
            if not (role == "currency" and self.values("amount"))
        ]
        return f"nary  {self.cls} " + "; ".join(parts)


def _type_facts(graph: Graph, entities: dict[Node, _Entity], ontology: Ontology) -> list[_TypeFact]:
    classes = {KG[name] for name in ontology.entity_classes()}
    return [
        _TypeFact(entity=entity, cls=_local_name(cls))
        for node, entity in entities.items()
        for cls in sorted(graph.objects(node, RDF.type))
        if cls in classes
    ]


def _rel_facts(graph: Graph, entities: dict[Node, _Entity], ontology: Ontology) -> list[_RelFact]:
    facts: dict[tuple[str, frozenset[Node] | tuple[Node, Node]], _RelFact] = {}
    triples = sorted(t for t in graph if t[0] in entities and t[2] in entities)
    for s, p, o in triples:
        if not str(p).startswith(str(KG)):
            continue
        name = _local_name(p)
        info = ontology.properties.get(name)
        symmetric = info is not None and info.symmetric
        key = (name, frozenset((s, o)) if symmetric else (s, o))
        facts.setdefault(key, _RelFact(entities[s], name, entities[o], symmetric))
    return list(facts.values())


def _nary_facts(graph: Graph, entities: dict[Node, _Entity], ontology: Ontology) -> list[_NaryFact]:
    classes = {KG[name] for name in ontology.fact_classes()}
    facts = []
    for node, cls in sorted(graph.subject_objects(RDF.type)):
        if cls not in classes:
            continue
        roles = [
            (_local_name(p), entities.get(o, o))
            for p, o in graph.predicate_objects(node)
            if p != RDF.type and p not in _PROVENANCE and str(p).startswith(str(KG))
        ]
        facts.append(_NaryFact(node, _local_name(cls), tuple(sorted(roles, key=_display_order))))
    return facts


# ---------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------


def _names_match(entity: _Entity, alternatives: Iterable[str]) -> bool:
    return any(alt == _ANY or fold(alt) in entity.names for alt in alternatives)


def _class_matches(ontology: Ontology, cls: str, alternatives: Iterable[str]) -> bool:
    return any(alt in (_ANY, cls) or ontology.is_a(cls, alt) for alt in alternatives)


def _type_matches(ontology: Ontology, fact: _TypeFact, row: GoldRow) -> bool:
    return (
        _TYPE in row.predicate
        and _names_match(fact.entity, row.subject)
        and _class_matches(ontology, fact.cls, row.object)
    )


def _rel_matches(fact: _RelFact, row: GoldRow) -> bool:
    if fact.predicate not in row.predicate:
        return False
    pairs = [(fact.subject, fact.object)]
    if fact.symmetric:
        pairs.append((fact.object, fact.subject))
    return any(_names_match(s, row.subject) and _names_match(o, row.object) for s, o in pairs)


def _value_equals(value: _Value, text: str) -> bool:
    if isinstance(value, _Entity):
        return fold(text) in value.names
    number = _number(text)
    if isinstance(value, Literal) and number is not None:
        return _number(str(value)) == number
    return fold(_show(value)) == fold(text)


def _alternative_holds(fact: _NaryFact, role: str, alternative: str) -> bool:
    money = _MONEY.match(alternative)
    amount = _number(money.group(1)) if money else None
    if money and amount is not None:
        return any(_value_equals(v, str(amount)) for v in fact.values(role)) and any(
            _value_equals(c, money.group(2)) for c in fact.values("currency")
        )
    return any(_value_equals(v, alternative) for v in fact.values(role))


def _role_holds(fact: _NaryFact, spec: RoleSpec) -> bool:
    if spec.op == "~=":
        return any(
            isinstance(v, Literal) and fold(alt) in fold(str(v))
            for alt in spec.alternatives
            for v in fact.values(spec.role)
        )
    return any(_alternative_holds(fact, spec.role, alt) for alt in spec.alternatives)


def _nary_matches(ontology: Ontology, fact: _NaryFact, row: NaryRow) -> bool:
    return _class_matches(ontology, fact.cls, (row.cls,)) and all(
        _role_holds(fact, spec) for spec in row.roles
    )


# ---------------------------------------------------------------------------
# Scores and report
# ---------------------------------------------------------------------------


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


@dataclass(frozen=True)
class KindScore:
    """Counts for one kind of fact (or ``overall``) and the scores derived from them."""

    kind: str
    gold: int
    system: int  # system facts counted for precision (``ok``-only matches left out)
    matched_gold: int
    matched_system: int

    @property
    def precision(self) -> float:
        return _ratio(self.matched_system, self.system)

    @property
    def recall(self) -> float:
        return _ratio(self.matched_gold, self.gold)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class EvalReport:
    """Scores per kind (type, rel, nary), their micro-average, what went wrong, and how well
    the graph is grounded in its source text (:func:`ground`, independent of the gold file)."""

    scores: tuple[KindScore, ...]
    overall: KindScore
    misses: tuple[str, ...]
    false_positives: tuple[str, ...]
    bad: tuple[str, ...]
    grounding: GroundingReport


class _KindResult(NamedTuple):
    score: KindScore
    misses: list[str]
    false_positives: list[str]


_F = TypeVar("_F")
_R = TypeVar("_R", GoldRow, NaryRow)


def _score_kind(
    kind: str,
    facts: Sequence[_F],
    rows: Sequence[_R],
    matches: Callable[[_F, _R], bool],
    acceptable: Sequence[_R] = (),
) -> _KindResult:
    hits = [any(matches(fact, row) for row in rows) for fact in facts]
    counted = [
        hit or not any(matches(fact, row) for row in acceptable)
        for fact, hit in zip(facts, hits, strict=True)
    ]
    found = [any(matches(fact, row) for fact in facts) for row in rows]
    score = KindScore(
        kind=kind,
        gold=len(rows),
        system=sum(counted),
        matched_gold=sum(found),
        matched_system=sum(hits),
    )
    misses = [str(row) for row, hit in zip(rows, found, strict=True) if not hit]
    false_positives = [
        str(fact)
        for fact, hit, count in zip(facts, hits, counted, strict=True)
        if count and not hit
    ]
    return _KindResult(score, misses, false_positives)


def _bad_entry(
    ontology: Ontology, row: GoldRow, types: Iterable[_TypeFact], rels: Iterable[_RelFact]
) -> str | None:
    found = {str(fact) for fact in types if _type_matches(ontology, fact, row)}
    found |= {str(fact) for fact in rels if _rel_matches(fact, row)}
    return f"{row}  found: {', '.join(sorted(found))}" if found else None


def _overall(scores: Iterable[KindScore]) -> KindScore:
    scores = list(scores)
    return KindScore(
        kind="overall",
        gold=sum(s.gold for s in scores),
        system=sum(s.system for s in scores),
        matched_gold=sum(s.matched_gold for s in scores),
        matched_system=sum(s.matched_system for s in scores),
    )


def evaluate(graph: Graph, gold: str | Path | Gold, ontology: Ontology | None = None) -> EvalReport:
    """Score ``graph`` against a gold file (or parsed :class:`Gold`)."""
    gold = gold if isinstance(gold, Gold) else load_gold(gold)
    ontology = ontology or load_ontology()
    entities = _entities(graph, ontology)
    types = _type_facts(graph, entities, ontology)
    rels = _rel_facts(graph, entities, ontology)
    nary = _nary_facts(graph, entities, ontology)

    def type_match(fact: _TypeFact, row: GoldRow) -> bool:
        return _type_matches(ontology, fact, row)

    def nary_match(fact: _NaryFact, row: NaryRow) -> bool:
        return _nary_matches(ontology, fact, row)

    results = (
        _score_kind("type", types, gold.types, type_match, gold.ok),
        _score_kind("rel", rels, gold.relations, _rel_matches, gold.ok),
        _score_kind("nary", nary, gold.nary, nary_match),
    )
    bad = [entry for row in gold.bad if (entry := _bad_entry(ontology, row, types, rels))]
    scores = tuple(result.score for result in results)
    report = EvalReport(
        scores=scores,
        overall=_overall(scores),
        misses=tuple(sorted(m for result in results for m in result.misses)),
        false_positives=tuple(sorted(f for result in results for f in result.false_positives)),
        bad=tuple(sorted(bad)),
        grounding=ground(graph, ontology),
    )
    logger.info(
        "evaluated against %s: F1 %.3f, %d bad", gold.source, report.overall.f1, len(report.bad)
    )
    return report


def _table_line(score: KindScore) -> str:
    return (
        f"{score.kind:<8}{score.gold:>6}{score.system:>8}"
        f"{score.precision:>8.3f}{score.recall:>8.3f}{score.f1:>8.3f}"
    )


def format_report(report: EvalReport) -> str:
    """The report as text: a score table, misses, false positives, bad facts, then grounding."""
    header = f"{'kind':<8}{'gold':>6}{'system':>8}{'P':>8}{'R':>8}{'F1':>8}"
    lines = [header, *(_table_line(s) for s in (*report.scores, report.overall)), ""]
    lines += _listing("misses", report.misses)
    lines += _listing("false positives", report.false_positives)
    lines += _listing("bad", report.bad)
    lines += ["", format_grounding(report.grounding)]
    return "\n".join(lines)
