"""SPARQL over a kg graph: run a query, get rows, print them as an aligned table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rdflib import XSD, Graph, Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

from kg.errors import InputError, QueryError
from kg.ontology import KG, KGR
from kg.rdf import bind_prefixes

__all__ = ["QueryResult", "format_table", "load_graph", "query", "read_query"]

_PREDECLARED = {"kg": KG, "kgr": KGR}


@dataclass(frozen=True)
class QueryResult:
    """Variables and rows of a SELECT (or the boolean of an ASK) as plain strings."""

    variables: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    boolean: bool | None = None


def load_graph(source: str | Path | Graph) -> Graph:
    """A graph itself, or the graph parsed from a Turtle (or other RDF) file."""
    if isinstance(source, Graph):
        return source
    path = Path(source)
    if not path.is_file():
        raise InputError(f"{path}: no such graph file (build one with: kg build ARTICLE -o DIR)")
    fmt = {".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld", ".rdf": "xml"}.get(
        path.suffix, "turtle"
    )
    try:
        return bind_prefixes(Graph().parse(path, format=fmt))
    except Exception as exc:  # rdflib's parsers raise many unrelated types
        first_line = next((line for line in str(exc).splitlines() if line.strip()), "")
        raise InputError(f"{path}: not a readable RDF graph: {first_line.strip()}") from exc


def read_query(text: str) -> str:
    """The query text: ``@file.rq`` reads the file, anything else is the query itself."""
    if text.startswith("@"):
        path = Path(text[1:])
        if not path.is_file():
            raise InputError(f"{path}: no such query file")
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: the query file is not UTF-8 text") from exc
    return text


def _text(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        for ns, prefix in ((KG, "kg:"), (KGR, "kgr:")):
            if str(term).startswith(str(ns)):
                return prefix + str(term)[len(str(ns)) :]
        return str(term)
    if isinstance(term, Literal) and term.datatype == XSD.decimal:
        value = term.toPython()
        if isinstance(value, Decimal):  # 8300000000.0 reads better as 8300000000
            return format(value.normalize(), "f")
    return str(term)


def query(graph: str | Path | Graph, sparql: str) -> QueryResult:
    """Run ``sparql`` (the ``kg:`` and ``kgr:`` prefixes are predeclared) on ``graph``.

    Raises ``QueryError`` with the parser's message and position on a syntax error.
    """
    g = load_graph(graph)
    text = read_query(sparql)
    prefixes = "".join(
        f"PREFIX {name}: <{ns}>\n"
        for name, ns in _PREDECLARED.items()
        if not re.search(rf"(?m)^\s*(?i:prefix)\s+{name}\s*:", text)
    )
    full = prefixes + text
    try:
        parseQuery(full)
    except Exception as exc:  # pyparsing's ParseException carries line and column
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "col", None)
        if line is not None:
            line -= prefixes.count("\n")
        where = f" at line {line}, column {col}" if line is not None else ""
        raise QueryError(f"SPARQL syntax error{where}: {getattr(exc, 'msg', exc)}") from exc
    try:
        result = g.query(full)
    except Exception as exc:
        raise QueryError(f"SPARQL query failed: {exc}") from exc
    if result.type == "ASK":
        return QueryResult(
            variables=("ask",),
            rows=((str(bool(result.askAnswer)).lower(),),),
            boolean=bool(result.askAnswer),
        )
    if result.type != "SELECT":
        raise QueryError("only SELECT and ASK queries print as tables")
    variables = tuple(str(v) for v in result.vars or ())
    rows = tuple(tuple(_text(row[v]) for v in variables) for row in result)  # type: ignore[index]
    return QueryResult(variables=variables, rows=rows)


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
