"""The ``kg`` command: thin wrappers over the public functions of the same name."""

from __future__ import annotations

import contextlib
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
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="French articles: UTF-8 text files, directories (their .txt and .jsonl files), "
            "glob patterns ('corpus/**/*.txt') or JSON Lines files (.jsonl, one article a line).",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Directory for kg.ttl and kg.html.")
    ] = Path("out"),
    max_bytes: Annotated[int, typer.Option(help="Largest article accepted, in bytes.")] = MAX_BYTES,
    store: Annotated[
        Path | None,
        typer.Option(
            help="Build into this store directory (kept between runs; one named graph per "
            "document: unchanged documents skipped, changed ones replaced); the outputs then "
            "show the whole store."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild documents the store holds unchanged.")
    ] = False,
    processes: Annotated[
        int,
        typer.Option(
            "--processes",
            "-j",
            min=1,
            help="Worker processes (each parses, extracts); with --scheduler local, Dask workers.",
        ),
    ] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Extract on a Dask cluster: its scheduler address (tcp://host:8786), or "
            "'local' for a cluster of -j workers on this machine. Needs kg[dask].",
        ),
    ] = None,
    shards: Annotated[
        Path | None,
        typer.Option(
            help="With --scheduler: where workers write their N-Quads shards, kept after the "
            "build. A cluster of several machines needs a directory they all share.",
        ),
    ] = None,
) -> None:
    """Build the graph of INPUTS: writes DIR/kg.ttl (RDF) and DIR/kg.html (interactive graph).

    Unusable files or JSON Lines records are skipped with a warning; the others are built.
    """
    from tqdm import tqdm
    from tqdm.contrib.logging import logging_redirect_tqdm

    from kg.pipeline import build, write_outputs
    from kg.store import open_store

    # Drawn on a terminal only (quiet in pipes, logs and CI); warnings are printed above it.
    terminal = sys.stderr.isatty()
    bar = tqdm(
        file=sys.stderr,
        disable=not terminal,
        leave=False,
        unit=" articles",
        bar_format="{n_fmt} articles [{elapsed}, {rate_noinv_fmt}]",
    )

    def progress(index: int, total: int, document: Document) -> None:
        if bar.total != total:
            bar.total = total
            bar.bar_format = (
                "{percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} articles "
                "[{elapsed}<{remaining}, {rate_noinv_fmt}]"
            )
        bar.update(index - bar.n)

    try:
        with logging_redirect_tqdm() if terminal else contextlib.nullcontext():
            dataset = open_store(store) if store is not None else None
            result = build(
                inputs,
                max_bytes=max_bytes,
                store=dataset,
                progress=progress,
                force=force,
                n_process=processes,
                scheduler=scheduler,
                shards=shards,
            )
        title = ", ".join(Path(spec).name or spec for spec in inputs[:3])
        written = write_outputs(result, output, title=title)
    except KGError as error:
        raise _fail(error) from None
    finally:
        bar.close()
    if result.skipped:
        count = len(result.skipped)
        typer.echo(f"kg: skipped {count} input{'s' * (count > 1)} (see the warnings)", err=True)
    if result.unchanged:
        typer.echo(f"{len(result.unchanged)} document(s) unchanged in the store, not rebuilt")
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


@app.command("export")
def export_cli(
    source: Annotated[
        Path, typer.Argument(help="A graph file written by kg build, or a store directory.")
    ],
    output: Annotated[Path, typer.Argument(help="The file to write.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="ttl, nt, nq (named graphs), jsonld or graphml (Gephi)."
        ),
    ] = None,
) -> None:
    """Export SOURCE to OUTPUT; the format comes from OUTPUT's suffix unless --format is given."""
    from kg.export import write_export

    try:
        written = write_export(source, output, fmt)
    except KGError as error:
        raise _fail(error) from None
    typer.echo(f"wrote {written}")


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


@app.command("serve")
def serve_cli(
    store: Annotated[
        Path | None,
        typer.Argument(
            help="A store directory (kg build --store DIR). None with --allow-update: an "
            "empty in-memory store."
        ),
    ] = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on; 127.0.0.1 keeps it to this machine.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 7878,
    allow_update: Annotated[
        bool,
        typer.Option(
            "--allow-update", help="Accept SPARQL updates and Graph Store writes (kg push)."
        ),
    ] = False,
    cors: Annotated[
        bool, typer.Option("--cors", help="Allow queries from web pages of other origins.")
    ] = False,
) -> None:
    """Serve STORE as a SPARQL 1.1 endpoint (Query and Graph Store protocols) until Ctrl-C.

    Read-only unless --allow-update; a query without GRAPH sees every document.
    """
    from kg.serve import Endpoint, serve

    def ready(endpoint: Endpoint) -> None:
        mode = "read-only" if endpoint.read_only else "read-write"
        typer.echo(f"serving {store if store is not None else 'an in-memory store'} ({mode})")
        typer.echo(f"SPARQL query   {endpoint.query}")
        if not endpoint.read_only:
            typer.echo(f"SPARQL update  {endpoint.update}")
        typer.echo(f"Graph Store    {endpoint.store}")
        typer.echo("Ctrl-C stops the server")

    try:
        status = serve(store, host, port, allow_update, ready, cors=cors)
    except KGError as error:
        raise _fail(error) from None
    raise typer.Exit(code=status)


@app.command("push")
def push_cli(
    source: Annotated[
        Path, typer.Argument(help="A store directory, or a graph file (kg.ttl, .trig, .nq).")
    ],
    url: Annotated[
        str,
        typer.Argument(help="The Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store."),
    ],
    graphs: Annotated[
        list[str] | None,
        typer.Option(
            "--graph",
            "-g",
            help="Push only this named graph (repeatable); for a triples file (kg.ttl), the "
            "graph its triples go to (default: the target's default graph).",
        ),
    ] = None,
    user: Annotated[
        str | None, typer.Option(help="HTTP basic authentication: NAME:PASSWORD.")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each answer.")] = 30.0,
) -> None:
    """Send the graphs of SOURCE to URL, each replacing the graph of the same name there."""
    from kg.push import PushResult, push

    def pushed(result: PushResult) -> None:
        typer.echo(f"pushed {result}")

    try:
        results = push(source, url, graphs, user=user, timeout=timeout, progress=pushed)
    except KGError as error:
        raise _fail(error) from None
    total = sum(result.triples for result in results)
    typer.echo(f"{len(results)} graph(s), {total} triples pushed to {url}")


@app.command("remove")
def remove_cli(
    documents: Annotated[
        list[str], typer.Argument(help="Document ids (as kg build names them) or their IRIs.")
    ],
    store: Annotated[Path, typer.Option(help="The store directory (kg build --store DIR).")],
) -> None:
    """Remove DOCUMENTS from the store, each with its whole named graph (facts, provenance)."""
    from rdflib import URIRef

    from kg.rdf import document_iri
    from kg.store import graph_names, open_store, remove_graph

    try:
        dataset = open_store(store, create=False)
        names = [
            URIRef(doc) if doc.startswith(("http://", "https://")) else document_iri(doc)
            for doc in documents
        ]
        present = set(graph_names(dataset))
        missing = [doc for doc, name in zip(documents, names, strict=True) if name not in present]
        if missing:
            raise InputError(f"{store}: no document {', '.join(map(repr, missing))} in the store")
        for doc, name in zip(documents, names, strict=True):
            remove_graph(dataset, name)
            typer.echo(f"removed {doc} ({name})")
    except KGError as error:
        raise _fail(error) from None


def main() -> None:
    """Entry point of the ``kg`` script."""
    app()
