"""kg: offline, deterministic knowledge graphs from French business news.

The pipeline is ``build`` (files -> RDF graph), then ``query`` (SPARQL), ``evaluate`` (against
a gold file), ``to_networkx`` and ``to_html`` / ``write_html`` / ``show`` (the interactive
graph, in a file or inline in a notebook).
"""

from kg.errors import (
    ClusterError,
    GoldFormatError,
    InputError,
    KGError,
    OntologyError,
    QueryError,
    ServerError,
)
from kg.evaluate import EvalReport, evaluate, format_report, load_gold
from kg.graph import to_networkx
from kg.grounding import GroundingReport, ground
from kg.ontology import KG, KGR, load_ontology
from kg.pipeline import BuildResult, Summary, build, build_documents, summarize, write_outputs
from kg.rdf import to_rdf, to_turtle, write_turtle
from kg.sparql import QueryResult, format_table, load_graph, query, shipped_queries
from kg.store import open_store
from kg.viz import show, to_html, write_html

#: ``kg.eval`` is ``kg.evaluate``: the CLI command ``kg eval`` wraps it.
eval = evaluate

__version__ = "0.1.0"

__all__ = [
    "KG",
    "KGR",
    "BuildResult",
    "ClusterError",
    "EvalReport",
    "GoldFormatError",
    "GroundingReport",
    "InputError",
    "KGError",
    "OntologyError",
    "QueryError",
    "QueryResult",
    "ServerError",
    "Summary",
    "build",
    "build_documents",
    "eval",
    "evaluate",
    "format_report",
    "format_table",
    "ground",
    "load_gold",
    "load_graph",
    "load_ontology",
    "open_store",
    "query",
    "shipped_queries",
    "show",
    "summarize",
    "to_html",
    "to_networkx",
    "to_rdf",
    "to_turtle",
    "write_html",
    "write_outputs",
    "write_turtle",
]
