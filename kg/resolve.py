"""Mentions -> entities: one entity per real-world thing in a document, typed by weighed votes.

Names are grouped by a normalised key (case, accents, spaces and legal suffixes ignored:
"OpenLab", "Open Lab" and "OpenLab Inc." are one entity; "Nexaria" and "Nexaria Cloud" stay
two). A lone surname (or first name) joins the one person whose full name has it. Definite
descriptions ("la start-up", "ce modèle") join the entity they refer to, by salience rules, or
are left out. Every merge is recorded with its reason.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from kg.lexicon import Lexicon
from kg.model import LATTER, Entity, Mention
from kg.ontology import Ontology

__all__ = [
    "Resolution",
    "decide_class",
    "entity_key",
    "finalize_entities",
    "most_salient",
    "resolve_mentions",
]

#: The class of an entity nothing tells anything about: a name is a thing, and guessing its
#: kind would assert a fact the text does not state (it stays out of typed relations).
_UNKNOWN_CLASS = "Entity"
#: Between artefact kinds that tie, the most common in business news.
_DEFAULT_ARTIFACT = "Product"


def entity_key(label: str, lex: Lexicon | None = None) -> str:
    """The normalised name an entity's IRI is minted from.

    >>> entity_key("Open Lab"), entity_key("OpenLab Inc."), entity_key("Nexaria Cloud")
    ('openlab', 'openlab', 'nexariacloud')
    >>> entity_key("Helio S.A.S."), entity_key("Helio SA")
    ('helio', 'helio')
    """
    words = unicodedata.normalize("NFKD", label).casefold().replace("’", "'").split()
    suffixes = lex.legal_suffixes if lex else frozenset({"inc", "inc.", "sa", "sas", "ltd"})
    # "S.A.S." is "SAS": a suffix is compared without its dots
    while len(words) > 1 and words[-1].strip(",").replace(".", "") in suffixes:
        words.pop()
    key = "".join(c for w in words for c in w if c.isalnum() and not unicodedata.combining(c))
    return key or "x" + hashlib.sha256(label.encode()).hexdigest()[:16]


def decide_class(votes: Iterable[tuple[str, float]], onto: Ontology) -> tuple[str, float]:
    """The leaf entity class best supported by ``votes``, and its score (``Entity``, score 0,
    when nothing supports any).

    A vote for a class also supports its subclasses ("Artifact" helps AIModel, Product and
    Hardware); "Company" wins over "Organization" when anything says company.
    """
    totals: Counter[str] = Counter()
    for cls, weight in votes:
        totals[cls] += weight
    if not totals:
        return _UNKNOWN_CLASS, 0.0
    leaves = [c for c in onto.entity_classes() if c not in ("Agent", "Artifact")]
    scores = {leaf: sum(totals[a] for a in onto.ancestors(leaf)) for leaf in leaves}
    best = max(scores.values())
    if best <= 0:
        return _UNKNOWN_CLASS, 0.0
    winners = [leaf for leaf in leaves if scores[leaf] == best]
    if "Company" in winners and "Organization" in winners:
        winners.remove("Company" if totals["Company"] == 0 else "Organization")
    if _DEFAULT_ARTIFACT in winners and all(onto.is_a(w, "Artifact") for w in winners):
        return _DEFAULT_ARTIFACT, best  # a tie between artefact kinds: nothing says more
    return sorted(winners)[0], best


@dataclass
class _Group:
    key: str
    mentions: list[Mention] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)

    def absorb(self, other: _Group, reason: str) -> None:
        """Fold the mentions of ``other`` (another spelling of this entity) in, saying why."""
        self.mentions.extend(other.mentions)
        self.merges.append(reason)

    def votes(self) -> list[tuple[str, float]]:
        """Context votes of every mention, plus NER votes averaged over the names; failing
        any, the fallback votes of the names' shapes, averaged too.

        NER labels are noisy and repeat with every mention; averaging keeps five "LOC" tags
        on a product name from outweighing one clear cue.
        """
        return self.evidence() or self._averaged(lambda m: m.fallback_votes)

    def evidence(self) -> list[tuple[str, float]]:
        """The votes of what the text says about the entity (no fallback)."""
        return [v for m in self.mentions for v in m.votes] + self._averaged(lambda m: m.ner_votes)

    def _averaged(
        self, of: Callable[[Mention], tuple[tuple[str, float], ...]]
    ) -> list[tuple[str, float]]:
        names = [m for m in self.mentions if m.source == "name"]
        return [(cls, w / len(names)) for m in names for cls, w in of(m)]


@dataclass(frozen=True)
class Resolution:
    """Entities of a document and, for every mention span, the key of its entity."""

    groups: dict[str, _Group]
    keys: dict[tuple[int, int], str]


def _person_part_merges(groups: dict[str, _Group], onto: Ontology) -> dict[str, tuple[str, str]]:
    """Map the key of a lone surname ("Dubois") or, failing that, a lone first name ("Anne",
    as quotes call people) to the one full name that has it, with which part it is."""
    owners: dict[str, dict[str, list[str]]] = {"surname": {}, "first name": {}}
    for key, group in groups.items():
        words = group.mentions[0].text.split()
        if len(words) >= 2 and decide_class(group.votes(), onto)[0] == "Person":
            owners["surname"].setdefault(entity_key(words[-1]), []).append(key)
            # a first name is weaker evidence: only for a name the NER itself read as a person
            if any(cls == "Person" for m in group.mentions for cls, _ in m.ner_votes):
                owners["first name"].setdefault(entity_key(words[0]), []).append(key)
    merges = {}
    for key, group in groups.items():
        if len(group.mentions[0].text.split()) != 1:
            continue
        own_class = decide_class(group.votes(), onto)[0]
        for part, names in owners.items():
            if len(names.get(key, [])) != 1:
                continue
            # a lone first name refers back to a full name, and reads as a person, (like
            # "Sofia") a place, or as nothing yet; anything else the context said of it keeps
            # it apart
            full = groups[names[key][0]]
            if part == "surname" or (
                own_class in ("Person", "Place", _UNKNOWN_CLASS)
                and min(m.start for m in group.mentions) > min(m.start for m in full.mentions)
            ):
                merges[key] = (names[key][0], part)
                break
    return merges


def _short_name_merges(groups: dict[str, _Group], onto: Ontology, lex: Lexicon) -> dict[str, str]:
    """Map the key of a short name ("Dalmore") to the one full name it shortens, when the
    article gave the full name first and the full name only adds organisation suffixes
    ("Dalmore Énergie", "Kelvane Chemical"). A full name given after the short one names
    something else: a division or a product ("Kelvane" then "Kelvane AI")."""
    suffixes = {
        s for info in onto.classes.values() for s in info.name_suffixes
    } - lex.division_suffixes
    # a headline shortens names: the order that counts is the body's
    first_seen = {
        key: min(m.start for m in ([m for m in g.mentions if m.sentence > 0] or g.mentions))
        for key, g in groups.items()
    }
    full_names: dict[str, list[str]] = {}
    for key, group in groups.items():
        words = group.mentions[0].text.split()
        # "le fonds Montclair Partners", then "Montclair": a fund is shortened like a company
        fund = any(m.presented_as in lex.fund_nouns for m in group.mentions)
        base = list(words)
        while len(base) > 1 and (
            base[-1] in suffixes or (fund and base[-1] in lex.division_suffixes)
        ):
            base.pop()  # "Ashgrove Pell Capital" shortens to "Ashgrove Pell"
        if len(base) < len(words):
            full_names.setdefault(" ".join(base), []).append(key)
    merges = {}
    for key, group in groups.items():
        owners = full_names.get(group.mentions[0].text, [])
        if len(owners) == 1 and first_seen[owners[0]] < first_seen[key]:
            merges[key] = owners[0]
    return merges


#: Short words an acronym skips: "Autorité des marchés financiers (AMF)".
_ACRONYM_SKIPS = frozenset(
    {"de", "des", "du", "d", "la", "le", "l", "les", "et", "of", "the", "and"}
)


def _initials(name: str) -> str:
    words = name.replace("'", " ").replace("-", " ").split()
    return "".join(w[0] for w in words if w.lower() not in _ACRONYM_SKIPS).upper()


def _acronym_merges(groups: dict[str, _Group]) -> dict[str, str]:
    """Map the key of an acronym given in brackets right after a name ("Norges Bank
    Investment Management (NBIM)") to that name's key, when it spells the name's initials."""
    ends = {m.end: key for key, g in groups.items() for m in g.mentions}
    merges = {}
    for key, group in groups.items():
        for m in group.mentions:
            full = ends.get(m.start - 2)  # " (" between the name and its acronym
            if (
                full is not None
                and full != key
                and m.text.isupper()
                and len(m.text) >= 2
                and _initials(groups[full].mentions[0].text) == m.text
            ):
                merges[key] = full
    return merges


def _compatible(cue_class: str, candidate_class: str | None, onto: Ontology) -> bool:
    if candidate_class is None:
        return True
    family = "Organization" if onto.is_a(cue_class, "Organization") else cue_class
    return onto.is_a(candidate_class, family)


def _holds(mention: Mention, offset: int | None) -> bool:
    return offset is not None and mention.start <= offset < mention.end


def _antecedent(
    desc: Mention,
    resolved: Sequence[tuple[Mention, str]],
    memory: dict[str, str],
    classes: dict[str, str | None],
    onto: Ontology,
    family: str,
    presented: frozenset[str] = frozenset(),
) -> tuple[str | None, str]:
    """The entity a description refers to, and the rule that decided it. ``memory`` maps a
    ``family`` of description nouns to what one of them last referred to; ``presented`` holds
    the entities the article presented with a noun of that family, which come first."""
    cue_class = desc.votes[0][0]
    if desc.subject and family in memory:
        said = f"'{family}'" if family == desc.cue else f"'{family}', a noun of its family,"
        return memory[family], f"{said} already referred to it"
    candidates = [
        (m, key)
        for m, key in resolved
        if m.end <= desc.start and _compatible(cue_class, classes.get(key), onto)
    ]
    same = [
        (m, k)
        for m, k in candidates
        if m.sentence == desc.sentence and (desc.scope_start is None or m.start >= desc.scope_start)
    ]
    if desc.reporter:
        # "X a pris 20 % de Y, a annoncé l'avionneur": who reports is the sentence's subject
        speakers = [(m, k) for m, k in same if m.subject and m.source == "name"]
        if speakers:
            return speakers[0][1], "the subject of the sentence it reports"
    # within a sentence, another noun ("la start-up ... du groupe") is another entity
    others = [
        (m, k)
        for m, k in same
        if not _holds(m, desc.clause_subject)
        and m.source == "name"
        and (desc.apposed or not m.backgrounded)
    ]
    if others:
        return others[-1][1], "nearest earlier name in the sentence"
    # "La start-up prévoit ..., valorisant l'entreprise": a description that is the subject
    # of the sentence (an object does not refer to its own clause's subject: "X annonce le
    # rachat de la PME")
    subjects = [
        (m, k)
        for m, k in same
        if m.source == "description"
        and m.subject
        and m.votes
        and _compatible(cue_class, m.votes[0][0], onto)
    ]
    if subjects:
        return subjects[-1][1], "subject of the sentence"
    # a source the article only cites ("d'après La Gazette") is no topic a description could
    # continue
    foreground = {k for m, k in candidates if not m.cited}
    candidates = [(m, k) for m, k in candidates if k in foreground]
    own = [(m, k) for m, k in candidates if k in presented]
    if own:
        # of several start-ups the article presented, "la jeune pousse" is the one it is about
        # (the most mentioned so far), not the last one named in passing
        counts = Counter(k for _, k in own)
        first = {k: m.start for m, k in reversed(own)}
        best = max(sorted(counts), key=lambda k: (counts[k], -first[k]))
        return best, f"most mentioned earlier entity presented as a '{family}'"
    if desc.opens_paragraph and candidates:
        # a new paragraph turns back to what the article is about, not to the last sentence
        counts = Counter(k for _, k in candidates)
        first = {k: m.start for m, k in reversed(candidates)}
        best = max(sorted(counts), key=lambda k: (counts[k], -first[k]))
        return best, "most mentioned earlier entity, at a paragraph's opening"
    return _most_salient(desc, candidates, classes, onto)


def most_salient(
    mentions: Iterable[tuple[Mention, str]],
    sentence: int,
    of_kind: Callable[[str], bool],
    *,
    before: bool = True,
) -> str | None:
    """The entity most in focus at ``sentence`` (a simplified Lappin and Leass salience).

    Every mention before the sentence (or up to it, when ``before`` is false) adds to its
    entity's salience, subjects twice as much, halved with each sentence back; an entity for
    which ``of_kind`` holds counts double. Ties go to the entity mentioned last.
    """
    scores: dict[str, float] = defaultdict(float)
    last_seen: dict[str, int] = {}
    for m, key in mentions:
        if m.sentence > sentence or (before and m.sentence == sentence):
            continue
        weight = (1.0 if m.subject else 0.5) * 0.5 ** (sentence - m.sentence)
        scores[key] += weight * (2 if of_kind(key) else 1)
        last_seen[key] = max(last_seen.get(key, -1), m.start)
    if not scores:
        return None
    return max(sorted(scores), key=lambda k: (scores[k], last_seen[k]))


def _most_salient(
    desc: Mention,
    candidates: Sequence[tuple[Mention, str]],
    classes: dict[str, str | None],
    onto: Ontology,
) -> tuple[str | None, str]:
    """The entity most in focus before the description's sentence; one already known to be of
    the description's own class ("la start-up" -> a Company) counts double."""
    cue_class = desc.votes[0][0]

    def of_kind(key: str) -> bool:
        cls = classes.get(key)
        return cls is not None and onto.is_a(cls, cue_class)

    best = most_salient(candidates, desc.sentence, of_kind)
    return best, "most salient earlier entity of the right kind" if best else ""


def resolve_mentions(mentions: Sequence[Mention], *, onto: Ontology, lex: Lexicon) -> Resolution:
    """Group name mentions into entities and attach descriptions to their antecedents."""
    groups: dict[str, _Group] = {}
    for m in mentions:
        if m.source == "name":
            key = entity_key(m.text, lex)
            groups.setdefault(key, _Group(key)).mentions.append(m)
    for short, (full, part) in sorted(_person_part_merges(groups, onto).items()):
        if short == full or full not in groups:
            continue
        moved = groups.pop(short)
        reason = f"'{moved.mentions[0].text}' is the {part} of '{groups[full].mentions[0].text}'"
        for m in moved.mentions:
            if m.votes and m.votes[0][0] != "Person":
                reason += " (its own context disagreed)"
        groups[full].absorb(moved, reason)

    for short, full in sorted(_short_name_merges(groups, onto, lex).items()):
        moved = groups.pop(short)
        groups[full].absorb(
            moved,
            f"'{moved.mentions[0].text}' is '{groups[full].mentions[0].text}' without the word "
            "that says what kind of organisation it is",
        )

    for short, full in sorted(_acronym_merges(groups).items()):
        moved = groups.pop(short)
        groups[full].absorb(
            moved,
            f"'{moved.mentions[0].text}' is the acronym given in brackets after "
            f"'{groups[full].mentions[0].text}'",
        )

    keys = {(m.start, m.end): key for key, g in groups.items() for m in g.mentions}
    classes: dict[str, str | None] = {
        key: (decide_class(g.evidence(), onto)[0] if g.evidence() else None)
        for key, g in groups.items()
    }
    # the description families each entity's names were presented by ("le groupe X")
    presented: dict[str, set[str]] = defaultdict(set)
    for key, group in groups.items():
        for m in group.mentions:
            if m.presented_as in lex.description_families:
                presented[key].add(lex.description_families[m.presented_as])
    families = set(lex.description_families.values())
    memory: dict[str, str] = {}
    resolved: list[tuple[Mention, str]] = []
    for m in sorted(mentions, key=lambda m: (m.start, m.end)):
        if m.source == "name":
            resolved.append((m, keys[(m.start, m.end)]))
            continue
        family = lex.description_families.get(m.cue, m.cue)
        if m.cue == LATTER:
            names = [
                k
                for n, k in resolved
                if n.source == "name"
                and n.end <= m.start
                and not (n.sentence == m.sentence and m.scope_start is not None)
            ]
            key, reason = (names[-1], "the last name before it") if names else (None, "")
        else:
            # "la start-up" is not what the article presented as "le groupe X"
            fitting = [
                (n, k)
                for n, k in resolved
                if family not in families or not presented[k] or family in presented[k]
            ]
            # "X, une start-up qui ..." then "la jeune pousse": what the article presented so
            own = frozenset(k for _, k in fitting if family in presented[k])
            key, reason = _antecedent(m, fitting, memory, classes, onto, family, own)
        if key is None:
            continue
        memory[family] = key
        keys[(m.start, m.end)] = key
        groups[key].mentions.append(m)
        groups[key].merges.append(f"'{m.text}' (sentence {m.sentence}) refers to it: {reason}")
        resolved.append((m, key))
    for group in groups.values():
        group.mentions.sort(key=lambda m: (m.start, m.end))
    return Resolution(groups=groups, keys=keys)


def _label_and_aliases(names: Sequence[Mention]) -> tuple[str, tuple[str, ...]]:
    forms = Counter(unicodedata.normalize("NFC", m.text) for m in names)
    first = {}
    for m in names:
        first.setdefault(unicodedata.normalize("NFC", m.text), m.start)
    label = sorted(forms, key=lambda f: (-forms[f], -len(f), first[f]))[0]
    return label, tuple(sorted(f for f in forms if f != label))


def finalize_entities(
    resolution: Resolution, extra_votes: dict[str, list[tuple[str, float]]], *, onto: Ontology
) -> tuple[Entity, ...]:
    """Entities with their final class: their mentions' votes plus the roles they play."""
    entities = []
    for key, group in sorted(resolution.groups.items()):
        names = [m for m in group.mentions if m.source == "name"]
        label, aliases = _label_and_aliases(names)
        cls, _ = decide_class(group.votes() + extra_votes.get(key, []), onto)
        entities.append(
            Entity(
                key=key,
                label=label,
                cls=cls,
                aliases=aliases,
                mentions=tuple(group.mentions),
                merges=tuple(group.merges),
            )
        )
    return tuple(entities)
