"""Errors raised by kg.

Every error a user can cause is a ``KGError``; its message is one line that says what is
wrong and, where possible, what to do. The CLI prints it and exits with status 1.

* KGError
  * InputError        -- an article cannot be read or is not usable text
  * OutputError       -- the outputs cannot be written where asked
  * QueryError        -- a SPARQL query is malformed or names an unknown shipped query
  * GoldFormatError   -- a gold TSV file does not follow the documented format
  * OntologyError     -- ontology.ttl is missing or inconsistent
  * ServerError       -- a SPARQL server cannot be started, or refuses what is sent to it
  * ClusterError      -- a Dask cluster cannot be used (not installed, unreachable, no shared
                         storage for its shards)
"""

from __future__ import annotations

__all__ = [
    "ClusterError",
    "GoldFormatError",
    "InputError",
    "KGError",
    "OntologyError",
    "OutputError",
    "QueryError",
    "ServerError",
]


class KGError(Exception):
    """Base class of every error kg raises on purpose."""


class InputError(KGError):
    """An input article is missing, unreadable, empty, binary, too large or not French."""


class OutputError(KGError):
    """An output directory or file cannot be written."""


class QueryError(KGError):
    """A SPARQL query cannot be parsed or run."""


class GoldFormatError(KGError):
    """A gold file does not follow ``eval/gold/README.md``."""


class OntologyError(KGError):
    """The ontology cannot be loaded or lacks a term the code needs."""


class ServerError(KGError):
    """The SPARQL server cannot be started (``kg serve``) or reached (``kg push``)."""


class ClusterError(KGError):
    """A Dask cluster cannot be used: Dask missing, scheduler unreachable, shards not shared."""
