"""Quarantine sessions: where evicted cache entries go, the journal that makes each move
crash-safe, and :func:`restore`, which puts everything back.

:func:`gomodlab.cache.repair.apply` moves entries into a *session* outside the cache::

    <quarantine base>/<UTC time>-<pid>/          one session per apply (default base: <cache>.quarantine)
        journal.jsonl                            every step, written and fsync'ed before it is made
        manifest.json                            what was moved from where, and why (derived)
        cache/download/<esc>/@v/<ev>.zip ...     the moved entries, at their cache-relative paths
        <esc>@<ev>/ ...

Rules that make this safe:

* **moves are renames** on one file system (the quarantine must be on the cache's device), so a
  file is always wholly in the cache or wholly in the quarantine.
* **journal before move**: the intent (source, destination, the modes of every directory that
  will be made writable) is fsync'ed before the rename; a completion record follows it. After a
  crash, :func:`restore` rolls every started move back (exact bytes and modes), and a re-run of
  :func:`gomodlab.cache.repair.apply` rolls the interrupted session forward to the complete fix.
* **read-only bits** (go's extracted trees are ``0555``) are cleared only on what is moved, so the
  quarantine can be deleted with plain ``rm -r``; the original modes are journaled and restored.
* nothing is ever deleted; lock files stay where they are (go never removes them either: another
  process may be waiting on one). A lock file that had to be created, as go would create it, is
  journaled (``lock-created``) and stays after a restore: an empty file, not part of any entry.

:func:`restore` returns a result record; nothing here prints.
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..mod import lockedfile
from ..errors import CacheError

__all__ = ["MoveResult", "RestoreResult", "restore", "pending_sessions", "default_quarantine_base",
           "read_journal", "CRASH_ENV"]

#: Test hook: SIGKILL this process right after its N-th journaled step (crash-safety tests).
CRASH_ENV = "GOMODLAB_TEST_CRASH_AT"


@dataclass(frozen=True, slots=True)
class MoveResult:
    src: str
    dst: str
    type: str
    bytes: int
    state: str   # "moved", "absent" (nothing there any more)


@dataclass(frozen=True)
class RestoreResult:
    """What :func:`restore` put back; ``displaced`` are cache entries (e.g. refetched ones) that had
    taken the place of a quarantined one and were moved into the session's ``displaced/`` folder."""

    session: str
    restored: tuple[str, ...]
    displaced: tuple[str, ...]
    skipped: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# Paths

def _rel(root: str, path: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


# ---------------------------------------------------------------------------------------------
# Journal

def read_journal(session: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The journal's records; a torn last line (a crash mid-write) is ignored."""
    path = Path(session) / "journal.jsonl"
    out = []
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CacheError(f"{session}: not a gomodlab quarantine session (no journal.jsonl)") from None
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except ValueError:
            break
    return out


class _Journal:
    def __init__(self, session: Path) -> None:
        self.path = session / "journal.jsonl"
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0), 0o644)
        self.steps = 0
        crash = os.environ.get(CRASH_ENV, "")
        self.crash_at = int(crash) if crash.isdigit() else 0

    def write(self, rec: Mapping[str, Any]) -> None:
        os.write(self.fd, (json.dumps(rec, separators=(",", ":")) + "\n").encode())
        os.fsync(self.fd)
        self.step()

    def step(self) -> None:
        """Count a step; the crash test hook kills us right after the chosen one."""
        self.steps += 1
        if self.crash_at and self.steps == self.crash_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def close(self) -> None:
        os.close(self.fd)


def _dir_modes(path: str) -> list[list[Any]]:
    """[relative path, mode] for ``path`` (``""``) and every directory below it."""
    out = []
    stack = [""]
    while stack:
        rel = stack.pop()
        p = os.path.join(path, rel) if rel else path
        try:
            st = os.lstat(p)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode):
            continue
        out.append([rel, stat.S_IMODE(st.st_mode)])
        try:
            with os.scandir(p) as it:
                for e in it:
                    if e.is_dir(follow_symlinks=False):
                        stack.append(f"{rel}/{e.name}" if rel else e.name)
        except OSError:
            continue
    return out


def _make_writable(path: str, modes: list[list[Any]]) -> None:
    for rel, mode in modes:
        if not mode & stat.S_IWUSR:
            try:
                os.chmod(os.path.join(path, rel) if rel else path, mode | stat.S_IWUSR)
            except OSError:
                pass


def _set_modes(path: str, modes: list[list[Any]]) -> None:
    # Deepest first and the top last, as go's makeDirsReadOnly does it.
    for rel, mode in sorted(modes, key=lambda rm: -rm[0].count("/") - (1 if rm[0] else 0)):
        try:
            os.chmod(os.path.join(path, rel) if rel else path, mode)
        except OSError:
            pass


def _check_outside(root: str, base: str) -> None:
    r = os.path.realpath(root)
    b = os.path.realpath(base)
    if b == r or b.startswith(r.rstrip(os.sep) + os.sep) or r.startswith(b.rstrip(os.sep) + os.sep):
        raise CacheError(f"quarantine {base} must be outside the module cache {root} (and not contain it)")


def default_quarantine_base(root: str | os.PathLike[str]) -> Path:
    """``<cache root>.quarantine`` beside the cache: outside it, and on the same file system."""
    r = os.path.realpath(root)
    return Path(r.rstrip(os.sep) + ".quarantine")


def _same_device(root: str, base: Path) -> None:
    probe = base
    while not probe.exists():
        probe = probe.parent
    if os.stat(probe).st_dev != os.stat(root).st_dev:
        raise CacheError(f"quarantine {base} is on another file system than the cache {root}: moves must "
                         "be renames so that a crash never leaves a half-copied file (choose --quarantine "
                         "on the cache's file system)")


def _move(journal: _Journal, root: str, session: Path, seq: int, src_rel: str, typ: str, nbytes: int,
          action_id: int) -> tuple[MoveResult, list[list[Any]]]:
    """Journal, then make, one move; returns its result and the directory modes it journaled."""
    src = os.path.join(root, *src_rel.split("/"))
    dst = session.joinpath(*src_rel.split("/"))
    if not os.path.lexists(src):
        return MoveResult(src_rel, str(dst), typ, 0, "absent"), []
    is_dir = os.path.isdir(src) and not os.path.islink(src)
    modes = _dir_modes(src) if is_dir else []
    journal.write({"op": "move", "seq": seq, "action": action_id, "src": src_rel, "type": typ,
                   "bytes": nbytes, "modes": modes, "mtimes": _mtimes(src)})
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
        if is_dir and not modes[0][1] & stat.S_IWUSR:
            # Moving a directory to another parent rewrites its "..": it must be writable.
            os.chmod(src, modes[0][1] | stat.S_IWUSR)
            journal.step()
        os.rename(src, dst)
    except OSError:
        if modes and os.path.lexists(src):
            _set_modes(src, modes[:1])
        journal.write({"op": "unmoved", "seq": seq, "never_moved": True})
        raise
    journal.step()
    if is_dir:
        _make_writable(str(dst), modes)
        journal.step()
    journal.write({"op": "moved", "seq": seq})
    return MoveResult(src_rel, str(dst), typ, nbytes, "moved"), modes


def _mtimes(src: str) -> list[int]:
    """[mtime of the entry, mtime of its directory] in ns, before a move changes them: a restore
    puts them back, so the cache is as it was (a rename changes the directory's mtime, and a moved
    directory's own when its ".." entry is rewritten)."""
    try:
        return [os.lstat(src).st_mtime_ns, os.stat(os.path.dirname(src)).st_mtime_ns]
    except OSError:
        return []


def _put_back_mtimes(root: str, recs: list[dict[str, Any]]) -> None:
    """Set the mtimes :func:`_mtimes` recorded, latest move first, so that a directory several
    moves left ends with the time it had before the first one."""
    for rec in sorted(recs, key=lambda r: -r["seq"]):
        times = rec.get("mtimes") or []
        if len(times) != 2:
            continue  # journaled by a gomodlab that did not record them
        src = os.path.join(root, *rec["src"].split("/"))
        for path, mtime in ((src, times[0]), (os.path.dirname(src), times[1])):
            try:
                os.utime(path, ns=(os.lstat(path).st_atime_ns, mtime), follow_symlinks=False)
            except OSError:
                pass  # gone again, or not ours to touch: the bytes are back, which is what matters


def _unmove(journal: _Journal, root: str, session: Path, seq: int, src_rel: str, modes: list[list[Any]]) -> None:
    """Journal, then move back, one move (the cache path must be free); modes as they were."""
    src = os.path.join(root, *src_rel.split("/"))
    journal.write({"op": "unmove", "seq": seq})
    os.makedirs(os.path.dirname(src), exist_ok=True)
    os.rename(session.joinpath(*src_rel.split("/")), src)
    journal.step()
    if modes:
        _set_modes(src, modes)
    journal.write({"op": "unmoved", "seq": seq})


def _finish_move(root: str, session: Path, rec: dict[str, Any]) -> None:
    """Roll one journaled move forward, whichever step the crash interrupted."""
    src = os.path.join(root, *rec["src"].split("/"))
    dst = session.joinpath(*rec["src"].split("/"))
    if not os.path.lexists(dst):
        if not os.path.lexists(src):
            return  # gone from both places before the move: nothing was ever taken
        dst.parent.mkdir(parents=True, exist_ok=True)
        if rec["modes"] and not rec["modes"][0][1] & stat.S_IWUSR:
            os.chmod(src, rec["modes"][0][1] | stat.S_IWUSR)
        os.rename(src, dst)
    if rec["modes"]:
        _make_writable(str(dst), rec["modes"])


def pending_sessions(base: str | os.PathLike[str], root: str | os.PathLike[str]) -> list[Path]:
    """Sessions under ``base`` for the cache at ``root`` whose apply never finished (a crash)."""
    out = []
    b = Path(base)
    if not b.is_dir():
        return out
    r = os.path.realpath(root)
    for s in sorted(b.iterdir()):
        if not (s / "journal.jsonl").is_file():
            continue
        recs = read_journal(s)
        if not recs or recs[0].get("root") != r:
            continue
        ops = {rec["op"] for rec in recs}
        if "end" not in ops and "restore-end" not in ops and "restore-begin" not in ops:
            out.append(s)
    return out


def _new_session(base: Path) -> Path:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S")
    for n in range(1000):
        s = base / (f"{stamp}-{os.getpid()}" + (f"-{n}" if n else ""))
        try:
            s.mkdir(parents=True)
            return s
        except FileExistsError:
            continue
    raise CacheError(f"{base}: cannot create a quarantine session directory")


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _write_manifest(session: Path) -> None:
    """manifest.json: the journal digested (what is where, why, and the session's state)."""
    recs = read_journal(session)
    head = next((r for r in recs if r["op"] == "session"), {})
    plan = next((r for r in recs if r["op"] == "plan"), {"actions": []})
    done = {r["seq"] for r in recs if r["op"] == "moved"}
    back = {r["seq"] for r in recs if r["op"] == "unmoved"}
    moves = [r for r in recs if r["op"] == "move"]
    ops = {r["op"] for r in recs}
    state = ("restored" if "restore-end" in ops else "restoring" if "restore-begin" in ops
             else "applied" if "end" in ops else "incomplete")
    entries = []
    for i, a in enumerate(plan["actions"]):
        items = [{"cache_path": m["src"], "quarantine_path": m["src"], "type": m["type"], "bytes": m["bytes"],
                  "state": "restored" if m["seq"] in back else "in-quarantine" if m["seq"] in done else "started"}
                 for m in moves if m["action"] == i]
        entries.append({"module": a["module"], "version": a["version"], "reason": a["reason"],
                        "kinds": a["kinds"], "detail": a.get("detail", ""), "items": items})
    manifest = {"cache": head.get("root"), "created": head.get("created"), "state": state,
                "cache_bytes_before": head.get("cache_bytes"),
                "bytes_in_quarantine": sum(m["bytes"] for m in moves if m["seq"] in done and m["seq"] not in back),
                "entries": entries,
                "refetch": [{k: r[k] for k in ("module", "version", "ok", "detail")}
                            for r in recs if r["op"] == "refetch"],
                "displaced": [r["dst"] for r in recs if r["op"] == "displaced"]}
    tmp = session / ".manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(tmp, session / "manifest.json")


# ---------------------------------------------------------------------------------------------
# Restore

def _resolve_session(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    if (p / "journal.jsonl").is_file():
        return p
    if p.is_dir():
        sessions = sorted(s for s in p.iterdir() if (s / "journal.jsonl").is_file())
        if len(sessions) == 1:
            return sessions[0]
        if sessions:
            raise CacheError(f"{p} holds {len(sessions)} quarantine sessions; name one: "
                             + ", ".join(s.name for s in sessions))
    raise CacheError(f"{p}: not a gomodlab quarantine session (no journal.jsonl)")


def _displace(journal: _Journal, root: str, session: Path, rel: str, seq: int) -> None:
    """Move a cache entry that took a quarantined one's place into ``<session>/displaced/``."""
    src = os.path.join(root, *rel.split("/"))
    aside = session / "displaced" / rel
    n = 1
    while os.path.lexists(aside):
        aside = session / "displaced" / f"{rel}.{n}"
        n += 1
    journal.write({"op": "displace", "seq": seq, "src": rel, "dst": _rel(str(session), str(aside))})
    aside.parent.mkdir(parents=True, exist_ok=True)
    modes = _dir_modes(src) if os.path.isdir(src) and not os.path.islink(src) else []
    if modes:
        _make_writable(src, modes[:1])
    os.rename(src, aside)
    if modes:
        _make_writable(str(aside), modes)
    journal.write({"op": "displaced", "seq": seq, "dst": _rel(str(session), str(aside))})


def restore(session: str | os.PathLike[str], *, lock_timeout: float = 30.0) -> RestoreResult:
    """Put everything a session moved back into the cache, exact bytes and modes.

    Works on finished, interrupted (crashed) and partly restored sessions alike. If go has since
    re-created an entry (e.g. ``--refetch``), that copy is moved into ``<session>/displaced/``
    first, so nothing is lost either way.
    """
    s = _resolve_session(session)
    recs = read_journal(s)
    head = next((r for r in recs if r["op"] == "session"), None)
    if head is None:
        raise CacheError(f"{s}: journal has no session record")
    root = head["root"]
    plan = next((r for r in recs if r["op"] == "plan"), {"actions": []})
    moves = [r for r in recs if r["op"] == "move"]
    back = {r["seq"] for r in recs if r["op"] == "unmoved"}
    journal = _Journal(s)
    restored: list[str] = []
    displaced: list[str] = []
    skipped: list[str] = []
    try:
        journal.write({"op": "restore-begin", "at": _now()})
        started = {rec["action"] for rec in moves if rec["seq"] not in back}
        for i, a in enumerate(plan["actions"]):
            if i not in started:
                continue
            with lockedfile.Mutex(os.path.join(root, *a["lock"].split("/")), timeout=lock_timeout):
                for rel in a.get("absent", ()):
                    if os.path.lexists(os.path.join(root, *rel.split("/"))):
                        _displace(journal, root, s, rel, -1)
                        displaced.append(rel)
        for rec in sorted(moves, key=lambda r: -r["seq"]):
            if rec["seq"] in back:
                continue
            action = plan["actions"][rec["action"]] if rec["action"] < len(plan["actions"]) else None
            lock_rel = action["lock"] if action else None
            src = os.path.join(root, *rec["src"].split("/"))
            dst = s.joinpath(*rec["src"].split("/"))
            mutex = None
            if lock_rel:
                lock_path = os.path.join(root, *lock_rel.split("/"))
                os.makedirs(os.path.dirname(lock_path), exist_ok=True)
                try:
                    mutex = lockedfile.Mutex(lock_path, timeout=lock_timeout).lock()
                except lockedfile.LockTimeout:
                    skipped.append(rec["src"])
                    continue
                if mutex.created:
                    journal.write({"op": "lock-created", "path": lock_rel})
            try:
                if os.path.lexists(dst):
                    if os.path.lexists(src):
                        _displace(journal, root, s, rec["src"], rec["seq"])
                        displaced.append(rec["src"])
                    _unmove(journal, root, s, rec["seq"], rec["src"], rec["modes"])
                    restored.append(rec["src"])
                elif os.path.lexists(src):
                    # Never moved (a crash before the rename): undo the chmod it may have had.
                    if rec["modes"]:
                        _set_modes(src, rec["modes"][:1])
                    journal.write({"op": "unmoved", "seq": rec["seq"], "never_moved": True})
                else:
                    skipped.append(rec["src"])
            finally:
                if mutex is not None:
                    mutex.unlock()
        _put_back_mtimes(root, [rec for rec in moves if rec["src"] in set(restored)])
        journal.write({"op": "restore-end", "at": _now()})
    finally:
        journal.close()
    _write_manifest(s)
    return RestoreResult(str(s), tuple(restored), tuple(displaced), tuple(skipped))
