"""What a document's graph is made from, as one hash: it decides whether a build can skip it.

A document is rebuilt when its text or metadata changed, or when the extractor did: kg's
version, the ontology and the language data (cues, lexicons) all enter the hash. Rules changed
in code without a new version are not seen: ``kg build --force`` rebuilds everything.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata, resources

from kg.model import Document
from kg.ontology import ontology_path

__all__ = ["build_hash", "extractor_fingerprint"]


@functools.cache
def extractor_fingerprint(lang: str = "fr") -> str:
    """SHA-256 of kg's version, ``ontology.ttl`` and the language data of ``lang``."""
    digest = hashlib.sha256()
    try:
        version = metadata.version("kg")
    except metadata.PackageNotFoundError:  # run from a checkout that is not installed
        version = "unknown"
    digest.update(version.encode())
    digest.update(ontology_path().read_bytes())
    data = resources.files("kg").joinpath("data", f"{lang}.toml")
    if data.is_file():
        digest.update(data.read_bytes())
    return digest.hexdigest()


def build_hash(document: Document) -> str:
    """SHA-256 of the document (text, language, date, title, source) and the extractor."""
    fields = (
        extractor_fingerprint(document.lang),
        document.lang,
        document.date.isoformat() if document.date else "",
        document.title or "",
        document.source,
        document.text,
    )
    return hashlib.sha256("\x00".join(fields).encode()).hexdigest()
