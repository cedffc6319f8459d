"""The checks behind a scan: what the cache holds for one module version or one ``cache/vcs``
checkout, read under go's lock and checked the way go would read it (zip, ``.ziphash``, extracted
directory, ``.mod``, ``.info``, git repository).

Each check returns plain facts (marshal-able: they come back from the scan's worker processes);
:mod:`gomodlab.cache.scan` turns them into findings.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import stat
from typing import Any

from ..mod import lockedfile
from ._stat_signature import tree_unchanged, walk_tree
from .layout import _SUFFIXES, _Layout
from ..errors import CacheError

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC
_ZIPHASH_LEN = len("h1:") + 44
# bytes.TrimSpace: ASCII white space and the Unicode White_Space runes.
_GO_SPACE = (" \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
             "\u2028\u2029\u202f\u205f\u3000")
_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


# ---------------------------------------------------------------------------------------------
# Checking one module version (runs in worker processes)

def _sig(st: os.stat_result) -> str:
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def _ftype(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "f"
    if stat.S_ISDIR(mode):
        return "d"
    if stat.S_ISLNK(mode):
        return "l"
    return "o"


def _read_file(path: str, limit: int = 1 << 20) -> bytes:
    """A small regular file's bytes, never through a symlink and never blocking on a FIFO."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        chunks = []
        while True:
            b = os.read(fd, max(1, min(limit, st.st_size + 1)))
            if not b:
                break
            chunks.append(b)
            if sum(map(len, chunks)) > limit:
                raise OSError(errno.EFBIG, f"larger than {limit} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _sha256_file(path: str, size: int) -> tuple[str, int]:
    fd = os.open(path, _OPEN_FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        h = hashlib.sha256()
        n = 0
        want = size + 1 if size < (8 << 20) else (1 << 20)
        while True:
            b = os.read(fd, want)
            if not b:
                break
            h.update(b)
            n += len(b)
            if len(b) < want and size < (8 << 20):
                break
            want = 1 << 20
        return h.hexdigest(), n
    finally:
        os.close(fd)


def _hash_dir(files: list[tuple[str, str, str, int]], prefix: str) -> tuple[str, int, str, str]:
    """dirhash.HashDir over the walked files: (h1, bytes hashed, error, the file this user may not
    read when that is the error)."""
    import base64

    named = sorted(((f"{prefix}/{rel}/{name}" if rel else f"{prefix}/{name}").encode("utf-8", "surrogateescape"),
                    os.path.join(d, name), size) for rel, name, d, size in files)
    lines = []
    hashed = 0
    for name, path, size in named:
        if b"\n" in name:
            return "", hashed, "dirhash: filenames with newlines are not supported", ""
        try:
            digest, n = _sha256_file(path, size)
        except OSError as e:
            return "", hashed, f"open {path}: {e.strerror or e}", path if isinstance(e, PermissionError) else ""
        hashed += n
        lines.append(b"%s  %s\n" % (digest.encode(), name))
    return "h1:" + base64.b64encode(hashlib.sha256(b"".join(lines)).digest()).decode("ascii"), hashed, "", ""


def _denial(path: str) -> list[Any]:
    """[path, owner uid, permission bits] of something this user may not read: reported as such,
    never as damage (the bytes may be perfectly fine)."""
    try:
        st = os.lstat(path)
    except OSError:
        return [path, -1, 0]
    return [path, st.st_uid, stat.S_IMODE(st.st_mode)]


def _check_info(data: bytes, version: str) -> tuple[str, str, str]:
    """(error, Origin.VCS, Origin.URL) for a cached .info (json.Unmarshal into modfetch.RevInfo)."""
    try:
        info = json.loads(data.decode("utf-8", "surrogateescape"),
                          parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    except (ValueError, RecursionError) as e:
        return f"not JSON: {e}", "", ""
    if not isinstance(info, dict):
        return "not a JSON object", "", ""
    # encoding/json matches field names case-insensitively; the last duplicate wins.
    fields = {k.lower(): v for k, v in info.items()}
    v = fields.get("version")
    if v is not None and not isinstance(v, str):
        return "Version is not a string", "", ""
    t = fields.get("time")
    if t is not None:
        if not isinstance(t, str):
            return "Time is not an RFC 3339 string", "", ""
        m = _RFC3339.match(t)
        bad = m is None
        if m:
            y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
            try:
                import datetime

                datetime.datetime(max(y, 1), mo, d, h, mi, s)
            except ValueError:
                bad = True
        if bad:
            return f"Time {t!r} is not an RFC 3339 time", "", ""
    origin = fields.get("origin")
    vcs = url = ""
    if origin is not None:
        if not isinstance(origin, dict):
            return "Origin is not a JSON object", "", ""
        o = {k.lower(): val for k, val in origin.items()}
        vcs = o.get("vcs") if isinstance(o.get("vcs"), str) else ""
        url = o.get("url") if isinstance(o.get("url"), str) else ""
    if v != version:
        return f"names version {v!r}, not {version}" if v else "has no Version", vcs, url
    return "", vcs, url


def _check_mod(data: bytes, path: str, module: str, source_gomod: bytes | None = None) -> tuple[str, str]:
    """(declared module path, error) for a cached .mod, as modload reads a dependency's go.mod.

    A .mod naming another module is not damage by itself: go caches and accepts a fork's go.mod
    that kept its upstream path (it is used through ``replace``). It is damage when the module's
    own extracted go.mod (``source_gomod``, what the zip held) says otherwise.
    """
    from ..mod import modfile

    if module == "golang.org/toolchain":
        # Toolchain modules are downloaded for their zip alone (cmd/go/internal/toolchain): go never
        # reads their go.mod as a module's, and theirs has no module line (the cmd/go test proxy's
        # say just "golang.org/toolchain").
        return "", ""
    try:
        f = modfile.parse_gomod(data, path, lax=True)
    except modfile.GoModSyntaxError as e:
        return "", f"parsing go.mod: {e}"
    if f.module is None or not f.module.path:
        return "", "parsing go.mod: missing module line"
    if f.module.path != module and source_gomod is not None:
        try:
            source = modfile.parse_gomod(source_gomod, "go.mod", lax=True).module
        except modfile.GoModSyntaxError:
            source = None
        if source is not None and source.path != f.module.path:
            return f.module.path, (f"parsing go.mod:\n\tmodule declares its path as: {f.module.path}\n"
                                   f"\t        but was required as: {module}")
    return f.module.path, ""


def _go_trim_space(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape").strip(_GO_SPACE)


def _read_ziphash(path: str) -> tuple[str, str | None]:
    """(state, text) as checkMod and lockedfile.Read see a .ziphash: ``ok`` (text: the hash),
    ``invalid`` (text: the trimmed content), ``unreadable`` (text: why), ``locked`` (being written)."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except PermissionError as e:
        return "denied", e.strerror or str(e)
    except OSError as e:
        return "unreadable", e.strerror or str(e)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return "unreadable", "not a regular file"
        try:
            # hashZip rewrites .ziphash under lockedfile.Create (LOCK_EX); lockedfile.Read shares.
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                return "locked", None
        data = os.read(fd, 4096)
    finally:
        os.close(fd)
    text = _go_trim_space(data)
    if "\0" in text or len(text.encode("utf-8", "surrogateescape")) != _ZIPHASH_LEN or not text.startswith("h1:"):
        return "invalid", text
    return "ok", text


def _check(root: str, lay: _Layout, *, verify: bool = True, index: dict[str, list[Any]] | None = None,
           probe_lock: bool = True, retry: bool = True, lock_wait: float = 0.0) -> dict[str, Any]:
    """Everything the cache holds for one module version, checked under go's lock (read-only).

    Returns the raw facts that :func:`_derive` turns into findings, plus ``new_index`` entries for
    what it computed. The facts are plain data (marshal-able): they come back from worker processes.

    What is there is looked at afresh here, not taken from the enumeration: a go may have moved on
    since. While our shared lock is held, go cannot change the version's zip, .ziphash, .partial or
    directory (it does all that under the exclusive lock). If there was no lock file to hold and one
    appeared while we looked, a go started on the version: look again, now under its lock.
    """
    facts: dict[str, Any] = {"key": lay.key, "module": lay.module, "version": lay.version,
                             "state": "checked", "files": {}, "tmp": [], "legacy": [],
                             "xtype": "", "new_index": {}, "hits": 0, "hashed": 0,
                             "inflated": 0, "zip_read": 0, "denied": []}
    index = index or {}
    lock_path = os.path.join(lay.vdir, f"{lay.ev}.lock")
    lock = lockedfile.probe(lock_path, wait=lock_wait) if probe_lock else None
    if lock is not None and lock.state == "held":
        facts["state"] = "in-progress"
        return facts
    try:
        _check_locked(root, lay, facts, verify, index)
    finally:
        if lock is not None:
            lock.release()
    if lock is not None and lock.state == "absent" and retry and os.path.lexists(lock_path):
        return _check(root, lay, verify=verify, index=index, retry=False, lock_wait=lock_wait)
    return facts


def _cached(facts: dict[str, Any], index: dict[str, list[Any]], rel: str, sig: str) -> Any:
    hit = index.get(rel)
    if hit is not None and hit[0] == sig:
        facts["hits"] += 1
        return hit[1]
    return None


def _check_locked(root: str, lay: _Layout, facts: dict[str, Any], verify: bool,
                  index: dict[str, list[Any]]) -> dict[str, Any]:
    files = facts["files"]
    for suffix in _SUFFIXES:
        p = os.path.join(lay.vdir, f"{lay.ev}.{suffix}")
        try:
            st = os.lstat(p)
        except OSError:
            continue
        files[suffix] = (_ftype(st.st_mode), st.st_size, st.st_mtime_ns / 1e9, _sig(st), p)
    try:
        facts["xtype"] = xtype = _ftype(os.lstat(lay.xdir).st_mode)
    except OSError:
        xtype = ""
    for name in lay.tmp:
        p = os.path.join(lay.vdir, name)
        try:
            st = os.lstat(p)
        except FileNotFoundError:
            continue
        facts["tmp"].append((p, st.st_size, st.st_mtime))
    for p in lay.legacy:
        if os.path.lexists(p):
            facts["legacy"].append((p, walk_tree(p)[2] if os.path.isdir(p) and not os.path.islink(p) else 0))

    if "ziphash" in files:
        if files["ziphash"][0] == "f":
            state, text = _read_ziphash(files["ziphash"][4])
            if state == "locked":
                facts["state"] = "in-progress"
                return facts
            if state == "denied":
                facts["denied"].append(_denial(files["ziphash"][4]))
            else:
                facts["ziphash"] = (state, text)
        else:
            facts["ziphash"] = ("unreadable", "not a regular file (symbolic links are not followed)")

    rel_base = f"cache/download/{lay.esc}/@v/{lay.ev}"
    if "zip" in files:
        t, size, _, sig, p = files["zip"]
        if t != "f":
            facts["zip"] = {"h1": "", "errors": ["not a regular file (symbolic links are not followed)"],
                            "files": 0, "uncompressed": 0}
        else:
            rel = rel_base + ".zip"
            res = _cached(facts, index, rel, f"{sig}:{int(verify)}")
            if res is None:
                from ..mod import modzip

                try:
                    rep = modzip.read_module_zip(p, lay.module, lay.version, hash=verify)
                    res = {"h1": rep.h1, "errors": list(rep.errors), "files": rep.files,
                           "uncompressed": rep.uncompressed}
                    facts["inflated"] += rep.inflated
                    facts["hashed"] += rep.inflated
                    facts["zip_read"] += size
                except PermissionError:
                    facts["denied"].append(_denial(p))
                except OSError as e:
                    res = {"h1": "", "errors": [f"open {p}: {e.strerror or e}"], "files": 0, "uncompressed": 0}
                if res is not None:
                    facts["new_index"][rel] = [f"{sig}:{int(verify)}", res]
            if res is not None:
                facts["zip"] = res

    if xtype == "d":
        try:
            facts["dir_mtime"] = os.lstat(lay.xdir).st_mtime if "partial" not in files else None
        except OSError:
            facts["dir_mtime"] = None
        rel = f"{lay.esc}@{lay.ev}"
        hit = index.get(rel) if verify and "partial" not in files else None
        total = tree_unchanged(lay.xdir, hit[0]) if hit is not None else None
        if total is not None:
            facts["hits"] += 1
            facts["dir_files"] = hit[0]["files"].count("\0") + 1 if hit[0]["files"] else 0
            facts["dir_bytes"] = total
            facts["dir"] = hit[1]
        else:
            tree, dfiles, total, err, denied = walk_tree(lay.xdir)
            facts["dir_files"] = len(dfiles)
            facts["dir_bytes"] = total
            if verify and "partial" not in files:
                if not err:
                    h1, hashed, err, denied = _hash_dir(dfiles, f"{lay.module}@{lay.version}")
                    facts["hashed"] += hashed
                    if not err:
                        facts["new_index"][rel] = [tree, {"h1": h1, "error": ""}]
                if denied:
                    facts["denied"].append(_denial(denied))
                else:
                    facts["dir"] = {"h1": "" if err else h1, "error": err}

    for suffix in ("mod", "info"):
        if suffix not in files:
            continue
        t, size, _, sig, p = files[suffix]
        rel = f"{rel_base}.{suffix}"
        res = _cached(facts, index, rel, sig) if t == "f" else None
        if res is None:
            if t != "f":
                res = {"error": "not a regular file (symbolic links are not followed)"}
            else:
                try:
                    data = _read_file(p, 64 << 20)
                except PermissionError:
                    facts["denied"].append(_denial(p))
                    continue
                except OSError as e:
                    res = {"error": f"read {p}: {e.strerror or e}"}
                else:
                    if suffix == "mod":
                        from ..mod.dirhash import hash_gomod

                        declared, err = _check_mod(data, p, lay.module, _source_gomod(lay.xdir, xtype))
                        res = {"h1": hash_gomod(data), "module": declared, "error": err}
                    else:
                        err, vcs, url = _check_info(data, lay.version)
                        res = {"error": err, "vcs": vcs, "url": url}
                    facts["new_index"][rel] = [sig, res]
        facts[suffix] = res
    return facts


def _source_gomod(xdir: str, xtype: str) -> bytes | None:
    """The go.mod of an extracted module directory (a regular file only), or None."""
    if xtype != "d":
        return None
    p = os.path.join(xdir, "go.mod")
    try:
        if not stat.S_ISREG(os.lstat(p).st_mode):
            return None
        return _read_file(p, 16 << 20)
    except OSError:
        return None


# ---------------------------------------------------------------------------------------------
# VCS checkouts

def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    # Read-only: no optional lock files, no prompts, nothing from the caller's GIT_DIR & co.
    env.update(GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    return env


def _check_vcs(root: str, name: str, index: dict[str, list[Any]], lock_wait: float = 0.0) -> dict[str, Any]:
    vdir = os.path.join(root, "cache", "vcs")
    path = os.path.join(vdir, name)
    facts: dict[str, Any] = {"name": name, "path": path, "state": "checked", "remote": "", "error": "",
                             "bytes": 0, "new_index": {}}
    lock = lockedfile.probe(path + ".lock", wait=lock_wait)
    if lock.state == "held":
        facts["state"] = "in-progress"
        return facts
    with lock:
        key = ""
        try:
            key = _read_file(path + ".info").decode("utf-8", "surrogateescape")
        except FileNotFoundError:
            key = ""
        except OSError as e:
            facts["error"] = f"{path}.info: {e.strerror or e}"
        have = key.removesuffix("\n")
        if have:
            facts["remote"] = have.split(":", 1)[1] if ":" in have else have
            if hashlib.sha256(have.encode("utf-8", "surrogateescape")).hexdigest() != name:
                # codehost.WorkDir refuses to reuse the checkout.
                facts["error"] = (f"{path}.info exists with wrong content (have {json.dumps(have)}, "
                                  f"which is not the key hashed into {name})")
        try:
            st = os.lstat(path)
        except OSError:
            return facts
        if not stat.S_ISDIR(st.st_mode):
            return facts  # go wipes and re-creates it: not in the way
        if facts["error"] or not have or not os.path.isdir(os.path.join(path, "objects")):
            # Without an info file or an objects dir go starts the checkout from scratch.
            facts["bytes"] = walk_tree(path)[2]
            return facts
        rel = f"cache/vcs/{name}"
        hit = index.get(rel)
        total = tree_unchanged(path, hit[0]) if hit is not None else None
        if total is not None:
            facts["bytes"] = total
            facts["error"] = hit[1]
            return facts
        tree, _, facts["bytes"], walk_err, _ = walk_tree(path)
        err = walk_err if walk_err and "symbolic link" not in walk_err else ""
        if not err:
            err = _git_check(path)
        facts["error"] = err
        facts["new_index"][rel] = [tree, err]
    return facts


def _git_check(path: str) -> str:
    """"" when git can read the bare repository at ``path``; else git's complaint."""
    import subprocess

    env = _git_env()
    env["GIT_DIR"] = path
    for argv in (["git", "rev-parse", "--is-bare-repository"],
                 ["git", "for-each-ref", "--format=%(objectname)"],
                 ["git", "fsck", "--connectivity-only", "--no-dangling", "--no-progress"]):
        try:
            proc = subprocess.run(argv, cwd=path, env=env, capture_output=True, timeout=300,
                                  stdin=subprocess.DEVNULL)
        except FileNotFoundError:
            raise CacheError("git is not installed: cannot check cache/vcs checkouts") from None
        except subprocess.TimeoutExpired:
            return f"{' '.join(argv)}: timed out"
        if proc.returncode != 0:
            msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            shown = "; ".join(msg[:3]) if msg else ""
            return f"{' '.join(argv[:2])}: exit status {proc.returncode}" + (f": {shown}" if shown else "")
    return ""


