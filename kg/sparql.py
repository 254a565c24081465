"""SPARQL over a kg graph: shipped queries, parameters, rows as tables, CSV, TSV, JSON or pandas.

Graph files and store directories are opened in the Oxigraph-backed store (``kg.store``) and
queried natively; an rdflib ``Graph`` built in Python is queried where it lives, by rdflib's
engine, after ``standard_form`` has rewritten kg's label idiom (below) into plain joins.

kg's label idiom reads one label (or class) of an entity, ``LATERAL { SELECT ?x ?label WHERE
{ ?x rdfs:label ?label } LIMIT 1 }``: Oxigraph 0.5 keeps every document graph's copy of a label in
the union it queries (oxigraph#1919), and a plain join would meet every copy, where the lateral
lookup stops at the first. On a million triples it makes the shipped queries 10-50x faster than
rdflib's (README, store benchmark). LATERAL is Oxigraph's (SPARQL 1.2 draft, SEP-0006).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from typing import Literal as Choice

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

from kg.errors import InputError, QueryError
from kg.ontology import KG, KGR
from kg.store import load_file, native, open_store, term, union_graph

if TYPE_CHECKING:
    import pandas

__all__ = [
    "FORMATS",
    "QueryResult",
    "ShippedQuery",
    "format_result",
    "format_table",
    "load_graph",
    "open_graph",
    "query",
    "read_query",
    "shipped_queries",
    "standard_form",
]

#: Prefixes every query may use without declaring them.
PREFIXES = {
    name: str(ns)
    for name, ns in (("kg", KG), ("kgr", KGR), ("rdf", RDF), ("rdfs", RDFS), ("xsd", XSD))
}
#: Output formats of ``format_result`` (and ``kg query --format``).
FORMATS = ("table", "csv", "tsv", "json")
Format = Choice["table", "csv", "tsv", "json"]

_SHORT = ((str(KG), "kg:"), (str(KGR), "kgr:"))
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_HEADER = re.compile(r"^#\s*(title|param):\s*(.*)$")
_LOOKUP = re.compile(
    r"LATERAL\s*\{\s*SELECT\s+(\?\w+)\s+(\?\w+)\s+WHERE\s*"
    r"\{\s*(\1\s+[^{}]+?\s+\2)\s*\}\s*LIMIT\s+1\s*\}",
    re.IGNORECASE,
)

Value = str | int | Decimal | dt.date | bool | None


@dataclass(frozen=True)
class QueryResult:
    """The variables and rows of a SELECT (or the answer of an ASK).

    ``rows`` hold the cells as display strings (``kg:`` and ``kgr:`` IRIs shortened);
    ``values`` the same cells as Python values: ``Decimal``, ``int``, ``date``, ``str``.
    """

    variables: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    values: tuple[tuple[Value, ...], ...] = ()
    boolean: bool | None = None

    def to_dataframe(self) -> pandas.DataFrame:
        """The rows as a pandas ``DataFrame`` (numbers as floats, dates as dates)."""
        try:
            import pandas
        except ImportError as exc:  # an optional dependency: say how to get it
            raise QueryError("pandas is not installed: pip install 'kg[pandas]'") from exc
        records = [[float(v) if isinstance(v, Decimal) else v for v in row] for row in self.values]
        return pandas.DataFrame.from_records(records, columns=list(self.variables))


@dataclass(frozen=True)
class ShippedQuery:
    """A query shipped with kg (``kg/queries/NAME.rq``) with its title and parameters."""

    name: str
    title: str
    params: tuple[tuple[str, str], ...]  # (name, what to give), from "# param:" lines
    text: str


@functools.cache
def shipped_queries() -> dict[str, ShippedQuery]:
    """The queries shipped with kg, by name (what ``kg query --list`` prints)."""
    found = {}
    for entry in sorted(resources.files("kg").joinpath("queries").iterdir(), key=str):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text(encoding="utf-8")
        title, params = "", []
        for line in text.splitlines():
            match = _HEADER.match(line)
            if match and match[1] == "title":
                title = match[2].strip()
            elif match:
                name, _, doc = match[2].partition(":")
                params.append((name.strip(), doc.strip()))
        name = entry.name.removesuffix(".rq")
        found[name] = ShippedQuery(name, title, tuple(params), text)
    return found


def read_query(text: str) -> str:
    """The SPARQL text meant by ``text``: a shipped query's name, ``@file.rq`` or ``file.rq``
    (read from that file), or the query itself."""
    if text.startswith("@") or (text.endswith(".rq") and not text.lstrip().startswith("#")):
        path = Path(text.removeprefix("@"))
        if not path.is_file():
            raise InputError(f"{path}: no such query file")
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: the query file is not UTF-8 text") from exc
    if _NAME.match(text):
        shipped = shipped_queries().get(text)
        if shipped is None:
            names = ", ".join(shipped_queries())
            raise QueryError(f"no shipped query named {text!r} (shipped: {names})")
        return shipped.text
    return text


def standard_form(text: str) -> str:
    """``text`` with each lookup of kg's label idiom as a plain triple pattern (SPARQL 1.1).

    The same rows wherever an entity has one label, as in any graph kg writes, on engines
    without LATERAL (rdflib's):

    >>> standard_form("LATERAL { SELECT ?o ?l WHERE { ?o rdfs:label ?l } LIMIT 1 }")
    '?o rdfs:label ?l .'
    """
    return _LOOKUP.sub(r"\3 .", text)


def open_graph(source: str | Path | Graph) -> Graph:
    """What to query: a graph itself, a store directory, or a graph file loaded into a store."""
    if isinstance(source, Graph):
        return source
    path = Path(source)
    if path.is_dir():
        return open_store(path, create=False)
    dataset = open_store()
    load_file(dataset, path)
    return dataset


def load_graph(source: str | Path | Graph) -> Graph:
    """An in-memory rdflib ``Graph`` of a graph file or store directory (or the graph itself)."""
    graph = open_graph(source)
    return union_graph(graph) if isinstance(graph, Dataset) else graph


def _short(iri: str) -> str:
    for ns, prefix in _SHORT:
        if iri.startswith(ns):
            return prefix + iri[len(ns) :]
    return iri


def _cell(term: Node | None) -> tuple[str, Value]:
    if term is None:
        return "", None
    if isinstance(term, URIRef):
        return _short(str(term)), _short(str(term))
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, Decimal):  # 8300000000.0 reads better as 8300000000
            return format(value.normalize(), "f"), value
        if isinstance(value, int | dt.date | bool) and term.datatype != XSD.string:
            return str(term), value
    return str(term), str(term)


_XSD = str(XSD)
_PLAIN = {_XSD + "string", str(RDF.langString)}


def _native_cell(node: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> tuple[str, Value]:
    """``_cell`` of an Oxigraph term, without making an rdflib term for the common kinds."""
    if node is None:
        return "", None
    if isinstance(node, ox.NamedNode):
        short = _short(node.value)
        return short, short
    if isinstance(node, ox.Literal):
        text, datatype = node.value, node.datatype.value
        try:
            if datatype in _PLAIN:
                return text, text
            if datatype == _XSD + "decimal":
                number = Decimal(text)
                return format(number.normalize(), "f"), number
            if datatype == _XSD + "integer":
                return text, int(text)
        except (ArithmeticError, ValueError):
            pass  # an ill-typed literal: rdflib's term keeps its text
    return _cell(term(node))


def _rows(variables: tuple[str, ...], cells: list[list[tuple[str, Value]]]) -> QueryResult:
    return QueryResult(
        variables=variables,
        rows=tuple(tuple(text for text, _ in row) for row in cells),
        values=tuple(tuple(value for _, value in row) for row in cells),
    )


def _ask(answer: bool) -> QueryResult:
    return QueryResult(("ask",), ((str(answer).lower(),),), ((answer,),), boolean=answer)


_NOT_ROWS = "only SELECT and ASK queries give rows; use CONSTRUCT with kg export"


def _run_native(dataset: Dataset, text: str) -> QueryResult:
    """Run ``text`` in Oxigraph itself: rows read straight from its terms, 2-3x faster than
    through oxrdflib's rdflib terms on thousands of rows."""
    result = native(dataset).query(text, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return _ask(bool(result))
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError(_NOT_ROWS)
    variables = tuple(v.value for v in result.variables)
    return _rows(variables, [[_native_cell(row[v]) for v in variables] for row in result])


def _run_rdflib(graph: Graph, text: str) -> QueryResult:
    """Run ``text`` with rdflib's engine, on a graph kept in rdflib."""
    result = graph.query(text)
    if result.type == "ASK":
        return _ask(bool(result.askAnswer))
    if result.type != "SELECT":
        raise QueryError(_NOT_ROWS)
    variables = tuple(str(v) for v in result.vars or ())
    return _rows(variables, [[_cell(row[v]) for v in variables] for row in result])  # type: ignore[index]


def _with_prefixes(text: str) -> tuple[str, int]:
    """The query with the predeclared prefixes it does not declare itself, and their count."""
    missing = [
        f"PREFIX {name}: <{ns}>\n"
        for name, ns in PREFIXES.items()
        if not re.search(rf"(?m)^\s*(?i:prefix)\s+{name}\s*:", text)
    ]
    return "".join(missing) + text, len(missing)


def _bind(text: str, params: Mapping[str, str]) -> str:
    """``text`` with ``VALUES ?name { "value" }`` opening its WHERE block for each parameter.

    Oxigraph's own substitutions only reach projected variables, and a VALUES block inside the
    group binds the variable for every pattern and filter of it, on any engine.
    """
    if not params:
        return text
    values = "".join(
        f" VALUES ?{name} {{ {Literal(value).n3()} }}" for name, value in sorted(params.items())
    )
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        brace = line.find("{")
        if brace >= 0 and not line.lstrip().startswith("#"):
            lines[index] = line[: brace + 1] + values + line[brace + 1 :]
            return "".join(lines)
    raise QueryError("parameters need a query with a WHERE { ... } block")


def _check(text: str, shift: int) -> None:
    """Raise the ``QueryError`` that explains a query the engine refused, if it is malformed.

    rdflib's parser names the offending token and where it starts, and an undeclared prefix,
    better than Oxigraph's messages; it runs only after a failure, so a good query is parsed
    once, by the engine that answers it.
    """
    try:
        parsed = parseQuery(standard_form(text))  # rdflib's parser knows no LATERAL
    except Exception as exc:  # pyparsing's ParseException carries line and column
        line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
        where = f" at line {line - shift}, column {col}" if line is not None else ""
        raise QueryError(f"SPARQL syntax error{where}: {getattr(exc, 'msg', exc)}") from exc
    try:
        translateQuery(parsed)
    except Exception as exc:  # rdflib raises a bare Exception for an undeclared prefix
        raise QueryError(f"SPARQL query failed: {str(exc).splitlines()[0]}") from exc


def query(
    graph: str | Path | Graph,
    sparql: str,
    params: Mapping[str, str] | None = None,
) -> QueryResult:
    """Run ``sparql`` on ``graph`` (a file, a store directory or an rdflib graph).

    ``sparql`` is query text, a shipped query's name (see ``shipped_queries()``) or a
    ``.rq`` file; ``params`` binds variables (``{"name": "Acme"}`` sets ``?name``) before
    the query runs. The ``kg:``, ``kgr:``, ``rdf:``, ``rdfs:`` and ``xsd:`` prefixes are
    predeclared. Raises ``QueryError`` with the position of a syntax error.
    """
    text = read_query(sparql)
    params = dict(params or {})
    shipped = shipped_queries().get(sparql)
    if shipped:
        unknown = sorted(set(params) - {name for name, _ in shipped.params})
        if unknown:
            raise QueryError(f"query {sparql!r} takes no parameter {unknown[0]!r}")
        for name, doc in shipped.params:
            if name not in params and "optional" not in doc:
                raise QueryError(f"query {sparql!r} needs --param {name}=VALUE: {doc}")
    full, shift = _with_prefixes(_bind(text, params))
    target = open_graph(graph)
    oxigraph = isinstance(target, Dataset) and isinstance(target.store, OxigraphStore)
    try:
        if oxigraph:
            return _run_native(target, full)
        return _run_rdflib(target, standard_form(full))
    except QueryError:
        raise
    except Exception as exc:  # the engine's own errors (Oxigraph or rdflib), in one line
        _check(full, shift)  # a malformed query: say what and where
        raise QueryError(f"SPARQL query failed: {str(exc).splitlines()[0]}") from exc


def format_table(result: QueryResult) -> str:
    """An aligned text table with a header and a row count."""
    header = list(result.variables)
    widths = [len(h) for h in header]
    for row in result.rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.replace("\n", " ").ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in result.rows
    ]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines)


def _json_value(value: Value) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def format_result(result: QueryResult, fmt: Format = "table") -> str:
    """The rows as an aligned table, CSV, TSV or JSON (a list of objects, typed values)."""
    if fmt == "table":
        return format_table(result)
    if fmt == "json":
        rows = [
            {name: _json_value(v) for name, v in zip(result.variables, row, strict=True)}
            for row in result.values
        ]
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, dialect="excel" if fmt == "csv" else "excel-tab")
        writer.writerow(result.variables)
        writer.writerows(result.rows)
        return out.getvalue().rstrip("\r\n").replace("\r\n", "\n")
    raise QueryError(f"unknown output format {fmt!r} (choose from {', '.join(FORMATS)})")
