"""The store benchmark still runs end to end, on a small corpus (its figures are not checked)."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "store.py"


def test_store_benchmark_runs_on_a_small_corpus(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = importlib.util.spec_from_file_location("store_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, bench)  # its dataclasses look themselves up
    spec.loader.exec_module(bench)
    start = time.perf_counter()
    status = bench.main(["--triples", "5000", "--repeat", "1", "--no-check"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "| `leaders` |" in out and "| resident memory after load (MiB) |" in out
    assert "rows differ" not in out and "failed" not in out, out
    assert "RDF to networkx" in out, out
    assert time.perf_counter() - start < 20
