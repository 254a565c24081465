"""The ``kg`` command: thin wrappers over the public functions of the same name."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.document import MAX_BYTES
from kg.errors import InputError, KGError, QueryError
from kg.model import Document

__all__ = ["app", "main"]

app = typer.Typer(
    name="kg",
    help="Build knowledge graphs from French business news: RDF, SPARQL and an HTML graph.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _fail(error: KGError) -> typer.Exit:
    typer.echo(f"kg: error: {error}", err=True)
    return typer.Exit(code=1)


@app.callback()
def _root(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log what each stage does.")
    ] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@app.command("build")
def build_cli(
    files: Annotated[list[Path], typer.Argument(help="French article files (UTF-8 text).")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Directory for kg.ttl and kg.html.")
    ] = Path("out"),
    max_bytes: Annotated[int, typer.Option(help="Largest article accepted, in bytes.")] = MAX_BYTES,
    store: Annotated[
        Path | None,
        typer.Option(
            help="Build into this store directory (kept between runs; one named graph per "
            "document, re-built documents replaced); the outputs then show the whole store."
        ),
    ] = None,
) -> None:
    """Build the graph of FILES: writes DIR/kg.ttl (RDF) and DIR/kg.html (interactive graph)."""
    from kg.pipeline import build, write_outputs
    from kg.store import open_store

    def progress(index: int, total: int, document: Document) -> None:
        if sys.stderr.isatty():
            typer.echo(f"[{index}/{total}] {document.source or document.doc_id}", err=True)

    try:
        dataset = open_store(store) if store is not None else None
        result = build(files, max_bytes=max_bytes, store=dataset, progress=progress)
        written = write_outputs(result, output, title=", ".join(f.name for f in files[:3]))
    except KGError as error:
        raise _fail(error) from None
    typer.echo(str(result.summary))
    for kind, path in written.items():
        typer.echo(f"wrote {path} ({kind})")


@app.command("query")
def query_cli(
    graph: Annotated[
        Path | None,
        typer.Argument(help="A graph file written by kg build (kg.ttl), or a store directory."),
    ] = None,
    sparql: Annotated[
        str | None,
        typer.Argument(help="SPARQL text, a .rq file (or @file), or a shipped query's name."),
    ] = None,
    params: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="Bind a query variable: NAME=VALUE (repeatable)."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Output: table, csv, tsv or json.")
    ] = "table",
    list_queries: Annotated[
        bool, typer.Option("--list", help="List the shipped queries and their parameters.")
    ] = False,
) -> None:
    """Run a SPARQL query on GRAPH and print the rows (kg:, kgr:, rdf:, rdfs:, xsd: predeclared)."""
    from kg.sparql import FORMATS, format_result, query, shipped_queries

    if list_queries:
        for shipped in shipped_queries().values():
            typer.echo(f"{shipped.name:<18} {shipped.title}")
            for name, doc in shipped.params:
                typer.echo(f"{'':<18}   --param {name}=...  {doc}")
        return
    try:
        if graph is None or sparql is None:
            raise QueryError("give a GRAPH and a QUERY (kg query --list shows shipped queries)")
        if fmt not in FORMATS:
            raise QueryError(f"unknown --format {fmt!r} (choose from {', '.join(FORMATS)})")
        bound = {}
        for param in params or []:
            name, sep, value = param.partition("=")
            if not sep or not name.strip():
                raise QueryError(f"--param {param!r}: write NAME=VALUE")
            bound[name.strip().lstrip("?")] = value
        typer.echo(format_result(query(graph, sparql, bound), fmt))  # type: ignore[arg-type]
    except KGError as error:
        raise _fail(error) from None


@app.command("eval")
def eval_cli(
    graph: Annotated[Path, typer.Argument(help="A graph file written by kg build (kg.ttl).")],
    gold: Annotated[Path, typer.Argument(help="A gold fact file (TSV, see eval/gold/README.md).")],
) -> None:
    """Score GRAPH against GOLD: precision, recall and F1 per row kind, misses, false positives."""
    from kg.evaluate import evaluate, format_report
    from kg.sparql import load_graph

    try:
        typer.echo(format_report(evaluate(load_graph(graph), gold)))
    except KGError as error:
        raise _fail(error) from None


@app.command("validate")
def validate_cli(
    graph: Annotated[
        Path | None, typer.Argument(help="A graph file written by kg build (kg.ttl).")
    ] = None,
    shapes: Annotated[
        bool,
        typer.Option("--shapes", help="Print the SHACL shapes (Turtle) instead, for other tools."),
    ] = False,
) -> None:
    """Check GRAPH against SHACL shapes derived from the ontology; exit 1 if it does not conform."""
    from kg.shapes import shapes_graph
    from kg.sparql import load_graph
    from kg.validate import format_report, validate

    if shapes:
        if graph is not None:
            raise _fail(InputError("--shapes prints the shapes and takes no GRAPH"))
        typer.echo(shapes_graph().serialize(format="longturtle"), nl=False)
        return
    if graph is None:
        raise _fail(InputError("give a GRAPH file to validate (or --shapes to print the shapes)"))
    # rdflib logs an ill-formed literal ("2024-13-01"^^xsd:date) as a warning with a traceback;
    # the report names it as a violation, so the traceback is only noise here.
    literals = logging.getLogger("rdflib.term")
    level = literals.level
    literals.setLevel(logging.ERROR)
    try:
        data = load_graph(graph)
        report = validate(data)
    except KGError as error:
        raise _fail(error) from None
    finally:
        literals.setLevel(level)
    typer.echo(format_report(report, data))
    if not report.conforms:
        raise typer.Exit(code=1)


def main() -> None:
    """Entry point of the ``kg`` script."""
    app()
