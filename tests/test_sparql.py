"""Tests of kg.sparql on small hand-built graphs: rows, prefixes, errors and the table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from kg.errors import InputError, QueryError
from kg.model import Document, Entity, Evidence, Extraction, Mention, Relation, Sentence
from kg.ontology import KG, KGR
from kg.rdf import to_rdf, to_turtle
from kg.sparql import QueryResult, format_table, load_graph, query, read_query
from kg.store import open_store

TEXT = "Satya Nadella, PDG de Microsoft, reçoit Mustafa Suleyman, PDG de Microsoft AI."
PEOPLE_QUERY = """
SELECT ?person ?org WHERE {
  ?p kg:ceoOf ?o ; rdfs:label ?person .
  ?o rdfs:label ?org .
} ORDER BY ?person
"""
PEOPLE_ROWS = (("Mustafa Suleyman", "Microsoft AI"), ("Satya Nadella", "Microsoft"))
EXTERNAL = URIRef("http://example.org/thing")


def _entity(key: str, label: str, cls: str) -> Entity:
    start = TEXT.index(label)
    return Entity(
        key=key,
        label=label,
        cls=cls,
        mentions=(Mention(start=start, end=start + len(label), text=label, sentence=0),),
    )


def _extraction() -> Extraction:
    document = Document(doc_id="doc-1", text=TEXT, source="doc-1.txt")
    return Extraction(
        document=document,
        sentences=(Sentence(index=0, start=0, end=len(TEXT), text=TEXT),),
        entities=(
            _entity("satyanadella", "Satya Nadella", "Person"),
            _entity("microsoft", "Microsoft", "Company"),
            _entity("mustafasuleyman", "Mustafa Suleyman", "Person"),
            _entity("microsoftai", "Microsoft AI", "Organization"),
        ),
        relations=(
            Relation("satyanadella", "ceoOf", "microsoft", Evidence(0, 0, 31)),
            Relation("mustafasuleyman", "ceoOf", "microsoftai", Evidence(0, 39, 78)),
        ),
        facts=(),
    )


@pytest.fixture(scope="module")
def graph() -> Graph:
    return to_rdf([_extraction()])


@pytest.fixture
def bare_graph() -> Graph:
    """A graph with no namespace bound at all: only the predeclared prefixes can help."""
    g = Graph(bind_namespaces="none")
    g.add((KGR["entity/x"], RDF.type, KG.Person))
    g.add((KGR["entity/x"], KG.alias, Literal("X")))
    return g


def test_sparql_select_rows(graph: Graph) -> None:
    result = query(graph, PEOPLE_QUERY)
    assert result == QueryResult(
        variables=("person", "org"), rows=PEOPLE_ROWS, values=PEOPLE_ROWS, boolean=None
    )


@pytest.mark.parametrize(
    ("sparql", "rows"),
    [
        (
            "SELECT ?p ?o WHERE { ?p kg:ceoOf ?o } ORDER BY ?p",
            (
                ("kgr:entity/mustafasuleyman", "kgr:entity/microsoftai"),
                ("kgr:entity/satyanadella", "kgr:entity/microsoft"),
            ),
        ),
        ('SELECT ?c WHERE { ?e rdfs:label "Microsoft"@fr ; a ?c }', (("kg:Company",),)),
        (
            "SELECT ?prop WHERE { ?s ?prop kg:Company }",
            (("http://www.w3.org/1999/02/22-rdf-syntax-ns#type",),),
        ),
        ("SELECT ?d WHERE { ?d a kg:Document }", (("kgr:doc/doc-1",),)),
    ],
    ids=["kgr-entities", "kg-class", "other-iri-untouched", "kgr-document"],
)
def test_sparql_iris_are_shortened_in_kg_namespaces(
    graph: Graph, sparql: str, rows: tuple[tuple[str, ...], ...]
) -> None:
    assert query(graph, sparql).rows == rows


@pytest.mark.parametrize(
    ("sparql", "rows"),
    [
        # language tag and datatype are dropped: a cell is the lexical form
        ("SELECT ?l WHERE { ?e a kg:Organization ; rdfs:label ?l }", (("Microsoft AI",),)),
        (
            "SELECT ?end WHERE { ?r a kg:Relation ; rdf:subject ?s ; kg:endChar ?end . "
            '?s rdfs:label "Satya Nadella"@fr }',
            (("31",),),
        ),
        # an unbound variable is an empty cell
        (
            "SELECT ?l ?alias WHERE { ?e a kg:Person ; rdfs:label ?l . "
            "OPTIONAL { ?e kg:alias ?alias } } ORDER BY ?l",
            (("Mustafa Suleyman", ""), ("Satya Nadella", "")),
        ),
        ("SELECT (COUNT(?e) AS ?n) WHERE { ?e a kg:Person }", (("2",),)),
        ("SELECT ?e WHERE { ?e a kg:Place }", ()),
    ],
    ids=["lang-literal", "typed-literal", "unbound", "aggregate", "no-row"],
)
def test_sparql_cells_are_plain_text(
    graph: Graph, sparql: str, rows: tuple[tuple[str, ...], ...]
) -> None:
    assert query(graph, sparql).rows == rows


def test_sparql_prefixes_are_predeclared(bare_graph: Graph) -> None:
    assert dict(bare_graph.namespaces()) == {}
    result = query(
        bare_graph,
        "SELECT ?s ?a WHERE { ?s a kg:Person ; kg:alias ?a . "
        "FILTER(STRSTARTS(STR(?s), STR(kgr:))) }",
    )
    assert result.rows == (("kgr:entity/x", "X"),)


def test_sparql_own_kg_prefix_is_accepted(bare_graph: Graph) -> None:
    sparql = f"PREFIX kg: <{KG}>\nSELECT ?s WHERE {{ ?s a kg:Person }}"
    assert query(bare_graph, sparql).rows == (("kgr:entity/x",),)


@pytest.mark.parametrize(
    "sparql",
    [
        f"PREFIX kg: <{KG}>\nSELECT ?s WHERE {{ ?s a kg:Person . "
        "FILTER(STRSTARTS(STR(?s), STR(kgr:))) }",
        "# prefix kg: is predeclared\nSELECT ?s WHERE { ?s a kg:Person }",
        "PREFIX KG: <http://example.org/>\nSELECT ?s WHERE { ?s a kg:Person }",
    ],
    ids=["own-kg-loses-kgr", "comment", "upper-case-prefix"],
)
def test_sparql_predeclared_prefixes_survive_other_declarations(
    bare_graph: Graph, sparql: str
) -> None:
    assert query(bare_graph, sparql).rows == (("kgr:entity/x",),)


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        (f"ASK {{ ?p kg:ceoOf <{KGR}entity/microsoft> }}", True),
        ("ASK { ?p kg:ceoOf ?o . ?o a kg:Person }", False),
    ],
)
def test_sparql_ask(graph: Graph, sparql: str, expected: bool) -> None:
    result = query(graph, sparql)
    assert result == QueryResult(
        variables=("ask",),
        rows=((str(expected).lower(),),),
        values=((expected,),),
        boolean=expected,
    )


@pytest.mark.parametrize(
    ("sparql", "position"),
    [
        ("SELECT ?s WHERE { ?s a kg:Person } LIMT 3", "at line 1, column 36"),
        ("SELECT ?s WHERE {\n  ?s a kg:Person .\n  FILTER( }", "at line 3, column 3"),
        ("SELEC ?s WHERE { ?s ?p ?o }", "at line 1, column 1"),
        # a query that declares kg: itself is not shifted by the predeclared lines
        (
            f"PREFIX kg: <{KG}>\nSELECT ?s WHERE {{ ?s a kg:Person }} LIMT 3",
            "at line 2, column 36",
        ),
    ],
    ids=["trailing-garbage", "third-line", "first-word", "own-prefix"],
)
def test_sparql_syntax_error_has_position(graph: Graph, sparql: str, position: str) -> None:
    with pytest.raises(QueryError) as info:
        query(graph, sparql)
    message = str(info.value)
    assert message.startswith(f"SPARQL syntax error {position}: ")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("sparql", "message"),
    [
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "only SELECT and ASK queries"),
        (f"DESCRIBE <{KGR}entity/microsoft>", "only SELECT and ASK queries"),
        ("SELECT ?s WHERE { ?s a foo:Bar }", "SPARQL query failed: Unknown namespace prefix"),
    ],
)
def test_sparql_unsupported_or_failing_query(graph: Graph, sparql: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        query(graph, sparql)


def test_sparql_query_from_file_and_graph_file(graph: Graph, tmp_path: Path) -> None:
    rq = tmp_path / "ceo.rq"
    rq.write_text(PEOPLE_QUERY, encoding="utf-8")
    ttl = tmp_path / "kg.ttl"
    ttl.write_text(to_turtle(graph), encoding="utf-8")
    assert read_query(f"@{rq}") == PEOPLE_QUERY
    assert read_query("ASK {}") == "ASK {}"
    assert query(ttl, f"@{rq}").rows == PEOPLE_ROWS
    assert query(str(ttl), PEOPLE_QUERY).rows == PEOPLE_ROWS


def test_sparql_missing_query_file(graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"absent\.rq: no such query file$"):
        query(graph, f"@{tmp_path / 'absent.rq'}")


def test_sparql_non_utf8_query_file_is_input_error(graph: Graph, tmp_path: Path) -> None:
    rq = tmp_path / "latin1.rq"
    rq.write_bytes('SELECT ?s WHERE { ?s rdfs:label "Société" }'.encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.rq"):
        query(graph, f"@{rq}")


@pytest.mark.parametrize(
    ("suffix", "parsed_as"),
    [
        (".ttl", "turtle"),
        (".nt", "nt"),
        (".rdf", "xml"),
        # rdflib's JSON-LD parser warns that ConjunctiveGraph is deprecated (not kg's code)
        pytest.param(
            ".jsonld", "json-ld", marks=pytest.mark.filterwarnings("ignore::DeprecationWarning")
        ),
    ],
)
def test_sparql_load_graph_by_suffix(
    graph: Graph, tmp_path: Path, suffix: str, parsed_as: str
) -> None:
    path = tmp_path / f"kg{suffix}"
    path.write_text(graph.serialize(format=parsed_as), encoding="utf-8")
    loaded = load_graph(path)
    assert set(loaded) == set(graph)
    assert dict(loaded.namespaces())["kgr"] == URIRef(str(KGR))
    assert query(loaded, PEOPLE_QUERY).rows == PEOPLE_ROWS


def test_sparql_load_graph_returns_graph_itself(graph: Graph) -> None:
    assert load_graph(graph) is graph


def _not_rdf(tmp: Path) -> Path:
    path = tmp / "kg.ttl"
    path.write_text("this is not turtle at all\n", encoding="utf-8")
    return path


def _binary(tmp: Path) -> Path:
    path = tmp / "kg.ttl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    return path


def _bad_ntriples(tmp: Path) -> Path:
    path = tmp / "kg.nt"
    path.write_text("<a> <b> .\n", encoding="utf-8")
    return path


def _directory(tmp: Path) -> Path:
    path = tmp / "kg.ttl"
    path.mkdir()
    return path


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda tmp: tmp / "absent.ttl", "absent.ttl: no such graph file (build one with"),
        (_directory, "kg.ttl: not a kg store directory"),
        (_not_rdf, "kg.ttl: not a readable RDF graph"),
        (_binary, "kg.ttl: not a readable RDF graph"),
        (_bad_ntriples, "kg.nt: not a readable RDF graph"),
    ],
    ids=["missing", "directory", "not-rdf", "binary", "bad-ntriples"],
)
def test_sparql_load_graph_bad_file(
    tmp_path: Path, make: Callable[[Path], Path], fragment: str
) -> None:
    with pytest.raises(InputError) as info:
        load_graph(make(tmp_path))
    assert fragment in str(info.value)


def test_sparql_load_graph_error_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_graph(_not_rdf(tmp_path))
    assert "\n" not in str(info.value)


def test_sparql_empty_turtle_file_is_an_empty_graph(tmp_path: Path) -> None:
    path = tmp_path / "kg.ttl"
    path.write_text("", encoding="utf-8")
    result = query(path, "SELECT ?s WHERE { ?s ?p ?o }")
    assert result == QueryResult(variables=("s",), rows=())


def test_sparql_format_table_alignment() -> None:
    result = QueryResult(
        variables=("name", "cls"),
        rows=(("Satya Nadella", "kg:Person"), ("OpenAI", ""), ("X", "kg:AIModel-long")),
    )
    assert format_table(result) == (
        "name           cls\n"
        "-------------  ---------------\n"
        "Satya Nadella  kg:Person\n"
        "OpenAI\n"
        "X              kg:AIModel-long\n"
        "(3 rows)"
    )


def test_sparql_format_table_header_wider_than_cells() -> None:
    result = QueryResult(variables=("organisation", "n"), rows=(("MS", "12345"),))
    assert format_table(result) == (
        "organisation  n\n------------  -----\nMS            12345\n(1 row)"
    )


def test_sparql_format_table_flattens_newlines() -> None:
    result = QueryResult(variables=("quote", "who"), rows=(("Nous devons\nêtre", "MS"),))
    assert format_table(result).splitlines() == [
        "quote             who",
        "----------------  ---",
        "Nous devons être  MS",
        "(1 row)",
    ]


@pytest.mark.parametrize(
    ("result", "table"),
    [
        (QueryResult(variables=("s",), rows=()), "s\n-\n(0 rows)"),
        (
            QueryResult(variables=("ask",), rows=(("true",),), boolean=True),
            "ask\n----\ntrue\n(1 row)",
        ),
    ],
    ids=["empty", "ask"],
)
def test_sparql_format_table_small(result: QueryResult, table: str) -> None:
    assert format_table(result) == table


def test_sparql_format_table_of_query(graph: Graph) -> None:
    assert format_table(query(graph, PEOPLE_QUERY)) == (
        "person            org\n"
        "----------------  ------------\n"
        "Mustafa Suleyman  Microsoft AI\n"
        "Satya Nadella     Microsoft\n"
        "(2 rows)"
    )


def test_sparql_typed_literal_values_round_trip(bare_graph: Graph) -> None:
    bare_graph.add((EXTERNAL, RDFS.label, Literal("8300000000", datatype=XSD.decimal)))
    bare_graph.add((EXTERNAL, KG.rank, Literal(13)))
    result = query(bare_graph, "SELECT ?l ?r ?s WHERE { ?s rdfs:label ?l ; kg:rank ?r }")
    assert result.rows == (("8300000000", "13", "http://example.org/thing"),)


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ('"30"^^xsd:decimal', ("30", Decimal("30"))),
        ('"2.50"^^xsd:decimal', ("2.5", Decimal("2.50"))),
        ('"42"^^xsd:integer', ("42", 42)),
        ('"2024-06-03"^^xsd:date', ("2024-06-03", dt.date(2024, 6, 3))),
        ('"Sorbel"@fr', ("Sorbel", "Sorbel")),
        ('"douze"^^xsd:integer', ("douze", "douze")),  # ill-typed: kept as text, no crash
        ("kg:ceoOf", ("kg:ceoOf", "kg:ceoOf")),
    ],
)
def test_store_and_rdflib_graph_give_the_same_cells(literal: str, expected: tuple) -> None:
    text = f"SELECT ?x WHERE {{ VALUES ?x {{ {literal} }} }}"
    in_store = query(open_store(), text)
    in_memory = query(Graph(), text)
    assert (in_store.rows[0][0], in_store.values[0][0]) == expected
    assert (in_memory.rows, in_memory.values) == (in_store.rows, in_store.values)
