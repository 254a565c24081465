"""Tests of the kg command: user errors are one ``kg: error:`` line, good runs print results.

Commands run in-process with typer's CliRunner (the spaCy model is loaded once per session);
only ``python -m kg --help`` and one build with the ``kg`` console script use subprocesses.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from rdflib import DCTERMS, RDF, Graph
from typer.testing import CliRunner, Result

from kg.cli import app
from kg.evaluate import evaluate, format_report
from kg.ontology import KG
from kg.rdf import to_turtle
from kg.sparql import load_graph
from tests.inputs import ENGLISH, FRENCH, GERMAN, empty_directory, missing, no_match, write

if TYPE_CHECKING:
    from kg.pipeline import BuildResult

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "fr-microsoft-mai-openai.txt"

CEO_QUERY = (
    "SELECT ?person ?org WHERE { ?p kg:ceoOf ?o ; rdfs:label ?person . "
    "?o rdfs:label ?org } ORDER BY ?person"
)
CEO_TABLE = (
    "person            org\n"
    "----------------  ------------\n"
    "Mustafa Suleyman  Microsoft AI\n"
    "Satya Nadella     Microsoft\n"
    "(2 rows)\n"
)
PREVIOUS = {
    "kg.ttl": b"@prefix kg: <https://w3id.org/kg/ontology#> .\n# from a previous good build\n",
    "kg.html": b"<!DOCTYPE html>\n<title>previous good build</title>\n",
}
SUMMARY = re.compile(
    r"^1 document\(s\): (?P<entities>\d+) entities, (?P<facts>\d+) facts "
    r"\((?P<relations>\d+) relations, (?P<nary>\d+) n-ary facts\); classes: (?P<classes>.+)$"
)


#: id -> (make the bad input in a directory, what the error line must say)
BAD_INPUTS: dict[str, tuple[Callable[[Path], Path], tuple[str, ...]]] = {
    "missing": (missing, ("absent.txt: no such file",)),
    "empty-directory": (empty_directory, ("articles: a directory without .txt or .jsonl",)),
    "glob-matching-nothing": (no_match, ("*.txt: no file matches this pattern",)),
    "empty": (write(b""), ("article.txt: the file is empty",)),
    "whitespace": (write(b" \n\t\r\n  \n"), ("article.txt: the file contains only whitespace",)),
    "latin-1": (
        write(FRENCH.replace("’", "'").encode("latin-1")),
        ("article.txt: not UTF-8 text (byte 0xe9", "iconv"),
    ),
    "png": (
        write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
        ("article.txt: binary data (NUL bytes)",),
    ),
    "several-mb": (
        write(FRENCH.encode() * 12_000),
        ("is larger than the limit of 1,000,000 bytes", "--max-bytes"),
    ),
    "english": (write(ENGLISH.encode()), ("article.txt: the text does not look like French",)),
    "german": (write(GERMAN.encode()), ("article.txt: the text does not look like French",)),
}


def _tree(root: Path) -> dict[str, bytes | None]:
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): (None if p.is_dir() else p.read_bytes())
        for p in sorted(root.rglob("*"))
    }


def _invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def _assert_user_error(result: Result, *fragments: str) -> str:
    """Exit 1, nothing on stdout, exactly one ``kg: error:`` line on stderr, no traceback."""
    assert isinstance(result.exception, SystemExit), result.exception  # not an uncaught error
    assert result.exit_code == 1
    assert result.stdout == ""
    stderr = result.stderr
    assert stderr.startswith("kg: error: "), stderr
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in stderr, f"{fragment!r} not in {stderr!r}"
    return stderr


# ---------------------------------------------------------------------------
# kg build
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(nlp: object, tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """``kg build EXAMPLE -o DIR`` run once in-process (the model is the session's)."""
    out = tmp_path_factory.mktemp("cli-build") / "out"
    return _invoke("build", EXAMPLE, "-o", out), out


@pytest.fixture(scope="module")
def graph_file(built: tuple[Result, Path]) -> Path:
    result, out = built
    assert result.exit_code == 0, result.output
    return out / "kg.ttl"


@pytest.mark.parametrize("previous", [False, True], ids=["new-dir", "previous-build"])
@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_cli_build_bad_input_fails_cleanly(tmp_path: Path, case: str, previous: bool) -> None:
    make, fragments = BAD_INPUTS[case]
    bad = make(tmp_path)
    out = tmp_path / "out"
    if previous:
        out.mkdir()
        for name, data in PREVIOUS.items():
            (out / name).write_bytes(data)
    before = _tree(out)
    _assert_user_error(_invoke("build", bad, "-o", out), *fragments)
    assert _tree(out) == before  # nothing written, nothing lost, no temporary file
    assert out.exists() == previous


#: Invented articles for the builds over several inputs (small: each build extracts them).
BRIVAEL = (
    "La société Brivael a levé dix millions d’euros auprès du fonds Cassiopée Partenaires. "
    "Son directeur général, Jean Morlane, veut ouvrir une usine à Lorient.\n"
)
ORVANNE = (
    "La banque Orvanne a annoncé une hausse de son bénéfice. Elle prévoit de recruter "
    "trois cents personnes en France."
)


def _documents(graph_file: Path) -> dict[str, str]:
    """doc id -> source of every kg:Document of a built graph."""
    graph = Graph().parse(graph_file)
    return {
        str(doc).rsplit("/", 1)[1]: str(graph.value(doc, KG.sourcePath))
        for doc in graph.subjects(RDF.type, KG.Document)
    }


def test_cli_build_skips_bad_input_and_goes_on(nlp: object, tmp_path: Path) -> None:
    """A bad file among good ones is skipped (issue 8): the good one is built, exit 0."""
    bad = write(ENGLISH.encode())(tmp_path)
    good = tmp_path / "brivael.txt"
    good.write_text(BRIVAEL, encoding="utf-8")
    out = tmp_path / "out"
    result = _invoke("build", bad, good, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stderr == "kg: skipped 1 input (see the warnings)\n"
    assert result.stdout.startswith("1 document(s): ")
    assert _documents(out / "kg.ttl") == {"brivael": "brivael.txt"}


def test_cli_build_directory_with_bad_jsonl_line(
    nlp: object, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "fils").mkdir(parents=True)
    (corpus / "brivael.txt").write_text(BRIVAEL, encoding="utf-8")
    lines = [
        json.dumps(
            {"id": "orvanne", "date": "2025-03-06", "url": "https://x.test/o", "text": ORVANNE}
        ),
        '{"id": "cassé", "text":',
    ]
    (corpus / "fils" / "depeches.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _invoke("build", corpus, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stderr == "kg: skipped 1 input (see the warnings)\n"
    assert result.stdout.startswith("2 document(s): ")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        f"skipped {corpus / 'fils' / 'depeches.jsonl'}:2: not valid JSON: "
        "Expecting value (column 24)"
    ]
    assert _documents(out / "kg.ttl") == {"brivael": "brivael.txt", "orvanne": "https://x.test/o"}
    dates = Graph().parse(out / "kg.ttl").objects(predicate=DCTERMS.date)
    assert [str(d) for d in dates] == ["2025-03-06"]


def test_cli_build_max_bytes_option(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _invoke("build", EXAMPLE, "-o", out, "--max-bytes", "1000")
    _assert_user_error(result, "fr-microsoft-mai-openai.txt", "limit", "--max-bytes")
    assert not out.exists()


def test_cli_build_writes_outputs_and_summary(
    built: tuple[Result, Path], example_build: BuildResult
) -> None:
    result, out = built
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[1:] == [f"wrote {out / 'kg.ttl'} (turtle)", f"wrote {out / 'kg.html'} (html)"]
    assert sorted(p.name for p in out.iterdir()) == ["kg.html", "kg.ttl"]
    # the CLI writes the graph the pipeline builds, as canonical Turtle
    assert (out / "kg.ttl").read_text(encoding="utf-8") == to_turtle(example_build.graph)
    html = (out / "kg.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Mustafa Suleyman" in html and "fr-microsoft-mai-openai.txt" in html


def test_cli_build_summary_line_matches_graph(graph_file: Path, built: tuple[Result, Path]) -> None:
    summary = SUMMARY.match(built[0].stdout.splitlines()[0])
    assert summary, built[0].stdout
    items = (item.rsplit(" ", 1) for item in summary["classes"].split(", "))
    classes = {name: int(count) for name, count in items}
    for required in ("Person", "Company", "AIModel", "Product", "FundingRound"):
        assert required in classes, summary["classes"]
    graph = Graph().parse(graph_file)
    for name, count in classes.items():
        assert count == len(set(graph.subjects(RDF.type, KG[name]))), name
    assert int(summary["relations"]) == len(set(graph.subjects(RDF.type, KG.Relation)))
    assert int(summary["facts"]) == int(summary["relations"]) + int(summary["nary"])


@pytest.fixture
def built_without_extraction(monkeypatch: pytest.MonkeyPatch, example_build: BuildResult) -> None:
    """``kg build`` returns the session's example graph without extracting again."""
    monkeypatch.setattr("kg.pipeline.build", lambda *args, **kwargs: example_build)


@pytest.mark.usefixtures("built_without_extraction")
def test_cli_build_output_is_a_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("not a directory")
    _assert_user_error(_invoke("build", EXAMPLE, "-o", out), "out")
    assert out.read_text() == "not a directory"


@pytest.mark.usefixtures("built_without_extraction")
def test_cli_build_unwritable_output_keeps_previous_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "kg.html").mkdir(parents=True)
    (out / "kg.ttl").write_bytes(PREVIOUS["kg.ttl"])
    before = _tree(out)
    _assert_user_error(_invoke("build", EXAMPLE, "-o", out), "kg.html")
    assert _tree(out) == before


# ---------------------------------------------------------------------------
# kg query
# ---------------------------------------------------------------------------


def test_cli_query_inline_prints_table(graph_file: Path) -> None:
    result = _invoke("query", graph_file, CEO_QUERY)
    assert result.exit_code == 0, result.output
    assert result.stdout == CEO_TABLE
    assert result.stderr == ""


def test_cli_query_from_file(graph_file: Path, tmp_path: Path) -> None:
    rq = tmp_path / "ceo.rq"
    rq.write_text(CEO_QUERY.replace(" . ", " .\n  ") + "\n", encoding="utf-8")
    result = _invoke("query", graph_file, f"@{rq}")
    assert result.exit_code == 0, result.output
    assert result.stdout == CEO_TABLE


def test_cli_query_ask(graph_file: Path) -> None:
    result = _invoke("query", graph_file, "ASK { ?p kg:ceoOf ?o ; rdfs:label 'Satya Nadella'@fr }")
    assert result.exit_code == 0, result.output
    assert result.stdout == "ask\n----\ntrue\n(1 row)\n"


@pytest.mark.parametrize(
    ("sparql", "fragments"),
    [
        (
            "SELECT ?s WHERE {\n  ?s a kg:Person .\n  FILTER( }",
            ("kg: error: SPARQL syntax error at line 3, column 3: ",),
        ),
        (
            "SELECT ?s WHERE { ?s a kg:Person } LIMT 3",
            ("kg: error: SPARQL syntax error at line 1, column 36: ",),
        ),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", ("only SELECT and ASK",)),
        ("SELECT ?s WHERE { ?s a foo:Bar }", ("Unknown namespace prefix",)),
    ],
    ids=["syntax-line-3", "syntax-line-1", "construct", "unknown-prefix"],
)
def test_cli_query_bad_sparql(graph_file: Path, sparql: str, fragments: tuple[str, ...]) -> None:
    _assert_user_error(_invoke("query", graph_file, sparql), *fragments)


def test_cli_query_missing_query_file(graph_file: Path, tmp_path: Path) -> None:
    result = _invoke("query", graph_file, f"@{tmp_path / 'absent.rq'}")
    _assert_user_error(result, "absent.rq: no such query file")


def test_cli_query_missing_graph(tmp_path: Path) -> None:
    result = _invoke("query", tmp_path / "kg.ttl", "ASK {}")
    _assert_user_error(result, "kg.ttl: no such graph file", "kg build")


def test_cli_query_non_rdf_graph(tmp_path: Path) -> None:
    path = tmp_path / "kg.ttl"
    path.write_text(FRENCH, encoding="utf-8")
    _assert_user_error(_invoke("query", path, "ASK {}"), "kg.ttl: not a readable RDF graph")


def test_cli_query_non_utf8_query_file(graph_file: Path, tmp_path: Path) -> None:
    rq = tmp_path / "latin1.rq"
    rq.write_bytes('SELECT ?s WHERE { ?s rdfs:label "Société"@fr }'.encode("latin-1"))
    _assert_user_error(_invoke("query", graph_file, f"@{rq}"), "latin1.rq")


# ---------------------------------------------------------------------------
# kg eval
# ---------------------------------------------------------------------------


def test_cli_eval_example_against_gold(graph_file: Path, gold_path: Path) -> None:
    result = _invoke("eval", graph_file, gold_path)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["kind", "gold", "system", "P", "R", "F1"]
    assert [line.split()[0] for line in lines[1:5]] == ["type", "rel", "nary", "overall"]
    gold_rows = [
        line.split("\t")[0]
        for line in gold_path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    scored = sum(kind in {"type", "rel", "nary"} for kind in gold_rows)
    overall = lines[4].split()
    assert int(overall[1]) == scored
    assert all(0.0 <= float(x) <= 1.0 for x in overall[3:])
    assert "bad: none" in lines
    # the CLI prints exactly the library's report
    expected = format_report(evaluate(load_graph(graph_file), gold_path))
    assert result.stdout == expected + "\n"


@pytest.mark.parametrize(
    ("gold", "fragments"),
    [
        ("type\tMicrosoft\n", ("gold.tsv:1: a type row has 2 tab-separated columns",)),
        ("# ok\nfoo\tMicrosoft\tCompany\n", ("gold.tsv:2: unknown row kind 'foo'",)),
        ("rel\tMicrosoft\ttype\tCompany\n", ("gold.tsv:1: a rel row cannot have predicate",)),
        ("nary\tStake\towner\n", ("gold.tsv:1: role 'owner' is not",)),
    ],
    ids=["columns", "kind", "rel-type", "nary-role"],
)
def test_cli_eval_malformed_gold(
    graph_file: Path, tmp_path: Path, gold: str, fragments: tuple[str, ...]
) -> None:
    path = tmp_path / "gold.tsv"
    path.write_text(gold, encoding="utf-8")
    _assert_user_error(_invoke("eval", graph_file, path), *fragments)


def test_cli_eval_unreadable_gold(graph_file: Path, tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.tsv"
    latin1.write_bytes("type\tSociété Générale\tCompany\n".encode("latin-1"))
    _assert_user_error(_invoke("eval", graph_file, latin1), "latin1.tsv: cannot read gold file")
    missing = tmp_path / "absent.tsv"
    _assert_user_error(_invoke("eval", graph_file, missing), "absent.tsv: cannot read gold file")


def test_cli_eval_missing_graph(tmp_path: Path, gold_path: Path) -> None:
    _assert_user_error(_invoke("eval", tmp_path / "kg.ttl", gold_path), "no such graph file")


# ---------------------------------------------------------------------------
# Subprocesses: python -m kg, and the kg console script
# ---------------------------------------------------------------------------


def test_cli_python_m_kg_help_lists_commands() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "kg", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    commands = set(
        re.findall(r"^\W*(build|query|eval|validate)\s+\S", proc.stdout, flags=re.MULTILINE)
    )
    assert commands == {"build", "query", "eval", "validate"}, proc.stdout
    assert "French business news" in proc.stdout


@pytest.mark.slow
def test_cli_console_script_builds_example(tmp_path: Path, graph_file: Path) -> None:
    script = Path(sys.executable).with_name("kg")
    if not script.is_file():
        found = shutil.which("kg")
        if found is None:
            pytest.skip("the kg console script is not installed")
        script = Path(found)
    out = tmp_path / "out"
    proc = subprocess.run(
        [str(script), "build", str(EXAMPLE), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert SUMMARY.match(proc.stdout.splitlines()[0]), proc.stdout
    assert sorted(p.name for p in out.iterdir()) == ["kg.html", "kg.ttl"]
    # a fresh process builds the same bytes as the in-process run: deterministic output
    assert (out / "kg.ttl").read_bytes() == graph_file.read_bytes()
