"""Checksum-mismatch triage: when go says ``checksum mismatch``, which side is wrong?

golang/go#33665 is still open: go reports the two hashes that disagree and stops; it does not say
whether the module cache was damaged, a proxy serves other bytes, the version was re-tagged
upstream, or someone edited go.sum. :func:`triage` gathers every hash there is for the module
version and subject (its zip, or its go.mod):

* the go.sum files given (each line is one observation; several files may disagree),
* the hash go printed in the error (``downloaded:``), when the error text is given,
* the cache: the recorded ``.ziphash``, a re-hash of the cached ``.zip``, the extracted
  directory's hash, the cached ``.mod``,
* a fresh download from *each* proxy of a GOPROXY list (not just the first that answers),

and classifies the cause (:data:`CAUSES`). The rules, in order (``G`` go.sum, ``R`` the recorded
.ziphash, ``Z`` the cached zip re-hashed, ``P`` the proxies):

1. go.sum agrees with the cache and every proxy → ``consistent`` (nothing to fix here).
2. ``Z ≠ R``, or the extracted dir differs from ``R``, or every proxy agrees with go.sum and not
   the cache → ``cache-damaged``: trust go.sum; evict the entry (``gomodlab fix``) and refetch.
3. proxies disagree among themselves → ``proxy-differs``: trust the proxy that agrees with go.sum.
4. every proxy agrees with the (self-consistent) cache but not with go.sum → ``gosum-edited`` when
   go.sum's hash is not even well-formed, when another given go.sum agrees with the proxies, or
   for a pseudo-version (its commit cannot be re-tagged); else ``retagged``: go.sum still holds the
   original content, trust it and fetch from a proxy that kept the original (or move to another
   version) rather than deleting the go.sum line.
5. anything else (e.g. no proxy given while the cache disagrees with go.sum) → ``unknown``, with
   what would decide it.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..mod import modpath, semver
from ..load import proxy
from ..errors import GomodlabError

__all__ = ["CAUSES", "Observation", "Triage", "Mismatch", "parse_mismatch", "triage"]

#: Cause → what it means.
CAUSES = {
    "consistent": "every source agrees: this module version is not the one that mismatches",
    "cache-damaged": "the module cache holds bytes other than those recorded or served: local damage",
    "proxy-differs": "the proxies serve different bytes for the same version",
    "retagged": "the version's content changed upstream after go.sum recorded it",
    "gosum-edited": "go.sum holds a hash that no cache or proxy has: the go.sum line was edited",
    "unknown": "not enough evidence to decide",
}


@dataclass(frozen=True, slots=True)
class Observation:
    """One hash seen for the subject: ``source`` names it, ``hash`` is ``""`` when unavailable,
    ``detail`` says where it came from (file:line, URL) or why it is missing."""

    source: str
    hash: str
    detail: str
    #: The file is there but cannot be read as what it should be (a truncated zip, say).
    unreadable: bool = False


@dataclass(frozen=True, slots=True)
class Triage:
    """The verdict for one module version and subject (``zip`` or ``go.mod``)."""

    module: str
    version: str
    subject: str
    observations: tuple[Observation, ...]
    cause: str
    trust: str
    explanation: str
    advice: str


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One ``checksum mismatch`` parsed out of go's error output."""

    module: str
    version: str
    subject: str
    downloaded: str
    recorded: str
    recorded_in: str


_GOSUM_RE = re.compile(r"verifying (\S+?)@(\S+?)(/go\.mod)?: checksum mismatch\s*\n\s*downloaded:\s*(h1:\S+)"
                       r"\s*\n\s*(.+?):\s+(h1:\S+)")
_SUMDB_RE = re.compile(r"(\S+?)@(\S+?)(?:/go\.mod)?: verifying (module|go\.mod): checksum mismatch"
                       r"\s*\n\s*downloaded:\s*"
                       r"(h1:\S+)\s*\n\s*(.+?):\s+(h1:\S+)")


def parse_mismatch(text: str) -> list[Mismatch]:
    """Every ``checksum mismatch`` in go's output (go.sum and checksum-database forms)."""
    out = []
    for m in _GOSUM_RE.finditer(text):
        out.append(Mismatch(m.group(1), m.group(2), "go.mod" if m.group(3) else "zip", m.group(4),
                            m.group(6), m.group(5).strip()))
    for m in _SUMDB_RE.finditer(text):
        out.append(Mismatch(m.group(1), m.group(2), "go.mod" if m.group(3) == "go.mod" else "zip",
                            m.group(4), m.group(6), m.group(5).strip()))
    return out


def _well_formed(h: str) -> bool:
    if not h.startswith("h1:") or len(h) != 47:
        return False
    try:
        return len(base64.b64decode(h[3:], validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def _gosum_observations(files: Iterable[str | os.PathLike[str]], module: str, version: str,
                        subject: str) -> list[Observation]:
    from ..mod import modfile

    key = version + ("/go.mod" if subject == "go.mod" else "")
    out = []
    for f in files:
        p = os.fspath(f)
        try:
            lines = modfile.parse_gosum(Path(p).read_bytes(), p)
        except OSError as e:
            raise GomodlabError(f"{p}: {e.strerror or e}") from None
        for line in lines:
            if line.path == module and line.version == key:
                out.append(Observation("go.sum", line.hash, f"{p}:{line.line}"))
    return out


def _cache_observations(root: str | os.PathLike[str], module: str, version: str,
                        subject: str) -> list[Observation]:
    from ..mod import dirhash, modzip
    from ._stat_signature import walk_tree
    from .checks import _hash_dir, _read_file, _read_ziphash
    from .layout import download_dir, extracted_dir

    r = os.path.realpath(root)
    vdir = download_dir(r, module)
    ev = modpath.escape_version(version)
    out = []
    if subject == "go.mod":
        p = vdir / f"{ev}.mod"
        try:
            out.append(Observation("cache .mod", dirhash.hash_gomod(_read_file(str(p), 64 << 20)), str(p)))
        except OSError as e:
            out.append(Observation("cache .mod", "", f"{p}: {e.strerror or e}"))
        return out
    zh = vdir / f"{ev}.ziphash"
    if zh.exists():
        state, text = _read_ziphash(str(zh))
        out.append(Observation("cache .ziphash", text or "" if state == "ok" else "",
                               str(zh) if state == "ok" else f"{zh}: {state} ({text!r})"))
    else:
        out.append(Observation("cache .ziphash", "", f"{zh}: missing"))
    z = vdir / f"{ev}.zip"
    try:
        rep = modzip.read_module_zip(z, module, version)
        out.append(Observation("cache zip", rep.h1, str(z)) if rep.h1 else
                   Observation("cache zip", "", f"{z}: " + "; ".join(rep.errors), unreadable=True))
    except FileNotFoundError:
        out.append(Observation("cache zip", "", f"{z}: missing"))
    except OSError as e:
        out.append(Observation("cache zip", "", f"{z}: {e.strerror or e}", unreadable=True))
    d = extracted_dir(r, module, version)
    if d.is_dir() and not d.is_symlink():
        _, files, _, err, _ = walk_tree(str(d))
        if err:
            out.append(Observation("cache dir", "", f"{d}: {err}"))
        else:
            h1, _, herr, _ = _hash_dir(files, f"{module}@{version}")
            out.append(Observation("cache dir", h1, str(d) if h1 else f"{d}: {herr}", unreadable=not h1))
    return out


def _proxy_observations(goproxy: str, module: str, version: str, subject: str,
                        fetcher: Callable[[str], bytes]) -> list[Observation]:
    from ..mod import dirhash, modzip

    out = []
    for spec in proxy.parse_goproxy(goproxy):
        if spec.url in ("off", "direct"):
            out.append(Observation(f"proxy {spec.url}", "", "not consulted (gomodlab reads proxies only)"))
            continue
        endpoint = "mod" if subject == "go.mod" else "zip"
        url = proxy.endpoint_url(spec.url, module, endpoint, version)
        try:
            data = fetcher(url)
        except proxy.ProxyError as e:
            out.append(Observation(f"proxy {spec.url}", "", str(e)))
            continue
        if subject == "go.mod":
            out.append(Observation(f"proxy {spec.url}", dirhash.hash_gomod(data), url))
        else:
            rep = modzip.read_module_zip_bytes(data, module, version)
            out.append(Observation(f"proxy {spec.url}", rep.h1, url if rep.h1 else f"{url}: " + "; ".join(rep.errors)))
    return out


def _classify(module: str, version: str, subject: str, obs: list[Observation]) -> tuple[str, str, str, str]:
    def hashes(prefix: str) -> list[str]:
        return [o.hash for o in obs if o.source.startswith(prefix) and o.hash]

    sums = hashes("go.sum") + hashes("checksum database")
    recorded = hashes("cache .ziphash") + hashes("cache .mod")
    zipped = hashes("cache zip")
    dirs = hashes("cache dir")
    proxies = hashes("proxy")
    cache_hash = (recorded or zipped or dirs or [""])[0]
    g = sums[0] if sums else ""
    distinct_sums = set(sums)

    if not g:
        return ("unknown", "", "no go.sum line for this version was given",
                "pass --gosum FILE (the go.sum go complained about) or --from-error (go's output)")
    # 2. the cache contradicts itself: damage after download (an unreadable zip or dir included).
    broken = [o.detail for o in obs if o.source.startswith("cache ") and o.unreadable]
    if broken:
        return ("cache-damaged", "go.sum and the proxies",
                f"the cached copy cannot be read: {broken[0]}",
                "evict the entry and download it again: gomodlab fix --apply --refetch")
    if (recorded and zipped and recorded[0] != zipped[0]) or (cache_hash and dirs and dirs[0] != cache_hash):
        trust = "go.sum" if g == (recorded[0] if recorded else "") else "go.sum and the proxies"
        return ("cache-damaged", trust,
                "the cached files no longer match the hash go recorded when it downloaded them",
                "evict the entry and download it again: gomodlab fix --apply --refetch")
    if len(distinct_sums) > 1 and proxies and len(set(proxies)) == 1:
        agree = [o.detail for o in obs if o.source == "go.sum" and o.hash == proxies[0]]
        odd = [o.detail for o in obs if o.source == "go.sum" and o.hash != proxies[0]]
        if agree:
            return ("gosum-edited", "go.sum lines that agree with the proxies",
                    f"{', '.join(odd)} disagree(s) with {', '.join(agree)} and with every proxy",
                    "restore the odd go.sum from version control, or delete its line and run go mod tidy")
    all_agree = all(h == g for h in recorded + zipped + dirs + proxies)
    if all_agree and (recorded or zipped or proxies):
        return ("consistent", "all sources", "go.sum, the cache and the proxies agree",
                "nothing to fix for this module version")
    if proxies:
        if len(set(proxies)) > 1:
            good = [o.source for o in obs if o.source.startswith("proxy") and o.hash == g]
            bad = [o.source for o in obs if o.source.startswith("proxy") and o.hash and o.hash != g]
            return ("proxy-differs", ", ".join(good) or "go.sum",
                    f"{', '.join(bad)} serve(s) other bytes than {', '.join(good) or 'go.sum records'}",
                    "fetch through a proxy that agrees with go.sum (GOPROXY), and report the other proxy")
        p = proxies[0]
        if p == g:
            return ("cache-damaged", "go.sum and the proxies",
                    "every proxy serves what go.sum records; the cache holds something else",
                    "evict the entry and download it again: gomodlab fix --apply --refetch")
        if not cache_hash or cache_hash == p:
            if not _well_formed(g):
                return ("gosum-edited", "the cache and the proxies",
                        f"go.sum's {g!r} is not even a well-formed h1: hash",
                        "restore go.sum from version control, or delete the line and run go mod tidy")
            if semver.is_pseudo(version):
                return ("gosum-edited", "the cache and the proxies",
                        "a pseudo-version names one commit, which cannot be re-tagged, yet go.sum differs "
                        "from every proxy and the cache",
                        "restore go.sum from version control, or delete the line and run go mod tidy")
            return ("retagged", "go.sum",
                    "every proxy and the cache agree on content that differs from what go.sum recorded: the "
                    "tag was most likely moved upstream after go.sum was written (or go.sum was edited)",
                    "keep go.sum; fetch the original through a caching proxy (e.g. proxy.golang.org) or "
                    "upgrade to a new version; do not just delete the go.sum line")
        return ("unknown", "", "the cache, the proxies and go.sum all differ",
                "inspect each source; evicting the cache entry is safe: gomodlab fix --apply")
    if cache_hash and cache_hash != g:
        if not _well_formed(g):
            return ("gosum-edited", "the cache", f"go.sum's {g!r} is not even a well-formed h1: hash",
                    "restore go.sum from version control, or delete the line and run go mod tidy")
        return ("unknown", "", "the cache is self-consistent but differs from go.sum; only a fresh download "
                "can tell whether the cache or go.sum is wrong",
                "pass --proxy GOPROXY to compare with a fresh download from each proxy")
    return "unknown", "", "no cached copy and no proxy to compare with", "pass --cache DIR or --proxy GOPROXY"


def triage(module: str, version: str, *, cache: str | os.PathLike[str] | None = None,
           gosum: Iterable[str | os.PathLike[str]] = (), goproxy: str | None = None,
           mismatches: Iterable[Mismatch] = (), subjects: Iterable[str] = ("zip", "go.mod"),
           fetcher: Callable[[str], bytes] = proxy.fetch) -> tuple[Triage, ...]:
    """Triage ``module@version``: one :class:`Triage` per subject that has a go.sum line or an error.

    ``mismatches``: what go printed (:func:`parse_mismatch`); the hash it quotes from go.sum or the
    checksum database counts as a go.sum line, its ``downloaded:`` hash is shown for reference.
    ``goproxy`` is a GOPROXY list: each proxy in it is asked (``fetcher`` does the GET).
    """
    modpath.check(module, version)
    gosum = list(gosum)
    mismatches = [m for m in mismatches if (m.module, m.version) == (module, version)]
    out = []
    for subject in subjects:
        obs = _gosum_observations(gosum, module, version, subject)
        for m in mismatches:
            if m.subject == subject:
                db = not m.recorded_in.endswith(".sum")
                obs.append(Observation("checksum database" if db else "go.sum", m.recorded,
                                       f"{m.recorded_in} (quoted in go's error)"))
                obs.append(Observation("downloaded (go's error)", m.downloaded,
                                       "what go computed for the bytes it had"))
        if not obs:
            continue
        if cache is not None:
            obs += _cache_observations(cache, module, version, subject)
        if goproxy:
            obs += _proxy_observations(goproxy, module, version, subject, fetcher)
        cause, trust, why, advice = _classify(module, version, subject, obs)
        out.append(Triage(module, version, subject, tuple(obs), cause, trust, why, advice))
    return tuple(out)
