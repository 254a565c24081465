"""Tests for eval/popcorn.py on a hand-written POPCORN-format file, without the spaCy model.

``build_documents`` is replaced by a function that returns hand-made ``kg.model`` extractions,
so span alignment, the type map, inverse and symmetric relation rules, modality filtering,
skipped texts and the P/R/F1 arithmetic are checked exactly.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from eval import popcorn
from kg.model import Document, Entity, Evidence, Extraction, Mention, Relation

D1 = (
    "Anne Dufour, présidente de l'association Vert Avenir, a fondé la société Iso Luxe à Annecy "
    "avec Marc Petit. Les salariés d'Iso Luxe fabriquent le flacon Azur, qui est vert. "
    "L'association Vert Avenir et la société Iso Luxe travaillent ensemble dans la région."
)
# English: make_document refuses it, so the text is skipped and its gold counts as missed.
D2 = "The police arrested John Smith in London yesterday after the fire."


def span(text: str, words: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the ``nth`` occurrence of ``words`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return start, start + len(words)


def mention(text: str, words: str, nth: int = 0) -> dict[str, object]:
    start, end = span(text, words, nth)
    return {"value": words, "start": start, "end": end}


def popcorn_json() -> dict[str, object]:
    flacon = [mention(D1, "flacon Azur")]
    return {
        "d1": {
            "text": D1,
            "entities": [
                {"id": 0, "mentions": [mention(D1, "Anne Dufour")], "type": "CIVILIAN"},
                {
                    "id": 1,
                    "mentions": [mention(D1, "Vert Avenir"), mention(D1, "Vert Avenir", 1)],
                    "type": "NON_GOVERNMENTAL_ORGANISATION",
                },
                {
                    "id": 2,
                    "mentions": [mention(D1, "Iso Luxe", n) for n in range(3)],
                    "type": "NON_GOVERNMENTAL_ORGANISATION",
                },
                {"id": 3, "mentions": [mention(D1, "Annecy")], "type": "PLACE"},
                {"id": 4, "mentions": flacon, "type": "MATERIEL"},
                # Attribute entities: POPCORN's JSON repeats the previous entity's mentions.
                {"id": 5, "value": "01/01/2022", "type": "TIME_EXACT", "mentions": flacon},
                {"id": 6, "type": "COLOR", "mentions": flacon},
                {"id": 7, "mentions": [mention(D1, "salariés")], "type": "GROUP_OF_INDIVIDUALS"},
                {"id": 8, "mentions": [mention(D1, "Marc Petit")], "type": "CIVILIAN"},
            ],
            "relations": [
                [0, "IS_PART_OF", 1],
                [7, "IS_PART_OF", 2],  # a group: not covered by the map
                [0, "HAS_CONTROL_OVER", 1],
                [0, "CREATED", 2],
                [2, "CREATED", 4],
                [1, "IS_COOPERATING_WITH", 2],
                [2, "OPERATES_IN", 3],
                [0, "GENDER_FEMALE", 0],
                [4, "HAS_COLOR", 6],
            ],
        },
        "d2": {
            "text": D2,
            "entities": [
                {
                    "id": 0,
                    "mentions": [mention(D2, "police")],
                    "type": "NON_MILITARY_GOVERNMENT_ORGANISATION",
                },
                {"id": 1, "mentions": [mention(D2, "John Smith")], "type": "CIVILIAN"},
                {"id": 2, "mentions": [mention(D2, "London")], "type": "PLACE"},
            ],
            "relations": [[0, "OPERATES_IN", 2], [1, "IS_LOCATED_IN", 2]],
        },
    }


def entity(key: str, cls: str, *spans: tuple[int, int]) -> Entity:
    mentions = tuple(Mention(s, e, D1[s:e], 0) for s, e in spans)
    return Entity(key=key, label=key, cls=cls, mentions=mentions)


def relation(subject: str, predicate: str, obj: str, modality: str = "Asserted") -> Relation:
    return Relation(subject, predicate, obj, Evidence(0, 0, len(D1)), modality)


def d1_extraction(document: Document) -> Extraction:
    entities = (
        entity("anne", "Person", span(D1, "Dufour")),  # part of the gold span
        entity("vertavenir", "Organization", span(D1, "association Vert Avenir")),
        entity("isoluxe", "Company", span(D1, "Iso Luxe")),  # Company is an Organization
        entity("iso", "Company", span(D1, "Iso", 2)),  # a split: same gold entity, counts once
        entity("annecy", "Place", span(D1, "Annecy")),
        entity("region", "Place", span(D1, "région")),  # overlaps no gold entity
        entity("azur", "Product", span(D1, "Azur")),  # a Product is an Artifact
        entity("salaries", "Person", span(D1, "salariés")),  # lands on a group
    )
    relations = (
        relation("anne", "ceoOf", "vertavenir"),  # ceoOf is a sub-property of worksFor
        relation("salaries", "worksFor", "isoluxe"),  # equals an uncovered gold relation
        relation("anne", "founderOf", "isoluxe"),
        relation("azur", "developedBy", "isoluxe"),  # CREATED(Iso Luxe, flacon), inverse
        relation("isoluxe", "partnerOf", "vertavenir"),  # gold has the other orientation
        relation("anne", "partnerOf", "isoluxe", "Negated"),  # not a prediction
        relation("vertavenir", "basedIn", "annecy"),  # wrong pair: a false positive
    )
    return Extraction(document, (), entities, relations, ())


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    (tmp_path / "test.json").write_text(
        json.dumps(popcorn_json(), ensure_ascii=False), encoding="utf-8"
    )
    return tmp_path


@pytest.fixture
def fake_kg(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Replace kg's extraction; records the document ids of each call."""
    calls: list[list[str]] = []

    def build_documents(documents, *, progress=None):
        calls.append([d.doc_id for d in documents])
        assert [d.doc_id for d in documents] == ["d1"], "d2 is English and must be skipped"
        return SimpleNamespace(extractions=(d1_extraction(documents[0]),))

    monkeypatch.setattr(popcorn, "build_documents", build_documents)
    return calls


@pytest.fixture
def report(data_dir: Path, fake_kg: list[list[str]]) -> popcorn.Report:
    docs = popcorn.load_popcorn(data_dir)
    extractions, skipped = popcorn.run_kg(docs)
    return popcorn.evaluate(docs, extractions, popcorn.load_map(), skipped=skipped)


def test_load_drops_copied_mentions(data_dir: Path) -> None:
    docs = popcorn.load_popcorn(data_dir)
    assert [d.doc_id for d in docs] == ["d1", "d2"]
    spans = {e.id: e.spans for e in docs[0].entities}
    assert spans[4] == (span(D1, "flacon Azur"),)
    assert spans[5] == () and spans[6] == ()
    assert spans[2] == tuple(span(D1, "Iso Luxe", n) for n in range(3))
    assert popcorn.load_popcorn(data_dir / "test.json", limit=1)[0].doc_id == "d1"


def test_alignment_takes_the_largest_overlap() -> None:
    gold = popcorn.GoldDoc(
        "x",
        "x" * 40,
        (
            popcorn.GoldEntity(0, "PLACE", ((0, 10),)),
            popcorn.GoldEntity(1, "CIVILIAN", ((8, 20), (30, 32))),
            popcorn.GoldEntity(2, "TIME_EXACT", ()),
            popcorn.GoldEntity(3, "CIVILIAN", ((34, 36),)),
        ),
        (),
    )

    def ent(key: str, *spans: tuple[int, int]) -> Entity:
        return Entity(key, key, "Person", mentions=tuple(Mention(s, e, "", 0) for s, e in spans))

    alignment = popcorn.align_entities(
        [
            ent("a", (5, 12)),  # 5 chars on 0, 4 on 1
            ent("b", (9, 20)),  # 1 on 0, 11 on 1
            ent("c", (6, 10), (30, 33)),  # 4 on 0, 4 on 1 (2 + 2): tie, lower id
            ent("d", (20, 30)),  # touches 1 at both ends, overlaps nothing
            ent("e", (33, 35)),  # 1 char on 3
        ],
        gold,
    )
    assert alignment == {"a": 0, "b": 1, "c": 0, "d": None, "e": 3}


def test_score_arithmetic() -> None:
    score = popcorn.Score(gold=4, system=3, correct=2)
    assert score.precision == pytest.approx(2 / 3)
    assert score.recall == pytest.approx(1 / 2)
    assert score.f1 == pytest.approx(4 / 7)
    assert score.as_dict() == {
        "gold": 4,
        "system": 3,
        "correct": 2,
        "precision": 66.67,
        "recall": 50.0,
        "f1": 57.14,
    }
    empty = popcorn.Score(gold=0, system=0, correct=0)
    assert (empty.precision, empty.recall, empty.f1) == (0.0, 0.0, 0.0)


def test_entity_typing(report: popcorn.Report) -> None:
    assert report.skipped == ("d2",)
    by_class = {c.cls: c.score for c in report.classes}
    # Person: gold Anne, Marc (d1), John (d2); system anne, salaries (on a group): 1 right.
    assert by_class["Person"] == popcorn.Score(gold=3, system=2, correct=1)
    assert by_class["Person"].f1 == pytest.approx(0.4)
    # Organization: Vert Avenir, Iso Luxe (two kg entities, one unit), police (skipped text).
    assert by_class["Organization"] == popcorn.Score(gold=3, system=2, correct=2)
    assert by_class["Organization"].f1 == pytest.approx(0.8)
    # Place: Annecy right, "région" aligned to nothing; London missed.
    assert by_class["Place"] == popcorn.Score(gold=2, system=2, correct=1)
    assert by_class["Artifact"] == popcorn.Score(gold=1, system=1, correct=1)
    by_type = {t.popcorn_type: (t.gold, t.found, t.typed_right) for t in report.types}
    assert by_type["CIVILIAN"] == (3, 1, 1)
    assert by_type["NON_GOVERNMENTAL_ORGANISATION"] == (2, 2, 2)
    assert by_type["NON_MILITARY_GOVERNMENT_ORGANISATION"] == (1, 0, 0)
    assert by_type["PLACE"] == (2, 1, 1)
    assert by_type["MATERIEL"] == (1, 1, 1)
    assert report.kg_entities == {"kg": 8, "aligned": 7}
    assert report.unmapped_entity_gold == {"COLOR": 1, "GROUP_OF_INDIVIDUALS": 1, "TIME_EXACT": 1}


def test_relations(report: popcorn.Report) -> None:
    rel = {r.popcorn_type: (r.score, r.ignored) for r in report.relations}
    # ceoOf(anne, Vert Avenir) is a worksFor too: right; the workers -> Iso Luxe relation
    # equals an uncovered gold one and is left out.
    assert rel["IS_PART_OF"] == (popcorn.Score(1, 1, 1), 1)
    # ceoOf predicts HAS_CONTROL_OVER; worksFor(workers, Iso Luxe) does not.
    assert rel["HAS_CONTROL_OVER"] == (popcorn.Score(1, 1, 1), 0)
    # founderOf same direction, developedBy inverse: both right.
    assert rel["CREATED"] == (popcorn.Score(2, 2, 2), 0)
    # Symmetric partnerOf matches the other orientation; the Negated one is not counted.
    assert rel["IS_COOPERATING_WITH"] == (popcorn.Score(1, 1, 1), 0)
    # basedIn(Vert Avenir, Annecy) is wrong for both types it maps to; d2's gold is missed.
    assert rel["OPERATES_IN"] == (popcorn.Score(2, 1, 0), 0)
    assert rel["IS_LOCATED_IN"] == (popcorn.Score(0, 1, 0), 0)
    assert rel["IS_IN_CONTACT_WITH"] == (popcorn.Score(0, 0, 0), 0)
    assert report.micro == popcorn.Score(gold=7, system=7, correct=5)
    # Macro over the 6 mapped types with gold or system relations: (1 + 1 + 1 + 1) / 6.
    assert report.macro_f1 == pytest.approx(4 / 6)
    # Over the 8 relation types of the data, unmapped ones counting 0.
    assert report.relation_types_total == 8
    assert report.macro_f1_all_types == pytest.approx(4 / 8)
    assert (report.covered_relations, report.gold_relations_total) == (7, 11)


@pytest.mark.parametrize(("direction", "expected"), [("inverse", (2, 1, 1)), ("same", (2, 1, 0))])
def test_direction_of_a_rule(
    data_dir: Path,
    fake_kg: list[list[str]],
    tmp_path: Path,
    direction: str,
    expected: tuple[int, int, int],
) -> None:
    """developedBy(Azur, Iso Luxe) is CREATED(Iso Luxe, flacon) only when read inversely."""
    custom = tmp_path / "map.toml"
    custom.write_text(
        '[entity_types]\nCIVILIAN = "Person"\nNON_GOVERNMENTAL_ORGANISATION = "Organization"\n'
        'MATERIEL = "Artifact"\n\n[[relations]]\npopcorn = "CREATED"\n'
        f'property = "developedBy"\ndirection = "{direction}"\n'
        'subject = "Entity"\nobject = "Entity"\n',
        encoding="utf-8",
    )
    docs = popcorn.load_popcorn(data_dir)
    extractions, skipped = popcorn.run_kg(docs)
    report = popcorn.evaluate(docs, extractions, popcorn.load_map(custom), skipped=skipped)
    (created,) = report.relations
    assert (created.score.gold, created.score.system, created.score.correct) == expected


def test_map_is_checked(tmp_path: Path) -> None:
    bad = tmp_path / "map.toml"
    bad.write_text(
        '[entity_types]\nCIVILIAN = "Human"\n\n[[relations]]\npopcorn = "IS_PART_OF"\n'
        'property = "memberOf"\ndirection = "sideways"\nsubject = "Person"\n'
        'object = "Organization"\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="unknown class Human") as info:
        popcorn.load_map(bad)
    assert "unknown property memberOf" in str(info.value)
    assert "direction 'sideways'" in str(info.value)


def test_main_writes_markdown_and_json(
    data_dir: Path, fake_kg: list[list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.json"
    assert popcorn.main(["--data", str(data_dir), "--json", str(out)]) == 0
    assert fake_kg == [["d1"]]  # one call for all texts
    markdown = capsys.readouterr().out
    assert "2 texts, 1 skipped" in markdown
    assert "| CREATED | founderOf (Agent, Organization); inverse of developedBy" in markdown
    assert "| Person | CIVILIAN, MILITARY, TERRORIST_OR_CRIMINAL | 3 | 2 | 1 | 50.00 | 33.33 |" in (
        markdown
    )
    assert "7 of the 11 gold relations (63.64 %)" in markdown
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["skipped"] == ["d2"]
    assert data["relations"]["macro_f1_mapped"] == 66.67
    assert data["relations"]["macro_f1_all_types"] == 50.0
    assert data["relations"]["by_popcorn_type"]["OPERATES_IN"]["recall"] == 0.0
    assert data["relations"]["coverage"] == {
        "types_mapped": 7,
        "types_total": 8,
        "gold_covered": 7,
        "gold_total": 11,
    }


def test_real_data_types_are_all_listed() -> None:
    """Every type of the real test split is mapped or listed as unmapped in the map."""
    if not (popcorn.DEFAULT_DATA / "test.json").is_file():
        pytest.skip(f"POPCORN data not found at {popcorn.DEFAULT_DATA}")
    docs = popcorn.load_popcorn(popcorn.DEFAULT_DATA)
    assert popcorn.unlisted_types(docs, popcorn.load_map()) == (set(), set())
    assert len({p for d in docs for _, p, _ in d.relations}) == 30
