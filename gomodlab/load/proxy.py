"""A GOPROXY client that walks the proxy list exactly as the go command does (modfetch/proxy.go).

``GOPROXY`` is a list separated by ``,`` or ``|``; the separator *after* an entry decides when the
next one is tried: after ``,`` only when this proxy says the module does not exist (HTTP 404/410,
a missing file for ``file://``), after ``|`` on any error. ``off`` and ``direct`` end the list.
``direct`` (talking to version control) is outside what gomodlab does: it raises
:class:`DirectNotSupported`, naming the module and what to use instead.

Only GET of ``@v/list``, ``@v/<v>.info``, ``@v/<v>.mod``, ``@v/<v>.zip`` and ``@latest``.
"""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ..mod import modpath
from ..errors import SourceError

__all__ = [
    "ProxySpec", "ProxyError", "NotExist", "LookupDisabled", "DirectNotSupported", "Attempt",
    "parse_goproxy", "endpoint_url", "fetch", "fetch_with_fallback",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ProxySpec:
    """One GOPROXY entry: a base URL, or ``off`` / ``direct``; ``fallback_on_error`` = followed by ``|``."""

    url: str
    fallback_on_error: bool = False


class ProxyError(SourceError):
    """A proxy request failed. ``status`` is the HTTP status (404/410 for not-exist), or None."""

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class NotExist(ProxyError):
    """The proxy says the module or version does not exist (404, 410, or no such file)."""


class LookupDisabled(NotExist):
    """GOPROXY=off was reached."""


class DirectNotSupported(ProxyError):
    """GOPROXY=direct would need version control; gomodlab reads proxies and caches only."""


def parse_goproxy(value: str) -> list[ProxySpec]:
    """Split a GOPROXY value into entries (proxyList), validating each URL as go does."""
    out: list[ProxySpec] = []
    rest = value
    while rest:
        cut = min((i for i in (rest.find(","), rest.find("|")) if i >= 0), default=-1)
        if cut >= 0:
            entry, fallback, rest = rest[:cut], rest[cut] == "|", rest[cut + 1:]
        else:
            entry, fallback, rest = rest, False, ""
        entry = entry.strip()
        if not entry:
            continue
        if entry in ("off", "direct"):
            out.append(ProxySpec(entry))
            break
        # Single words are reserved; anything with ".:/" that is not a full URL or absolute path
        # gets https:// prepended.
        if any(c in entry for c in ".:/") and ":/" not in entry and not entry.startswith("/"):
            entry = "https://" + entry
        parts = urllib.parse.urlsplit(entry)
        if parts.scheme == "file":
            if parts.netloc or parts.query or parts.fragment:
                raise ProxyError(f"invalid file:// proxy URL with non-path elements: {entry}")
        elif parts.scheme == "":
            raise ProxyError(f"invalid proxy URL missing scheme: {entry}")
        elif parts.scheme not in ("http", "https"):
            raise ProxyError(f"invalid proxy URL scheme (must be https, http, file): {entry}")
        out.append(ProxySpec(entry, fallback))
    if not out:
        raise ProxyError("GOPROXY list is not the empty string, but contains no entries")
    return out


def endpoint_url(base: str, module: str, endpoint: str, version: str = "") -> str:
    """URL of ``list``, ``info``, ``mod``, ``zip`` or ``latest`` for a module under a proxy base."""
    mod = base.rstrip("/") + "/" + modpath.escape_path(module)
    if endpoint == "list":
        return mod + "/@v/list"
    if endpoint == "latest":
        return mod + "/@latest"
    if endpoint in ("info", "mod", "zip"):
        return f"{mod}/@v/{modpath.escape_version(version)}.{endpoint}"
    raise ValueError(f"unknown GOPROXY endpoint {endpoint!r}")


def fetch(url: str, *, timeout: float = 30.0) -> bytes:
    """GET one proxy URL; NotExist for 404/410 or a missing file, ProxyError for anything else."""
    if url.startswith("file:"):
        path = urllib.request.url2pathname(urllib.parse.urlsplit(url).path)
        try:
            return Path(path).read_bytes()
        except FileNotFoundError:
            raise NotExist(f"reading {url}: no such file or directory", url=url, status=404) from None
        except PermissionError:
            raise ProxyError(f"reading {url}: permission denied", url=url, status=403) from None
        except OSError as e:
            raise ProxyError(f"reading {url}: {e.strerror or e}", url=url) from None
    req = urllib.request.Request(url, headers={"User-Agent": "gomodlab"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.read()
    except urllib.error.HTTPError as e:
        detail = ""
        ctype = (e.headers.get("Content-Type") or "") if e.headers else ""
        if ctype.split(";")[0].strip() in ("text/plain", ""):
            body = e.read(648).decode("utf-8", "replace").split("\n\n")[0].strip()
            if body:
                detail = "\n\tserver response: " + "\n\t".join(body.splitlines()[:8])
        msg = f"reading {url}: {e.code} {e.reason}{detail}"
        cls = NotExist if e.code in (404, 410) else ProxyError
        raise cls(msg, url=url, status=e.code) from None
    except (urllib.error.URLError, OSError, TimeoutError) as e:
        reason = getattr(e, "reason", e)
        raise ProxyError(f"reading {url}: {reason}", url=url) from None


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try of one proxy during a fallback walk (kept so views can show the walk)."""

    proxy: str
    url: str
    ok: bool
    error: str = ""
    status: int | None = None
    seconds: float = 0.0


@dataclass
class FallbackResult:
    """What :func:`fetch_with_fallback` got, from which proxy, after which attempts."""

    data: bytes
    proxy: str
    attempts: list[Attempt] = field(default_factory=list)


def fetch_with_fallback(goproxy: str | list[ProxySpec], module: str, endpoint: str, version: str = "",
                        *, fetcher: Callable[[str], bytes] = fetch) -> FallbackResult:
    """Fetch an endpoint walking the GOPROXY list with go's fallback rules (TryProxies).

    On failure raises the error go would report: a ``direct`` error first, else the last error
    that was not "not exist", else the last not-exist error.
    """
    specs = parse_goproxy(goproxy) if isinstance(goproxy, str) else goproxy
    attempts: list[Attempt] = []
    best: ProxyError | None = None
    best_is_real = False
    for spec in specs:
        if spec.url == "off":
            err: ProxyError = LookupDisabled("module lookup disabled by GOPROXY=off")
            attempts.append(Attempt("off", "", False, str(err)))
        elif spec.url == "direct":
            err = DirectNotSupported(
                f"{module}: GOPROXY=direct needs version control access, which gomodlab does not do; "
                "read it from a module cache (--modcache) or a proxy (--proxy URL) instead")
            attempts.append(Attempt("direct", "", False, str(err)))
            raise _with_attempts(err, attempts)
        else:
            url = endpoint_url(spec.url, module, endpoint, version)
            start = time.perf_counter()
            try:
                data = fetcher(url)
            except ProxyError as e:
                attempts.append(Attempt(spec.url, url, False, str(e), e.status, time.perf_counter() - start))
                err = e
            else:
                attempts.append(Attempt(spec.url, url, True, "", 200, time.perf_counter() - start))
                return FallbackResult(data, spec.url, attempts)
        not_exist = isinstance(err, NotExist)
        if not not_exist:
            best, best_is_real = err, True
        elif not best_is_real:
            best = err
        if not spec.fallback_on_error and not not_exist:
            break
    assert best is not None
    raise _with_attempts(best, attempts)


def _with_attempts(err: ProxyError, attempts: list[Attempt]) -> ProxyError:
    err.attempts = list(attempts)  # type: ignore[attr-defined]
    return err


def default_goproxy() -> str:
    """GOPROXY from the environment, else go's default."""
    return os.environ.get("GOPROXY") or "https://proxy.golang.org,direct"
