"""The queries shipped with kg answer correctly on the example article (rows compared)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kg.errors import QueryError
from kg.sparql import format_result, query, shipped_queries


def test_every_shipped_query_has_a_title_and_parses(example_build) -> None:
    assert set(shipped_queries()) >= {
        "leaders",
        "developers",
        "funding-rounds",
        "stakes-valuations",
        "entity",
        "evidence",
    }
    for shipped in shipped_queries().values():
        assert shipped.title, shipped.name
        params = {name: "x" for name, doc in shipped.params if "optional" not in doc}
        query(example_build.dataset, shipped.name, params)  # raises on a broken query


def test_leaders(example_build) -> None:
    assert query(example_build.dataset, "leaders").rows == (
        ("Satya Nadella", "Microsoft", "Asserted"),
        ("Mustafa Suleyman", "Microsoft AI", "Asserted"),
    )


def test_developers(example_build) -> None:
    rows = query(example_build.dataset, "developers").rows
    assert ("OpenAI", "ChatGPT", "Product", "Asserted") in rows
    assert ("Microsoft AI", "MAI-Voice-1", "AIModel", "Asserted") in rows
    assert ("Microsoft AI", "MAI-1-preview", "AIModel", "Asserted") in rows
    assert all(row[2] in {"AIModel", "Product", "Hardware"} for row in rows)


def test_funding_rounds_typed_values(example_build) -> None:
    result = query(example_build.dataset, "funding-rounds")
    assert result.variables == (
        "investee",
        "amount",
        "currency",
        "leadInvestors",
        "investors",
        "date",
        "modality",
    )
    assert result.rows == (("OpenAI", "8300000000", "USD", "SoftBank", "", "", "Asserted"),)
    assert result.values[0][1] == Decimal("8300000000")


def test_stakes_and_valuations_keep_their_modality(example_build) -> None:
    assert query(example_build.dataset, "stakes-valuations").rows == (
        ("stake", "OpenAI", "Microsoft", "", "", "30", "35", "Possible"),
        ("valuation", "OpenAI", "", "500000000000", "USD", "", "", "Asserted"),
        ("valuation", "OpenAI", "", "500000000000", "USD", "", "", "Possible"),
    )


def test_entity_by_alias_case_insensitive(example_build) -> None:
    rows = query(example_build.dataset, "entity", {"name": "openai"}).rows
    assert ("OpenAI", "class", "Company", "") in rows
    assert ("OpenAI", "^developedBy", "ChatGPT", "Asserted") in rows
    assert (
        "OpenAI",
        "Stake.stakeIn",
        "participation : Microsoft, OpenAI (30-35 %)",
        "Possible",
    ) in rows
    assert {row[0] for row in rows} == {"OpenAI"}


def test_evidence_gives_the_sentence_and_offsets_of_a_fact(example_build, example_text) -> None:
    result = query(example_build.dataset, "evidence", {"about": "SoftBank"})
    # the round, and the investment its lead investor makes (investsIn's property chain)
    assert sorted(row[0] for row in result.values) == [
        "SoftBank investsIn OpenAI",
        "levée de fonds : OpenAI, SoftBank (8,3 Md USD)",
    ]
    for _fact, modality, document, start, end, sentence in result.values:
        assert (modality, document) == ("Asserted", "fr-microsoft-mai-openai")
        assert isinstance(start, int) and isinstance(end, int)
        assert example_text[start:end] in sentence
        assert "SoftBank" in sentence and "8,3 milliards" in sentence
    every = query(example_build.dataset, "evidence").rows
    assert len(every) > len(result.rows)


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("entity", {}, "needs --param name=VALUE"),
        ("leaders", {"who": "x"}, "takes no parameter 'who'"),
        ("leaderz", {}, "no shipped query named 'leaderz'"),
    ],
)
def test_shipped_query_misuse(example_build, name: str, params: dict, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        query(example_build.dataset, name, params)


def test_parameter_values_are_escaped(example_build) -> None:
    result = query(example_build.dataset, "entity", {"name": 'x" } } SELECT * { ?s ?p ?o'})
    assert result.rows == ()


def test_formats(example_build) -> None:
    result = query(example_build.dataset, "funding-rounds")
    assert format_result(result, "csv").splitlines() == [
        "investee,amount,currency,leadInvestors,investors,date,modality",
        "OpenAI,8300000000,USD,SoftBank,,,Asserted",
    ]
    assert (
        format_result(result, "tsv").splitlines()[1]
        == "OpenAI\t8300000000\tUSD\tSoftBank\t\t\tAsserted"
    )
    assert json.loads(format_result(result, "json")) == [
        {
            "investee": "OpenAI",
            "amount": 8300000000,
            "currency": "USD",
            "leadInvestors": "SoftBank",
            "investors": None,
            "date": None,
            "modality": "Asserted",
        }
    ]
    assert format_result(result, "table").splitlines()[-1] == "(1 row)"
    with pytest.raises(QueryError, match="unknown output format 'xml'"):
        format_result(result, "xml")  # type: ignore[arg-type]


def test_dataframe(example_build) -> None:
    pandas = pytest.importorskip("pandas")
    frame = query(example_build.dataset, "stakes-valuations").to_dataframe()
    assert list(frame.columns) == [
        "kind",
        "company",
        "holder",
        "amount",
        "currency",
        "percent",
        "percentMax",
        "modality",
    ]
    assert frame.loc[frame["kind"] == "valuation", "amount"].tolist() == [5e11, 5e11]
    assert pandas.api.types.is_float_dtype(frame["amount"])


def test_shipped_queries_give_the_same_rows_on_rdflib_memory_graphs(example_build) -> None:
    """A graph kept in memory is queried by rdflib's engine: the shipped queries work there too."""
    for shipped in shipped_queries().values():
        params = {name: "OpenAI" for name, doc in shipped.params if "optional" not in doc}
        in_store = query(example_build.dataset, shipped.name, params)
        in_memory = query(example_build.graph, shipped.name, params)
        assert sorted(in_memory.rows) == sorted(in_store.rows), shipped.name
        # Oxigraph's terms are read without rdflib (kg.sparql._native_cell): same typed values
        by_row = [sorted(zip(r.rows, r.values, strict=True)) for r in (in_memory, in_store)]
        assert by_row[0] == by_row[1], shipped.name
