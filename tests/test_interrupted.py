"""A build killed midway (SIGKILL) leaves whole documents or none, and running it again
finishes the job: each document's graph is written in one transaction, and documents already
stored unchanged are skipped."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

import kg
from kg.rdf import document_iri
from kg.store import graph_names, native, open_store

TEMPLATES = (
    "La jeune pousse {name} a levé {n} millions d'euros auprès du fonds Ferrand Capital et de "
    "ses actionnaires historiques.",
    "Claire Vasseur, directrice générale de {name}, veut recruter {n} ingénieurs d'ici à la fin "
    "de l'année.",
    "Selon des sources proches du dossier, le groupe Marlow pourrait racheter la société {name} "
    "pour {n} millions d'euros.",
)
#: Enough documents that the build is still running when the first one is stored and the
#: process is killed.
ARTICLES = {
    f"doc{i:02d}": TEMPLATES[i % 3].format(name=f"Brindel{chr(65 + i)}", n=10 + i)
    for i in range(24)
}


def _graphs(dataset) -> dict[str, list[str]]:
    store = native(dataset)
    return {
        str(name): sorted(
            str(q) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(name)))
        )
        for name in graph_names(dataset)
    }


def test_killed_build_keeps_whole_documents_and_a_rerun_finishes(
    nlp: object, tmp_path: Path
) -> None:
    paths = []
    for name, text in ARTICLES.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    clean = open_store()
    kg.build(paths, store=clean)
    expected = _graphs(clean)
    assert len(expected) == len(ARTICLES)

    store_dir = tmp_path / "store"
    command = [sys.executable, "-m", "kg", "-v", "build", *paths, "-o", str(tmp_path / "out")]
    command += ["--store", str(store_dir)]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env) as process:
        assert process.stderr is not None
        for line in process.stderr:
            if "extracted doc00" in line:  # the first document is stored: kill mid-run
                os.kill(process.pid, signal.SIGKILL)
                break
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL

    interrupted = open_store(store_dir, create=False)
    stored = _graphs(interrupted)
    assert str(document_iri("doc00")) in stored
    assert len(stored) < len(ARTICLES), "the build finished before it was killed"
    for name, quads in stored.items():  # no half-written document
        assert quads == expected[name], name
    del interrupted
    gc.collect()

    rerun = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    assert f"{len(stored)} document(s) unchanged in the store" in rerun.stdout
    assert _graphs(open_store(store_dir, create=False)) == expected
