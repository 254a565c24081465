"""HTTP plumbing shared by :mod:`kg.serve` and :mod:`kg.push`: the stdlib, no extra dependency."""

from __future__ import annotations

import ipaddress
import urllib.request
from http.client import HTTPResponse
from urllib.parse import urlsplit

__all__ = ["is_loopback", "urlopen"]

# A proxy can never reach this machine's loopback, so talking to one through it only fails;
# other hosts get urllib's usual handling of the *_proxy environment variables.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_USUAL = urllib.request.build_opener()


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine's loopback interface (so other machines cannot
    reach it).

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("::1")
    (True, True, True)
    >>> is_loopback("0.0.0.0"), is_loopback("example.org")
    (False, False)
    """
    host = host.strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def urlopen(request: urllib.request.Request, timeout: float) -> HTTPResponse:
    """Open ``request``, directly when it goes to a loopback address."""
    host = urlsplit(request.full_url).hostname or ""
    opener = _DIRECT if is_loopback(host) else _USUAL
    return opener.open(request, timeout=timeout)  # type: ignore[no-any-return]
