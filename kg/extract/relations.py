"""Binary relations between entities, triggered by the ontology's cues.

Each property of ``ontology.ttl`` lists the words that express it: verbs whose subject is
the property's subject (``kg:verbCue``) or its object (``kg:inverseVerbCue``), nouns
("collaboration avec X"), titles ("X, PDG de Y"), nouns naming the object ("la maison mère
de X") and prepositions ("derrière X"). The rules here only know these *kinds* of cue;
which words they are, and which classes a relation accepts, comes from the ontology.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable

from spacy.tokens import Token

from kg.extract.context import Context
from kg.extract.mentions import build_cues
from kg.extract.syntax import (
    DE_FORMS,
    CueIndex,
    clause_head,
    conjuncts,
    fold_word,
    has_en_clitic,
    is_demonym,
    is_plural,
    likened,
    strip_reflexive,
    tokens,
)
from kg.model import Fact, Relation, Value
from kg.ontology import Ontology
from kg.resolve import entity_key

__all__ = ["chained_relations", "find_relations", "ordered_relations", "text_order"]

_LIST_REACH = 6  # tokens from a verb to the plural noun announcing its listed objects
_OBJECT_DEPS = ("obj", "iobj", "obl", "obl:arg", "obl:mod", "nmod", "appos", "parataxis")
_OF = DE_FORMS | {"des", "chez"}
#: "PDG de X", "associée chez X", "responsable de l'innovation à la Banque X", "chercheur au
#: CHU de Y": the words before the organisation a title is held at
_HELD_AT = _OF | {"à", "au"}
_INDEFINITE = frozenset({"un", "une"})
_DEMONYM_REACH = 4  # tokens before a name where the demonym presenting it may stand
_DEMONYM_PREFIX = 4  # first letters a demonym's stem shares with its place ("rouenn", "rouen")
_FORMER = frozenset({"ancien", "ancienne", "ex", "ex-", "futur", "future", "ex-patron"})
#: Adverbs saying a title is held now, between a name's comma and the title.
_PRESENT_ADVERBS = frozenset({"actuellement", "aujourd'hui", "désormais", "toujours", "encore"})
_TITLE_REACH = 7
#: Verbs that give a person the title after them ("X a été nommée présidente de Y").
_BECOMING = frozenset({"être", "devenir", "rester", "nommer", "désigner", "élire", "promouvoir"})
#: Words between a person and the title given to them: "nommée au poste de directrice".
_APPOINTING = (("au", "poste", "de"), ("au", "poste", "d'"), ("comme",), ("en", "tant", "que"))
#: Tokens an apposition may run before the maker it names (", un modèle open source de Y").
_APPOSITION_REACH = 12
#: Tokens a cue noun and its complements may run before the name they present.
_PRESENTING_REACH = 7
_ROUND_PROPERTIES = frozenset({"investsIn"})
#: Endings of a past participle, for one the tagger read as a name ("Cofondé en 2019 par").
_PARTICIPLE_ENDINGS = ("é", "ée", "és", "ées")
#: Words that may stand between a main clause's subject and its verb ("X n'a pas", "X l'a").
_BEFORE_VERB = frozenset({"ne", "n'", "l'", "la", "le", "les", "y", "en", "se", "s'", "lui"})
#: Words that may stand between "par" and the agents it names ("par les chercheurs A et B").
_AGENT_REACH = 4


_UNTIL = frozenset({"à", "jusqu'", "jusqu’"})


def _demonym_stem(word: str, endings: Iterable[str]) -> str:
    """'rennaise' -> 'renn', 'toulousaine' -> 'toulous': the demonym less its (folded)
    ending."""
    ending = max((e for e in endings if word.endswith(e)), key=len, default="")
    return word[: len(word) - len(ending)]


def _common_prefix(a: str, b: str) -> int:
    return sum(
        1 for _ in itertools.takewhile(lambda pair: pair[0] == pair[1], zip(a, b, strict=False))
    )


def _reads_as_verb(tok: Token) -> bool:
    """A verb, or a lower-case word the tagger could not read ("Ordalis édite/X Routéo")."""
    return tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "X" and tok.text.islower())


def _ended(verb: Token) -> bool:
    """The verb's state ended at a year it names: 'de 2019 à 2024' (the end year hung on the
    verb or on the start year), 'jusqu'en 2023'."""
    complements = [c for c in verb.children if c.dep_.startswith("obl")]
    years = complements + [g for c in complements for g in c.children if g.dep_ == "nmod"]
    return any(
        len(y.text) == 4
        and y.text.isdigit()
        and y.text[:2] in ("19", "20")
        and any(g.dep_ == "case" and fold_word(g.text) in _UNTIL for g in y.children)
        for y in years
    )


def _case(token: Token) -> str:
    """The preposition introducing a nominal complement ("avec" in "avec Z")."""
    return next((fold_word(c.text) for c in token.children if c.dep_ == "case"), "")


#: Possessive determiners: "son modèle", "leur plateforme".
_POSSESSIVES = frozenset({"son", "sa", "ses", "leur", "leurs"})


class _Cues:
    """The relation cues of an ontology, indexed once per ontology."""

    def __init__(self, onto: Ontology) -> None:
        props = [onto.properties[p] for p in onto.relation_properties()]
        self.verbs = CueIndex.build(
            [(strip_reflexive(c), f"{p.name}:direct") for p in props for c in p.verb_cues]
            + [
                (strip_reflexive(c), f"{p.name}:inverse")
                for p in props
                for c in p.inverse_verb_cues
            ]
        )
        self.nouns = CueIndex.build((c, p.name) for p in props for c in p.noun_cues)
        self.inverse_nouns = CueIndex.build((c, p.name) for p in props for c in p.inverse_noun_cues)
        self.titles = CueIndex.build((c, p.name) for p in props for c in p.title_cues)
        self.prepositions = CueIndex.build((c, p.name) for p in props for c in p.preposition_cues)
        self.topics = CueIndex.build((c, p.name) for p in props for c in p.topic_cues)
        self.appositions = CueIndex.build((c, p.name) for p in props for c in p.apposition_cues)
        self.successions = CueIndex.build((c, p.name) for p in props for c in p.succession_cues)
        self.context = {p.name: p.cue_context for p in props}
        self.class_nouns = build_cues(onto).class_nouns  # "le modèle", "la start-up"


@functools.cache
def _relation_cues(onto: Ontology) -> _Cues:
    return _Cues(onto)


class _Extractor:
    def __init__(
        self,
        ctx: Context,
        facts_in: dict[int, set[str]],
        subject_of_fact: dict[int, str],
        investees: dict[int, str],
    ) -> None:
        self.ctx = ctx
        self.cues = _relation_cues(ctx.onto)
        self.facts_in = facts_in
        self.subject_of_fact = subject_of_fact
        self.investees = investees
        self.found: dict[tuple[str, str, str, int], Relation] = {}

    def add(
        self,
        subject: str,
        prop: str,
        obj: str,
        trigger: Token,
        tokens: list[Token],
        modality: str | None = None,
        vote: bool = True,
    ) -> None:
        ctx = self.ctx
        info = ctx.onto.properties[prop]
        if subject == obj or not (ctx.fits(subject, info.domain) and ctx.fits(obj, info.range)):
            return
        if info.symmetric and obj < subject:
            subject, obj = obj, subject
        sentence = ctx.sentence[trigger.i]
        key = (subject, prop, obj, sentence)
        if key in self.found:
            return
        if vote:
            ctx.vote(subject, info.domain)
            ctx.vote(obj, info.range)
        self.found[key] = Relation(
            subject=subject,
            predicate=prop,
            object=obj,
            evidence=ctx.evidence(sentence, [trigger, *tokens]),
            modality=modality or ctx.modality(trigger),
        )

    # -- objects of a verb or noun -----------------------------------------------------
    def object_keys(self, head: Token) -> list[str]:
        """Entities a verb or noun takes as complements, looking through cue nouns."""
        keys: list[str] = []
        for child in head.children:
            # a name the parser took for a verb's complement clause ("prépare déjà Kora-3")
            misread = (
                child.dep_ == "xcomp"
                and child.i > head.i
                and (child.pos_ == "PROPN" or self.ctx.key(child) is not None)
            )
            if not misread and (
                child.dep_ not in _OBJECT_DEPS
                or (child.i < head.i and child.dep_ != "obj")
                or likened(child)
            ):
                continue
            for tok in conjuncts(child):
                key = self.ctx.key(tok)
                if key:
                    keys.append(key)
                elif tok.pos_ == "NOUN":
                    # through the object noun ("des informations pour X"), a cue noun ("deux
                    # modèles : A et B") or a name right after the noun ("la constellation X"),
                    # not a place phrase ("dans son siège de X")
                    through = child.dep_ == "obj" or bool(
                        self.cues.class_nouns.match(self.ctx.doc, tok.i)
                    )
                    keys.extend(
                        k
                        for grand in tok.children
                        if grand.dep_ in ("nmod", "appos", "flat", "amod")
                        and (through or grand.i == tok.i + 1)
                        for k in self.ctx.keys_of([grand])
                    )
        if head.pos_ in ("VERB", "AUX"):
            keys += self._listed_objects(head)
        return list(dict.fromkeys(keys))

    def _listed_objects(self, verb: Token) -> list[str]:
        """'a présenté deux modèles de langage, A et B', '... modèles : A, son modèle phare,
        et B': the names listed after the plural cue noun the verb takes, however parsed."""
        ctx, doc = self.ctx, self.ctx.doc
        sentence = ctx.sentence[verb.i]
        for tok in doc[verb.i + 1 : min(len(doc), verb.i + _LIST_REACH)]:
            if ctx.sentence[tok.i] != sentence or tok.text in (",", ":") or tok.i in ctx.token_key:
                return []
            if tok.pos_ == "NOUN" and is_plural(tok) and self.cues.class_nouns.match(doc, tok.i):
                return ctx.listed_after(tok.i + 1, sentence, (",", ":"))
        return []

    # -- rules -------------------------------------------------------------------------
    def verbs(self) -> None:
        doc = self.ctx.doc
        for tok in tokens(doc):
            if not _reads_as_verb(tok):
                continue
            matches = self.cues.verbs.match(doc, tok.i)
            if matches and _ended(tok):
                continue  # "qui a dirigé X de 2019 à 2024": over, says nothing of today
            if matches and self._as_title(tok):
                continue  # "X, associée chez Y": a title the tagger read as a participle
            for _, payload in matches:
                prop, direction = payload.split(":")
                subs, objs = self.ctx.subject_keys(tok), self.object_keys(tok)
                info = self.ctx.onto.properties[prop]
                if fold_word(tok.lemma_).startswith("co") or (subs and objs and not info.symmetric):
                    # "X a cofondé Y avec Z", "X a fondé Y en 2017 avec le chimiste Z": Z is a
                    # co-subject (a symmetric verb's "avec" is its object: "X négocie avec Z")
                    partners = self.ctx.keys_of(
                        c for c in tok.children if c.dep_.startswith("obl") and _case(c) == "avec"
                    )
                    subs += partners
                    objs = [o for o in objs if o not in partners]
                if self.ctx.passive(tok):
                    agents = self.ctx.agents(tok)
                    if agents:
                        subs, objs = agents, subs
                    elif direction == "direct":
                        # "X a été entraîné sur Y": with no agent, the patient relates to the
                        # verb's complements ("sur Y") as its subject would
                        objs = [o for o in objs if o not in subs]
                    else:
                        subs, objs = [], subs
                if direction == "inverse":
                    subs, objs = objs, subs
                if not objs and info.range == "Organization" and prop in _ROUND_PROPERTIES:
                    # "ont investi dans l'opération": the company of the round just reported
                    sentence = self.ctx.sentence[tok.i]
                    objs = [
                        self.investees[s]
                        for s in (sentence, sentence - 1, sentence - 2)
                        if s in self.investees
                    ][:1]
                if not objs and has_en_clitic(tok):
                    objs = [k for k in [self.en_referent(tok, subs)] if k]
                pairs = [(s, o) for s in subs for o in objs]
                if info.symmetric and not objs:
                    pairs = [(a, b) for i, a in enumerate(subs) for b in subs[i + 1 :]]
                for s, o in pairs:
                    self.add(s, prop, o, tok, [])

    def _as_title(self, tok: Token) -> bool:
        """A bare participle after a comma that is also a title cue ("X, associée chez Y")."""
        doc = self.ctx.doc
        return (
            tok.i > 0
            and doc[tok.i - 1].text == ","
            and not any(c.dep_.startswith("aux") for c in tok.children)
            and bool(self.cues.titles.match(doc, tok.i))
        )

    def fronted_participles(self) -> None:
        """A sentence that opens on a participle cue tells who did it to the main clause's
        subject: 'Fondée en 2021 par les chercheurs A et B, tous deux passés par X, Brindel
        emploie ...', 'Cofondé en 2019 par A, son patron, et par B, ..., Brindel équipe ...'.

        Read from the words, not the parse: the parser often takes the participle for a name
        and hangs the agents anywhere.
        """
        ctx, doc = self.ctx, self.ctx.doc
        for start in sorted(ctx.sentence_starts):
            opener = doc[start]
            if not (
                "Part" in opener.morph.get("VerbForm")
                or fold_word(opener.text).endswith(_PARTICIPLE_ENDINGS)
            ):
                continue
            for _, payload in self.cues.verbs.match(doc, start):
                prop, direction = payload.split(":")
                sentence = ctx.sentence[start]
                subject = self._main_subject(start, sentence)
                if subject is None:
                    continue
                agents = self._par_agents(start, subject[1], sentence)
                for agent in agents:
                    pair = (agent, subject[0]) if direction == "direct" else (subject[0], agent)
                    self.add(pair[0], prop, pair[1], opener, [])
                if not agents and direction == "direct":
                    # "Entraîné sur 1 024 GPU X, le modèle ...": with no agent, the subject
                    # relates to the participle's complements as a passive subject does
                    for obj in self._phrase_names(start + 1, subject[1], sentence):
                        self.add(subject[0], prop, obj, opener, [])

    def _main_subject(self, start: int, sentence: int) -> tuple[str, int] | None:
        """The entity after a comma that a verb follows: the subject of the main clause once an
        opening phrase is over (its key, and the comma's index)."""
        ctx, doc = self.ctx, self.ctx.doc
        end = ctx.sentence_bounds[sentence][1]
        for comma in range(start + 1, end - 1):
            if doc[comma].text != ",":
                continue
            # "Fondée par A, Brindel ...", "..., la jeune pousse ...", "..., le modèle Kora-3 ..."
            found = ctx.described_name_after(comma + 1, sentence, end)
            if found is None:
                continue
            j = found[1] + 1
            while j < end and (doc[j].pos_ == "ADV" or fold_word(doc[j].text) in _BEFORE_VERB):
                j += 1
            if j < end and _reads_as_verb(doc[j]):
                return found[0], comma
        return None

    def _par_agents(self, start: int, end: int, sentence: int) -> list[str]:
        """The entities of the opening phrase's "par" phrases: the first one, and those that
        "et par" adds ("par A, son patron, et par B"), not a "par" of another verb ("passés
        par X")."""
        ctx, doc = self.ctx, self.ctx.doc
        keys: list[str] = []
        first = True
        for j in range(start + 1, end):
            if fold_word(doc[j].text) != "par" or not (first or doc[j - 1].text == "et"):
                continue
            first = False
            # "par les chercheurs A et B"
            found = ctx.described_name_after(j + 1, sentence, end, reach=_AGENT_REACH)
            while found:
                keys.append(found[0])
                after = found[1] + 1
                found = (
                    ctx.described_name_after(after + 1, sentence, end)
                    if after + 1 < end and doc[after].text == "et"
                    else None
                )
        # "par A, une ingénieure passée par X, et B, un ancien de Y": a coordinate of the
        # first agent, of its kind, after the appositions that describe it
        if keys:
            kind = ctx.classes[keys[0]][0]
            for j in range(start + 1, end - 1):
                if doc[j].text == "et" and doc[j - 1].text == ",":
                    found = ctx.described_name_after(j + 1, sentence, end)
                    if found and ctx.classes[found[0]][0] == kind:
                        keys.append(found[0])
        return list(dict.fromkeys(keys))

    def _phrase_names(self, start: int, end: int, sentence: int) -> list[str]:
        """The entities of the opening phrase's first complement ("sur 1 024 GPU X"): the
        names up to its first comma, after a preposition."""
        ctx, doc = self.ctx, self.ctx.doc
        found: list[str] = []
        seen_preposition = False
        for j in range(start, end):
            if doc[j].text == ",":
                break
            seen_preposition = seen_preposition or doc[j].pos_ == "ADP"
            key = ctx.token_key.get(j)
            if key and seen_preposition and key not in found:
                found.append(key)
        return found

    def nouns(self) -> None:
        doc = self.ctx.doc
        for tok in tokens(doc):
            if tok.pos_ not in ("NOUN", "PROPN"):
                continue
            for _, prop in self.cues.nouns.match(doc, tok.i):
                complements = [c for c in tok.children if c.dep_ == "nmod"]
                # "le rachat de Y par X": the agent of the noun's action is its subject
                agents = self.ctx.keys_of(c for c in complements if _case(c) == "par")
                objs = self.ctx.keys_of(c for c in complements if _case(c) != "par")
                before = tok.i - 1 if tok.i > 0 and doc[tok.i - 1].pos_ != "DET" else tok.i - 2
                described = (
                    self.ctx.mention_before(before, self.ctx.sentence[tok.i])
                    if before > 0 and doc[before].text == ","
                    else None
                )
                if agents:
                    subs = agents
                elif described:  # "Tolvane, partenaire de Kyra": the name before the comma
                    subs = [described[0]]
                elif tok.dep_ == "appos" and self.ctx.key(tok.head):
                    subs = [self.ctx.key(tok.head) or ""]
                else:
                    subs = self.ctx.subject_keys(clause_head(tok))
                pairs = [(s, o) for s in subs for o in objs]
                if not objs and self.ctx.onto.properties[prop].symmetric:
                    # "X et Y ont annoncé un partenariat": the coordinated subjects
                    pairs = [(a, b) for i, a in enumerate(subs) for b in subs[i + 1 :]]
                for s, o in pairs:
                    self.add(s, prop, o, tok, [])

    def inverse_nouns(self) -> None:
        """'Y, la maison mère de X' / 'la maison mère de X' (resolved to Y): X prop Y."""
        doc = self.ctx.doc
        for tok in tokens(doc):
            for end, prop in self.cues.inverse_nouns.match(doc, tok.i):
                owner = self.ctx.key(tok) or (
                    self.ctx.key(tok.head) if tok.dep_ == "appos" else None
                )
                if not owner:
                    continue
                last = doc[end - 1]
                for child in (*tok.children, *last.children):
                    if child.dep_ == "nmod":
                        for obj in self.ctx.keys_of([child]):
                            self.add(obj, prop, owner, tok, [child])

    def titles(self) -> None:
        """'X, PDG de Y', 'le PDG de Y, X', 'X est le PDG de Y', 'X, cofondateur et directeur
        scientifique de Y', 'X, directrice de l'IA chez Y'. A former title ("ancien PDG",
        "ex-directrice") says nothing about today and is skipped."""
        ctx, doc = self.ctx, self.ctx.doc
        for tok in tokens(doc):
            matches = self.cues.titles.match(doc, tok.i)
            longest = matches[0][0] if matches else 0
            # "directrice générale" is a CEO, not also a "directrice": the longest title wins
            for end, prop in (m for m in matches if m[0] == longest):
                sentence = ctx.sentence[tok.i]
                if tok.i > 0 and fold_word(doc[tok.i - 1].text) in _FORMER:
                    continue
                last = self._title_chain_end(end, sentence)
                org = self._title_organization(last, sentence)
                if not org and self._possessive_title(tok.i):
                    # "son cofondateur et directeur général, Théo Lambin": the company the
                    # sentence is about
                    topic = self._possessor(tok.i, sentence) or ctx.salient(
                        sentence, "Organization"
                    )
                    org = (topic, last - 1) if topic else None
                if not org and (owner := self._dont_owner(tok.i, sentence)):
                    # "Kelvane, dont le PDG Paul Vidrac ...", "X, dont la directrice, Y, ..."
                    after = last + 1 if last < len(doc) and doc[last].text == "," else last
                    person = ctx.mention_after(after, sentence, skip_det=False)
                    if person:
                        self.add(person[0], prop, owner, tok, [])
                    continue
                if not org and (appointee := self._appointee(tok.i, sentence)):
                    # "la nomination de X au poste de directrice générale", "Y est nommé
                    # directeur financier": of the organisation the sentence is about
                    appointer = self._appointer(tok, sentence, appointee)
                    if appointer:
                        self.add(appointee, prop, appointer, tok, [], ctx.modality(tok))
                    continue
                if not org and tok.head.pos_ in ("VERB", "AUX") and has_en_clitic(tok.head):
                    # "B, qui en est aujourd'hui le directeur général"
                    people = ctx.subject_keys(tok.head)
                    topic = self.en_referent(tok.head, people)
                    if topic and people:
                        self.add(people[0], prop, topic, tok, [], ctx.modality(tok.head))
                        continue
                    org = (topic, tok.i) if topic else None
                if not org:
                    continue
                start = tok.i
                while start > 0 and (
                    doc[start - 1].pos_ == "DET"
                    or (doc[start - 1].text == "et" and self.cues.titles.match(doc, start - 2))
                    or self.cues.titles.match(doc, start - 1)
                ):
                    start -= 1  # "son cofondateur et directeur général": the chain's start
                person, modality = None, "Asserted"  # an appositive title is taken as given
                lead = start
                while lead > 0 and fold_word(doc[lead - 1].text) in _PRESENT_ADVERBS:
                    lead -= 1  # "X, actuellement directrice de Y"
                if (
                    lead > 3
                    and doc[lead - 1].text == doc[lead - 4].text == ","
                    and doc[lead - 3].like_num
                    and fold_word(doc[lead - 2].text) == "ans"
                ):
                    lead -= 3  # "X, 47 ans, directrice de Y"
                if lead > 0 and doc[lead - 1].text == ",":
                    person = ctx.mention_before(lead - 1, sentence)
                    if person and fold_word(doc[person[1] - 1].text) in _OF:
                        person = None  # "une ancienne de X, son fondateur": X is no person
                elif start > 0 and doc[start - 1].lemma_ in _BECOMING:
                    person = ctx.mention_before(start - 1, sentence)
                    modality = ctx.modality(doc[start - 1])
                people: list[str] = []
                if person is None and org[1] + 2 < len(doc) and doc[org[1] + 1].text == ",":
                    person = ctx.mention_after(org[1] + 2, sentence, skip_det=False)
                    # "ses deux fondateurs, A et B": the title is both's
                    j = person[1] + 1 if person else len(doc)
                    if j + 1 < len(doc) and doc[j].text == "et":
                        other = ctx.mention_after(j + 1, sentence, skip_det=False)
                        people = [other[0]] if other else []
                # a title is a person's ("Selon L'Agefi, le cofondateur de Y": not L'Agefi)
                if person and person[0] not in ctx.sources(sentence):
                    self.add(person[0], prop, org[0], tok, [doc[org[1]]], modality)
                    for other in people:
                        self.add(other, prop, org[0], tok, [doc[org[1]]], modality)

    def successions(self) -> None:
        """'Il sera remplacé par X', 'X succède à Y': the successor takes the titles the
        article gives the person they replace, for the properties whose ``kg:successionCue`` the
        verb is (a passive's agent replaces its subject; an active's subject its object)."""
        ctx, doc = self.ctx, self.ctx.doc
        for tok in tokens(doc):
            if not _reads_as_verb(tok):
                continue
            props = {p for _, p in self.cues.successions.match(doc, tok.i)}
            if not props:
                continue
            if ctx.passive(tok):
                successors, predecessors = ctx.agents(tok), ctx.subject_keys(tok)
                if not predecessors and any(
                    c.dep_.startswith("nsubj") and c.pos_ == "PRON" for c in tok.children
                ):
                    # "Il sera remplacé par X": the person the previous sentence is about
                    predecessors = [
                        k
                        for k in ctx.subjects_by_sentence.get(ctx.sentence[tok.i] - 1, [])
                        if ctx.classes[k][0] == "Person"
                    ][:1]
            else:
                successors = ctx.subject_keys(tok)
                predecessors = self.object_keys(tok)
            if not successors or not predecessors:
                continue
            successor = successors[0]
            held = {
                (prop, obj)
                for (subject, prop, obj, _) in self.found
                if subject == predecessors[0] and prop in props
            }
            for prop, obj in sorted(held):
                self.add(successor, prop, obj, tok, [], ctx.modality(tok))

    def _dont_owner(self, i: int, sentence: int) -> str | None:
        """The name a "dont" before the title at token ``i`` stands for ("X, dont le PDG")."""
        ctx, doc = self.ctx, self.ctx.doc
        j = i - 1
        while j > 0 and doc[j].pos_ == "DET":
            j -= 1
        if j <= 0 or fold_word(doc[j].text) != "dont":
            return None
        k = j - 1 if doc[j - 1].text == "," else j
        found = ctx.mention_before(k, sentence)
        return found[0] if found and ctx.fits(found[0], "Organization") else None

    def _appointee(self, i: int, sentence: int) -> str | None:
        """The person a title at token ``i`` is given to: 'X au poste de <title>', 'X comme
        <title>', 'X est nommé <title>'."""
        ctx, doc = self.ctx, self.ctx.doc
        j = i - 1
        while j > 0 and doc[j].pos_ == "DET":
            j -= 1
        for phrase in _APPOINTING:
            k = j - len(phrase) + 1
            if k > 0 and [fold_word(t.text) for t in doc[k : j + 1]] == list(phrase):
                j = k - 1
                break
        else:
            if j <= 0 or doc[j].lemma_ not in _BECOMING:
                return None
            j -= 1
            while j > 0 and doc[j].pos_ == "AUX":  # "a été nommée"
                j -= 1
        found = ctx.mention_before(j + 1, sentence)
        return found[0] if found and ctx.classes[found[0]][0] == "Person" else None

    def _appointer(self, title: Token, sentence: int, appointee: str) -> str | None:
        """The organisation that appoints: the subject of the sentence's main verb ('La
        fintech a annoncé la nomination de ...'), else the one most in focus."""
        root = next(t for t in self.ctx.sentence_tokens(sentence) if t.dep_ == "ROOT")
        subjects = [
            k
            for k in self.ctx.subject_keys(root)
            if k != appointee and self.ctx.fits(k, "Organization")
        ]
        if subjects:
            return subjects[0]
        return self.ctx.salient(sentence, "Organization", exclude=frozenset({appointee}))

    def en_referent(self, verb: Token, exclude: list[str]) -> str | None:
        """What the clitic "en" of ``verb`` stands for: in a sentence that opens on a
        participle ("Lancée par A et B, qui en est le directeur général, la start-up ..."), the
        main clause's subject; else the organisation most in focus before the sentence."""
        ctx = self.ctx
        sentence = ctx.sentence[verb.i]
        first = ctx.sentence_bounds[sentence][0]
        if "Part" in ctx.doc[first].morph.get("VerbForm"):
            found = self._main_subject(first, sentence)
            if found and found[0] not in exclude:
                return found[0]
        return ctx.salient(sentence, "Organization", exclude=frozenset(exclude), before=True)

    def _possessor(self, i: int, sentence: int) -> str | None:
        """The organisation a possessive at token ``i`` refers to: the sentence's subject
        named before it, else the previous sentence's ("Brindel rachète X. Sa directrice, ...")."""
        ctx = self.ctx
        for s in (sentence, sentence - 1):
            for key in ctx.subjects_by_sentence.get(s, []):
                first = ctx.first_token(key, s)
                # with the roles played so far: NER reads many companies as places
                if (
                    first is not None
                    and (s < sentence or first < i)
                    and ctx.onto.is_a(ctx.class_now(key)[0], "Organization")
                ):
                    return key
        return None

    def _possessive_title(self, i: int) -> bool:
        doc = self.ctx.doc
        while i > 0 and (doc[i - 1].text == "et" or self.cues.titles.match(doc, i - 1)):
            i -= 1
        if i > 0 and doc[i - 1].pos_ == "NUM":
            i -= 1  # "ses deux fondateurs"
        return i > 0 and fold_word(doc[i - 1].text) in ("son", "sa", "ses", "leur", "leurs")

    def _title_chain_end(self, end: int, sentence: int) -> int:
        """Past coordinated titles: 'cofondateur et directeur général de Y' ends at 'général';
        past the adjectives of a title: 'sa directrice financière, X'."""
        doc = self.ctx.doc
        while end < len(doc) and doc[end].pos_ == "ADJ" and self.ctx.sentence[end] == sentence:
            end += 1
        while end + 1 < len(doc) and doc[end].text == "et" and self.ctx.sentence[end] == sentence:
            following = self.cues.titles.match(doc, end + 1)
            if not following:
                break
            end = following[0][0]
        return end

    def _title_organization(self, end: int, sentence: int) -> tuple[str, int] | None:
        """The organisation after a title: 'de Y', 'chez Y', 'de l'IA générative chez Y'."""
        doc, ctx = self.ctx.doc, self.ctx
        for j in range(end, min(len(doc) - 1, end + _TITLE_REACH)):
            if ctx.sentence[j] != sentence or doc[j].pos_ in ("VERB", "AUX", "PUNCT"):
                return None
            if (
                doc[j].text[:1].isupper()
                and j not in ctx.token_key
                and fold_word(doc[j].text) not in ctx.lex.common_capitalised
            ):
                # an unrecognised name stands between: the title is about it (not a common
                # acronym: "directrice de l'IA générative chez X")
                return None
            if fold_word(doc[j].text) in _HELD_AT:
                org = ctx.mention_after(j + 1, sentence) or self._named_after(j + 1, sentence)
                if org and ctx.fits(org[0], "Organization"):
                    return org
        return None

    def prepositions(self) -> None:
        """'derrière X' in a ranking, 'basée à X': the nearest fitting entity on the left."""
        ctx, doc = self.ctx, self.ctx.doc
        for tok in tokens(doc):
            for end, prop in self.cues.prepositions.match(doc, tok.i):
                sentence = ctx.sentence[tok.i]
                needed = self.cues.context[prop]
                if needed and needed not in self.facts_in.get(sentence, set()):
                    continue
                target = ctx.mention_after(end, sentence)
                if not target:
                    continue
                if needed:  # "derrière X" is about the item the fact ranks, or nothing
                    subject = self.subject_of_fact.get(sentence)
                else:
                    subject = self.nearest_left(tok.i, sentence, prop) or self.nearest_right(
                        target[1] + 1, sentence, prop
                    )
                if subject:
                    self.add(subject, prop, target[0], tok, [doc[target[1]]])

    def appositions(self) -> None:
        """'X, une PME de Y', 'X, une jeune pousse de Y': a noun of the subject's class in
        apposition to a name, then a cue of the property and its object."""
        ctx, doc = self.ctx, self.ctx.doc
        for (start, end), key in sorted(ctx.resolution.keys.items()):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or span.end + 3 >= len(doc) or doc[span.end].text != ",":
                continue
            if doc[span.end + 1].pos_ != "DET" or doc[span.end + 1].text.lower() not in _INDEFINITE:
                continue  # "X, la filiale de Y" names Y's part, not where X is
            j = span.end + 2
            while j < len(doc) - 1 and doc[j].pos_ == "ADJ":
                j += 1
            nouns = self.cues.class_nouns.match(doc, j)
            if not nouns:
                continue
            after = nouns[0][0]
            while after < len(doc) and doc[after].pos_ == "ADJ":
                after += 1
            sentence = ctx.sentence[span.start]
            for cue_end, prop in self.cues.appositions.match(doc, after):
                info = ctx.onto.properties[prop]
                if not any(ctx.onto.is_a(cls, info.domain) for _, cls in nouns):
                    continue
                target = ctx.mention_after(cue_end, sentence, skip_det=False)
                if target and ctx.onto.is_a(ctx.classes[target[0]][0], info.range):
                    self.add(key, prop, target[0], doc[after], [doc[target[1]]])

    def topics(self) -> None:
        """'Kora-2, un modèle maison entraîné sur ...': a word of the description after a name
        says the name's maker is the organisation the article is about."""
        ctx, doc = self.ctx, self.ctx.doc
        for tok in tokens(doc):
            for _, prop in self.cues.topics.match(doc, tok.i):
                before = doc[tok.i - 1] if tok.i > 0 else tok
                if not before.text.isalpha() or not before.text.islower() or before.pos_ == "DET":
                    continue  # "la maison": a noun, not a modifier
                sentence = ctx.sentence[tok.i]
                described = self._described(tok.i, sentence)
                if described is None:
                    continue
                info = ctx.onto.properties[prop]
                # the topic so far: the names of this sentence are what the model is used with
                topic = ctx.salient(
                    sentence, info.range, exclude=frozenset({described}), before=sentence > 0
                )
                if topic:
                    self.add(described, prop, topic, tok, [])

    def demonyms(self) -> None:
        """'La start-up rennaise Aldavia' ... 'à Rennes': a demonym in the words that present
        an organisation, formed on the name of a place the article names, relates the two by
        the properties marked ``kg:demonymCue``. Told by spelling (the place's name and the
        demonym less its ending share their first letters), so no list of places is needed."""
        ctx, doc = self.ctx, self.ctx.doc
        props = [p for p in ctx.onto.properties.values() if p.by_demonym]
        if not props:
            return
        endings = {entity_key(e) for e in ctx.lex.demonym_endings}  # folded like the stems
        one_word: dict[str, set[str]] = {}  # "Rennes", not "Saint-Ouen" or "Nouvelle-Aquitaine"
        for (start, end), key in ctx.resolution.keys.items():
            if ctx.text[start:end].isalpha():
                one_word.setdefault(key, set()).add(entity_key(ctx.text[start:end]))
        for (start, end), key in sorted(ctx.resolution.keys.items()):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            sentence = ctx.sentence[span.start]
            for j in range(span.start - 1, max(-1, span.start - _DEMONYM_REACH), -1):
                tok = doc[j]
                if ctx.sentence[j] != sentence or tok.is_punct or ctx.token_key.get(j, key) != key:
                    break  # "La start-up rennaise Aldavia": the words presenting the name only
                if not is_demonym(tok, ctx.lex.demonym_endings):
                    continue
                stem = _demonym_stem(entity_key(tok.text), endings)
                for place, names in sorted(one_word.items()):
                    if place == key or not any(
                        _common_prefix(stem, name) >= _DEMONYM_PREFIX for name in names
                    ):
                        continue
                    for prop in props:
                        if ctx.onto.is_a(ctx.classes[place][0], prop.range):
                            self.add(key, prop.name, place, tok, [])

    def _described(self, i: int, sentence: int) -> str | None:
        """The entity named right before the comma that opens the description holding token
        ``i`` ("Kora-2, un modèle de prévision maison"), if any."""
        ctx, doc = self.ctx, self.ctx.doc
        for j in range(i - 1, max(-1, i - _APPOSITION_REACH), -1):
            if ctx.sentence[j] != sentence or doc[j].pos_ in ("VERB", "AUX", "PRON"):
                return None
            if doc[j].text == ",":
                found = ctx.mention_before(j, sentence)
                return found[0] if found else None
        return None

    def nearest_right(self, i: int, sentence: int, prop: str) -> str | None:
        """'Basée à Annecy, Kalio ...', 'Installée à Annecy depuis 2012, l'entreprise ...': the cue
        opens the sentence, its subject follows the clause's comma."""
        ctx = self.ctx
        domain = ctx.onto.properties[prop].domain
        window = range(i, min(len(ctx.doc), i + 4))
        comma = ctx.opening_phrase_end(i, reach=10)
        if comma is not None and ctx.doc[comma].text == ",":
            window = range(comma + 1, min(len(ctx.doc), comma + 4))
        for j in window:
            key = ctx.token_key.get(j)
            if ctx.sentence[j] != sentence:
                return None
            if key and ctx.fits(key, domain):
                return key
        return None

    def possessives(self) -> None:
        """An artefact and the organisation that makes it, told by the noun phrase it names:

        * 'le moteur Forge Engine d'Epico Games', 'Gemma 3 d'Intex': "de" and the
          organisation right after the name;
        * 'Gemma 3, un modèle open source d'Intex': the same in an apposition after it;
        * 'son assistant vocal, Hélia', 'sa plateforme Hélia': a possessive determiner, whose
          owner is the organisation the sentence, or else the one before, has for subject
          (the one most in focus guesses wrong too often: "son" follows the nearest subject).
        """
        ctx, doc = self.ctx, self.ctx.doc
        for (start, end), key in sorted(ctx.resolution.keys.items()):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or span.end + 1 >= len(doc):
                continue
            # with the roles played so far: "Nova Large" is a model once ranked among models
            cls, score = ctx.class_now(key)
            if not ctx.onto.is_a(cls, "Artifact") or score <= 0:
                continue
            sentence = ctx.sentence[span.start]
            owner = self._owner_after(span.end, sentence, key)
            # told by a noun phrase, the maker is taken for granted whatever the clause says of
            # the artefact ("Kora-3, d'Orvane, n'a pas été évalué")
            if owner:
                self.add(
                    key,
                    "developedBy",
                    owner[0],
                    doc[owner[1]],
                    [doc[owner[1]], *span],
                    modality="Asserted",
                )
                continue
            determiner = self._possessive_before(span.start, sentence)
            # "son cluster X" is hardware it owns or runs, not hardware it makes
            if determiner is not None and not ctx.onto.is_a(ctx.classes[key][0], "Hardware"):
                found = next(
                    (
                        k
                        for s in (sentence, sentence - 1)
                        for k in ctx.subjects_by_sentence.get(s, [])
                        if k != key and ctx.onto.is_a(ctx.classes[k][0], "Organization")
                    ),
                    None,
                )
                if found:
                    self.add(
                        key, "developedBy", found, doc[determiner], [*span], modality="Asserted"
                    )

    def _owner_after(self, i: int, sentence: int, key: str) -> tuple[str, int] | None:
        """The organisation of "de Y" right after a name, or closing an apposition after it
        (", un modèle open source de Y")."""
        ctx, doc = self.ctx, self.ctx.doc
        if doc[i].text == "," and i + 1 < len(doc) and fold_word(doc[i + 1].text) in DE_FORMS:
            i += 1  # "Kora-3, d'Orvane, n'a pas été évalué"
        elif doc[i].text == "," and i + 1 < len(doc) and doc[i + 1].pos_ == "DET":
            j = i + 2
            while j < min(len(doc), i + _APPOSITION_REACH) and ctx.sentence[j] == sentence:
                if doc[j].pos_ in ("VERB", "AUX", "PUNCT", "PRON"):
                    return None
                if ctx.token_key.get(j, key) != key:  # another entity ("un modèle" is the name's)
                    return None
                # a name, not a description ("de la société"), which may be resolved wrong
                if fold_word(doc[j].text) in DE_FORMS and self._named_after(j + 1, sentence):
                    i = j
                    break
                j += 1
            else:
                return None
        if fold_word(doc[i].text) not in DE_FORMS:
            return None
        owner = self._named_after(i + 1, sentence)
        if owner and ctx.onto.is_a(ctx.classes[owner[0]][0], "Organization"):
            return owner
        return None

    def _named_after(self, i: int, sentence: int) -> tuple[str, int] | None:
        """The name at token ``i``, past a determiner and the cue nouns that present it ("de
        l'américain Orvane", "de la société française Korvel"); never a description."""
        ctx, doc = self.ctx, self.ctx.doc
        j = i
        while (
            j < min(len(doc), i + 4)
            and doc[j].text[:1].islower()
            and (
                doc[j].pos_ == "DET"
                or self.cues.class_nouns.match(doc, j)
                or is_demonym(doc[j], ctx.lex.demonym_endings)  # "de l'américain Orvane"
            )
        ):
            j += 1
        if j > i and doc[j - 1].pos_ != "DET":
            # past the cue, its complements: "la start-up de téléconsultation X" (never "de"
            # right before the name: "la start-up de X" is X's)
            while (
                j < min(len(doc), i + _PRESENTING_REACH)
                and j not in ctx.token_key
                and doc[j].text[:1].islower()
                and doc[j].pos_ in ("ADJ", "NOUN", "ADP")
            ):
                j += 1
            if doc[j - 1].pos_ == "ADP":
                return None
        if j >= len(doc) or not doc[j].text[:1].isupper():
            return None
        named = ctx.mention_after(j, sentence, skip_det=False)
        # the words presenting the name may be its naming phrase ("la société japonaise X"), but
        # not a description of another entity
        if named and any(ctx.token_key.get(k, named[0]) != named[0] for k in range(i, j)):
            return None
        return named

    def _possessive_before(self, start: int, sentence: int) -> int | None:
        """The possessive determiner of the noun phrase a name is given by: 'son assistant
        vocal, Hélia', 'sa plateforme Hélia' (its index), if any."""
        doc, ctx = self.ctx.doc, self.ctx
        j = start - 1
        if j >= 0 and doc[j].text == ",":
            j -= 1
        while j >= 0 and ctx.sentence[j] == sentence and doc[j].pos_ in ("NOUN", "ADJ"):
            j -= 1
        if j < 0 or j >= start - 1 or ctx.sentence[j] != sentence:
            return None
        return j if fold_word(doc[j].text) in _POSSESSIVES else None

    def nearest_left(self, i: int, sentence: int, prop: str) -> str | None:
        domain = self.ctx.onto.properties[prop].domain
        for j in range(i - 1, -1, -1):
            if self.ctx.sentence[j] != sentence:
                return None
            key = self.ctx.token_key.get(j)
            if key and self.ctx.fits(key, domain):
                return key
        return None

    def containment(self) -> None:
        """'Nexaria Cloud' next to 'Nexaria': an organisation named after another is part of
        it, and an artefact named after an organisation ('Nexaria Chat', 'Nexaria-7B') is its
        own.

        Runs last, on classes updated with the roles entities already play, and casts no
        vote: it is an inference from names, only drawn between known entities.
        """
        ctx = self.ctx
        names = {
            key: next((m.text for m in g.mentions if m.source == "name"), "")
            for key, g in ctx.resolution.groups.items()
        }
        classes = {key: ctx.class_now(key)[0] for key in ctx.resolution.groups}
        organizations = {key for key, cls in classes.items() if ctx.onto.is_a(cls, "Organization")}
        artifacts = {key for key, cls in classes.items() if ctx.onto.is_a(cls, "Artifact")}
        for key in sorted(organizations | artifacts):
            prop = "subOrganizationOf" if key in organizations else "developedBy"
            separators = (" ",) if key in organizations else (" ", "-")
            for parent in sorted(organizations - {key}):
                if not names[key].startswith(tuple(names[parent] + s for s in separators)):
                    continue
                first = next(m for m in ctx.resolution.groups[key].mentions if m.source == "name")
                span = ctx.doc.char_span(first.start, first.end, alignment_mode="expand")
                if span is not None:
                    self.add(key, prop, parent, span.root, list(span), vote=False)


def find_relations(
    ctx: Context,
    *,
    facts_by_sentence: dict[int, set[str]] | None = None,
    ranked_items: dict[int, str] | None = None,
    investees: dict[int, str] | None = None,
) -> list[Relation]:
    """Every binary relation the cues of the ontology find in ``ctx``, in text order.

    ``facts_by_sentence`` (fact classes per sentence) enables the cues that only apply next to
    a fact ("derrière X" in a ranking); ``ranked_items`` gives their subject per sentence and
    ``investees`` the company of the funding round reported in a sentence.
    """
    extractor = _Extractor(ctx, facts_by_sentence or {}, ranked_items or {}, investees or {})
    extractor.titles()
    extractor.successions()
    extractor.verbs()
    extractor.fronted_participles()
    extractor.nouns()
    extractor.inverse_nouns()
    extractor.prepositions()
    extractor.topics()
    extractor.appositions()
    extractor.possessives()
    extractor.containment()
    extractor.demonyms()
    return sorted(extractor.found.values(), key=text_order)


def text_order(relation: Relation) -> tuple[int, int, str, str, str]:
    """Relations in the order their evidence comes in the text (ties by their terms)."""
    r = relation
    return (r.evidence.start, r.evidence.end, r.predicate, r.subject, r.object)


def chained_relations(
    facts: Iterable[Fact], onto: Ontology, classes: dict[str, str]
) -> list[Relation]:
    """Relations the ontology's chains draw from facts: the investors of a funding round
    invest in its investee, an organisation holding a stake in another invested in it
    (``kg:investsIn``), with the fact's evidence and modality. ``classes`` are the entities'
    final classes, which a chain may restrict its first role to."""
    chains = [(p.name, chain) for p in onto.properties.values() for chain in p.fact_chains]
    found: dict[tuple[str, str, str], Relation] = {}
    for fact in facts:
        for prop, (from_role, to_role, from_class) in chains:
            subjects = [
                k
                for r, k in fact.roles
                if from_role in onto.property_ancestors(r)
                and (from_class is None or onto.is_a(classes.get(k, "Entity"), from_class))
            ]
            objects = [k for r, k in fact.roles if to_role in onto.property_ancestors(r)]
            for subject in subjects:
                for obj in objects:
                    if subject != obj:
                        found.setdefault(
                            (subject, prop, obj),
                            Relation(subject, prop, obj, fact.evidence, fact.modality),
                        )
    return list(found.values())


def ordered_relations(facts: Iterable[Fact], onto: Ontology) -> list[Relation]:
    """Relations the order of facts draws (``kg:orderedBy``): of the items one leaderboard
    ranks, each is ranked above the next one, with the evidence of the fact told later (where
    the text has said both) and its modality, unless the earlier one is less certain."""
    facts = list(facts)
    found: list[Relation] = []
    for prop in onto.properties.values():
        if not prop.ordered_by:
            continue
        for cls in onto.fact_classes():
            info = onto.classes[cls]
            holder, group = info.quantity_holder_role, info.quantity_complement_role
            if prop.ordered_by not in info.quantity_roles or not holder or not group:
                continue
            by_group: dict[str, dict[str, tuple[Value, Fact]]] = {}
            for fact in facts:
                item, board, value = (
                    fact.role(holder),
                    fact.role(group),
                    fact.value(prop.ordered_by),
                )
                if fact.cls != cls or item is None or board is None or value is None:
                    continue
                items = by_group.setdefault(board, {})
                if item not in items or value < items[item][0]:  # type: ignore[operator]
                    items[item] = (value, fact)
            for items in by_group.values():
                # items tied on a value are all above those of the next value
                ranks: dict[Value, list[tuple[str, Fact]]] = {}
                for item, (value, fact) in sorted(items.items()):
                    ranks.setdefault(value, []).append((item, fact))
                ordered = [ranks[v] for v in sorted(ranks)]  # type: ignore[type-var]
                for above, below in itertools.pairwise(ordered):
                    for (a, fa), (b, fb) in itertools.product(above, below):
                        later, earlier = sorted((fa, fb), key=lambda f: f.evidence.start)[::-1]
                        modality = (
                            later.modality if earlier.modality == "Asserted" else earlier.modality
                        )
                        found.append(Relation(a, prop.name, b, later.evidence, modality))
    return found
