"""kg build on a Dask cluster (kg.cluster): a LocalCluster of worker processes gives the same
graph as one process, shard by shard, including documents it replaces in an existing store."""

from __future__ import annotations

import gc
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg import cluster, pipeline
from kg.cli import app
from kg.document import make_document
from kg.errors import ClusterError
from kg.model import Document
from kg.pipeline import build_documents
from kg.store import native, open_store

distributed = pytest.importorskip("distributed")

TEXTS = {
    "brindel": "La jeune pousse Brindel a levé 12 millions d'euros lors d'un tour de table mené "
    "par Ferrand Capital.",
    "vasseur": "Claire Vasseur, directrice générale de Brindel, veut recruter trente ingénieurs "
    "à Annecy.",
    "marlow": "Selon des sources proches du dossier, le groupe Marlow pourrait racheter la "
    "société Tessine pour 40 millions d'euros.",
}


def _docs(texts: dict[str, str]) -> list[Document]:
    return [make_document(t, doc_id=k, source=f"{k}.txt") for k, t in texts.items()]


def _quads(dataset: object) -> list[str]:
    return sorted(str(q) for q in native(dataset).quads_for_pattern(None, None, None, None))


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A LocalCluster of one worker process, reached by its address like a remote cluster."""
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def test_cluster_graph_equals_the_single_process_graph(
    nlp: object, scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "_BATCH_SIZE", 2)  # two shards, loaded as they come
    documents = _docs(TEXTS)
    alone = build_documents(documents)
    shards = tmp_path / "shards"
    on_cluster = build_documents(documents, scheduler=scheduler, shards=shards)
    assert sorted(on_cluster.built) == sorted(TEXTS)
    assert on_cluster.extractions == ()
    assert _quads(on_cluster.dataset) == _quads(alone.dataset)
    assert any("Ferrand Capital" in q for q in _quads(on_cluster.dataset))
    # the shards are kept in a directory the user named, as standard N-Quads files
    files = sorted(p.name for p in shards.iterdir())
    assert files == ["shard-000000.nq", "shard-000001.nq"]
    reread = ox.Store()
    for name in files:
        reread.load(path=str(shards / name), format=ox.RdfFormat.N_QUADS)
    assert sorted(str(q) for q in reread) == _quads(alone.dataset)


def test_cluster_replaces_changed_documents_and_skips_unchanged_ones(
    nlp: object, scheduler: str, tmp_path: Path
) -> None:
    store = open_store()
    build_documents(_docs({"brindel": TEXTS["marlow"], "vasseur": TEXTS["vasseur"]}), store=store)
    result = build_documents(_docs(TEXTS), store=store, scheduler=scheduler, shards=tmp_path)
    assert result.unchanged == ("vasseur",)
    assert sorted(result.built) == ["brindel", "marlow"]
    assert _quads(store) == _quads(build_documents(_docs(TEXTS)).dataset)


def test_a_remote_cluster_needs_a_shared_shard_directory(scheduler: str) -> None:
    with pytest.raises(ClusterError, match="--shards DIR"):
        build_documents(_docs(TEXTS), scheduler=scheduler)


def test_kg_build_on_a_local_cluster(nlp: object, tmp_path: Path) -> None:
    for name, text in TEXTS.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    temporary = Path(tempfile.gettempdir())
    shards_before = set(temporary.glob("kg-shards-*"))
    result = CliRunner().invoke(
        app, ["build", str(tmp_path / "*.txt"), "--scheduler", "local", "-j", "1", "-o", str(out)]
    )
    gc.collect()
    assert result.exit_code == 0, result.output
    assert set(temporary.glob("kg-shards-*")) == shards_before  # temporary shards are removed
    assert "3 document(s)" in result.output
    assert "Ferrand Capital" in (out / "kg.ttl").read_text(encoding="utf-8")


def test_an_unreachable_scheduler_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster, "_CONNECT_TIMEOUT", "1s")
    (tmp_path / "a.txt").write_text(TEXTS["brindel"], encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "build",
            str(tmp_path / "a.txt"),
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--shards",
            str(tmp_path / "shards"),
            "-o",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 1
    assert result.output.startswith(
        "kg: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9"
    )
    assert not (tmp_path / "out").exists()
