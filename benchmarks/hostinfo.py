"""The machine a benchmark ran on, in one line for its report."""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path


def describe(packages: Sequence[str]) -> str:
    """CPU model, cores, load average, Python and the versions of ``packages``."""
    cpu = platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in packages)
    return (
        f"{cpu}, {os.cpu_count()} cores, load average {load}; "
        f"Python {platform.python_version()}; {versions}"
    )
