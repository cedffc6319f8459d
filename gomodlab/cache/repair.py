"""Evict damaged (or unwanted) module cache entries into a quarantine: plan, apply, refetch.

Instead of ``go clean -modcache`` (everything gone, evidence included), :func:`plan_repair` picks
exactly the files and directories behind each finding of a :func:`gomodlab.cache.scan.scan`, and
:func:`apply` moves them into a *quarantine session* outside the cache (its layout, its journal and
:func:`~gomodlab.cache.quarantine.restore`, which puts them back: :mod:`gomodlab.cache.quarantine`).

* **go's lock**: each version is handled under ``<ev>.lock`` (``cache/vcs/<hash>.lock`` for a VCS
  checkout), taken exactly as go takes it (:class:`gomodlab.mod.lockedfile.Mutex`), and re-checked
  under the lock before anything moves; a version a running go holds past the timeout is skipped.
* **roll forward**: a re-run of :func:`apply` first finishes a session a crash interrupted
  (:func:`resume_session`), from its journal, to the complete fix.

The plan is a model (:class:`Plan`, :meth:`Plan.frame` for a DataFrame); apply returns result
records; none of them print.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .layout import _TMP_RE, cache_size
from .scan import KINDS, ScanResult, check_version
from .quarantine import (
    MoveResult, _check_outside, _finish_move, _Journal, _move, _new_session, _now, _rel,
    _resolve_session, _same_device, _unmove, _write_manifest, default_quarantine_base,
    pending_sessions, read_journal,
)
from ..mod import lockedfile, modpath
from ..errors import CacheError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Move", "Action", "Plan", "ActionResult", "RefetchResult", "ApplyResult", "plan_repair",
           "version_action", "apply", "refetch", "resume_session"]

_KIND_MOVES: dict[str, tuple[str, ...]] = {
    # What go would throw away or refuse, per finding kind (suffixes in @v, "dir" = extracted dir).
    "zip-unreadable": ("zip", "ziphash", "partial", "dir"),
    "zip-modified": ("zip", "ziphash", "partial", "dir"),
    "ziphash-missing": ("zip", "ziphash", "partial", "dir"),
    "ziphash-invalid": ("zip", "ziphash", "partial", "dir"),
    "dir-modified": ("partial", "dir"),
    "dir-partial": ("partial", "dir", "legacy"),
    "tmp-leftover": ("tmp",),
    "mod-unreadable": ("mod",),
    "info-unreadable": ("info",),
}


@dataclass(frozen=True, slots=True)
class Move:
    """One file or directory to move: ``src`` is relative to the cache root (``/``-separated)."""

    src: str
    type: str   # "file" or "dir"
    bytes: int


@dataclass(frozen=True, slots=True)
class Action:
    """Everything to move for one module version (or one VCS checkout), under one lock.

    ``reason``: ``damaged`` (from findings), ``unused`` or ``orphan`` (hygiene trim). ``lock`` is
    the lock file, relative to the cache root. ``refetch``: whether ``--refetch`` downloads it again.
    ``absent``: paths of the version that did not exist when planned (a missing ``.ziphash``…);
    whatever appears there later (a refetch) is set aside by a restore, so it restores exactly.
    """

    module: str
    version: str
    reason: str
    kinds: tuple[str, ...]
    lock: str
    moves: tuple[Move, ...]
    refetch: bool
    detail: str = ""
    absent: tuple[str, ...] = ()

    @property
    def bytes(self) -> int:
        return sum(m.bytes for m in self.moves)


@dataclass(frozen=True)
class Plan:
    """Actions for one cache; ``cache_bytes`` is what ``go clean -modcache`` would throw away."""

    root: str
    actions: tuple[Action, ...]
    cache_bytes: int
    cache_files: int

    @property
    def bytes(self) -> int:
        return sum(a.bytes for a in self.actions)

    def frame(self) -> "pd.DataFrame":
        """One row per move: module, version, reason, kinds, path, type, bytes, refetch."""
        import pandas as pd

        rows = [(a.module, a.version, a.reason, ",".join(a.kinds), m.src, m.type, m.bytes, a.refetch)
                for a in self.actions for m in a.moves]
        return pd.DataFrame.from_records(rows, columns=["module", "version", "reason", "kinds", "path",
                                                        "type", "bytes", "refetch"]).astype(
            {"bytes": "int64", "refetch": bool})

    def to_dict(self) -> dict[str, Any]:
        return {"root": self.root, "cache_bytes": self.cache_bytes, "cache_files": self.cache_files,
                "bytes": self.bytes, "actions": [
                    {**{k: v for k, v in asdict(a).items() if k != "moves"}, "kinds": list(a.kinds),
                     "absent": list(a.absent), "moves": [asdict(m) for m in a.moves]} for a in self.actions]}


@dataclass(frozen=True, slots=True)
class ActionResult:
    action: Action
    state: str        # "moved", "skipped-in-progress", "already-fixed", "nothing-to-move", "error"
    detail: str
    moves: tuple[MoveResult, ...]


@dataclass(frozen=True, slots=True)
class RefetchResult:
    module: str
    version: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class ApplyResult:
    """What :func:`apply` did. ``bytes_kept`` stayed in the cache, ``bytes_moved`` went to quarantine."""

    session: str
    actions: tuple[ActionResult, ...]
    refetched: tuple[RefetchResult, ...]
    resumed: tuple[str, ...]
    bytes_moved: int
    bytes_kept: int
    cache_bytes: int

    @property
    def ok(self) -> bool:
        return (all(a.state in ("moved", "already-fixed", "nothing-to-move") for a in self.actions)
                and all(r.ok for r in self.refetched))


# ---------------------------------------------------------------------------------------------
# Planning

def _size(path: str) -> tuple[str, int]:
    try:
        st = os.lstat(path)
    except OSError:
        return "", 0
    if stat.S_ISDIR(st.st_mode):
        return "dir", cache_size(path)[0]
    return "file", st.st_size


def _version_paths(root: str, module: str, version: str) -> dict[str, list[str]]:
    """Absolute paths of what exists for a version, by role (zip, ziphash, …, dir, legacy, tmp)."""
    esc, ev = modpath.escape_path(module), modpath.escape_version(version)
    vdir = os.path.join(root, "cache", "download", *esc.split("/"), "@v")
    xdir = os.path.join(root, *esc.split("/")) + "@" + ev
    out: dict[str, list[str]] = {k: [] for k in ("info", "mod", "zip", "ziphash", "partial", "tmp", "dir", "legacy")}
    try:
        names = os.listdir(vdir)
    except OSError:
        names = []
    for n in names:
        if not n.startswith(ev + "."):
            continue
        rest = n[len(ev) + 1:]
        tmp = _TMP_RE.match(n)
        if rest in ("info", "mod", "zip", "ziphash", "partial"):
            out[rest].append(os.path.join(vdir, n))
        elif tmp and tmp.group(1) == ev:
            out["tmp"].append(os.path.join(vdir, n))
    if os.path.lexists(xdir):
        out["dir"].append(xdir)
    parent, base = os.path.split(xdir)
    try:
        out["legacy"] = [os.path.join(parent, n) for n in sorted(os.listdir(parent)) if n.startswith(base + ".tmp-")]
    except OSError:
        pass
    return out


def _lock_rel(module: str, version: str) -> str:
    esc, ev = modpath.escape_path(module), modpath.escape_version(version)
    return f"cache/download/{esc}/@v/{ev}.lock"


def version_action(root: str, module: str, version: str, roles: Iterable[str], *, reason: str,
                   kinds: tuple[str, ...] = (), refetch: bool, detail: str = "") -> Action | None:
    """An action moving the given roles of one version (``zip``, ``dir``, ``tmp``…), or None if none exist."""
    paths = _version_paths(root, module, version)
    moves = []
    for role in ("zip", "ziphash", "partial", "mod", "info", "tmp", "dir", "legacy"):
        if role not in roles:
            continue
        for p in paths[role]:
            t, n = _size(p)
            if t:
                moves.append(Move(_rel(root, p), t, n))
    if not moves:
        return None
    esc, ev = modpath.escape_path(module), modpath.escape_version(version)
    expected = {r: f"cache/download/{esc}/@v/{ev}.{r}" for r in ("zip", "ziphash", "mod", "info")}
    expected["dir"] = f"{esc}@{ev}"
    absent = tuple(rel for r, rel in expected.items() if r in roles and not paths[r])
    return Action(module, version, reason, kinds, _lock_rel(module, version), tuple(moves), refetch, detail, absent)


def plan_repair(result: ScanResult) -> Plan:
    """The actions that evict every damaged entry a scan found (a pure function of the scan and disk)."""
    root = result.root
    actions: list[Action] = []
    for (module, key), found in sorted(result.damaged().items(), key=lambda kv: kv[0]):
        kinds = tuple(sorted({f.kind for f in found}, key=KINDS.index))
        detail = "; ".join(f.detail.splitlines()[0] for f in found)[:500]
        if module == "" and kinds == ("vcs-broken",):
            moves = []
            for p in (key, key + ".info"):
                t, n = _size(p)
                if t:
                    moves.append(Move(_rel(root, p), t, n))
            if moves:
                actions.append(Action(found[0].module, "", "damaged", kinds, _rel(root, key) + ".lock",
                                      tuple(moves), False, detail))
            continue
        roles: set[str] = set()
        for f in found:
            if f.kind == "gosum-mismatch":
                roles |= {"mod"} if f.path.endswith(".mod") else {"zip", "ziphash", "partial", "dir"}
            else:
                roles |= set(_KIND_MOVES[f.kind])
        refetch = bool(roles - {"tmp", "legacy"})
        act = version_action(root, module, key, roles, reason="damaged", kinds=kinds, refetch=refetch,
                             detail=detail)
        if act is not None:
            actions.append(act)
    total, files = cache_size(root)
    return Plan(root, tuple(actions), total, files)


def select_actions(plan: Plan, modules: Iterable[str] = (), paths: Iterable[str | os.PathLike[str]] = ()) -> Plan:
    """Keep only the actions chosen by module (``PATH`` or ``PATH@VERSION``) or by entry path.

    A broken ``cache/vcs`` checkout is selected by a module path known to use it, or by its
    directory (what go's ``exit status 128`` message prints and ``gomodlab explain`` passes on).
    With no selector at all the plan is returned unchanged.
    """
    wanted = [sel.partition("@")[::2] for sel in modules]
    entries = {_rel(plan.root, os.path.realpath(p)) for p in paths}
    if not wanted and not entries:
        return plan

    def chosen(a: Action) -> bool:
        if any(m.src in entries for m in a.moves):
            return True
        for path, version in wanted:
            if a.version == "" and path in a.module.split():
                return True
            if a.module == path and version in ("", a.version):
                return True
        return False

    return replace(plan, actions=tuple(a for a in plan.actions if chosen(a)))


# ---------------------------------------------------------------------------------------------
# Apply

def _action_from(d: Mapping[str, Any]) -> Action:
    return Action(d["module"], d["version"], d["reason"], tuple(d["kinds"]), d["lock"],
                  tuple(Move(m["src"], m["type"], m["bytes"]) for m in d["moves"]), d["refetch"],
                  d.get("detail", ""), tuple(d.get("absent", ())))


def _still_damaged(root: str, action: Action) -> bool:
    """Re-check a version under its lock: does any of the planned kinds still apply?"""
    if not action.version or "gosum-mismatch" in action.kinds:
        return True  # vcs checkouts and go.sum disagreements are not re-derivable from the disk alone
    _, found = check_version(root, action.module, action.version, locked=True)
    return bool({f.kind for f in found} & set(action.kinds))


def _offsets(actions: Iterable[Action]) -> list[int]:
    """The journal sequence number of each action's first move (moves are numbered from 1)."""
    out, n = [], 1
    for a in actions:
        out.append(n)
        n += len(a.moves)
    return out


def _run_action(journal: _Journal, root: str, session: Path, action: Action, action_id: int, first: int,
                done: set[int], lock_timeout: float, recheck: bool) -> ActionResult:
    lock_path = os.path.join(root, *action.lock.split("/"))
    os.makedirs(os.path.dirname(lock_path), exist_ok=True)
    try:
        mutex = lockedfile.Mutex(lock_path, timeout=lock_timeout).lock()
    except lockedfile.LockTimeout as e:
        res = ActionResult(action, "skipped-in-progress", str(e), ())
        journal.write({"op": "action", "action": action_id, "state": res.state})
        return res
    if mutex.created:
        journal.write({"op": "lock-created", "path": action.lock})
    try:
        if recheck and action.reason == "damaged" and not _still_damaged(root, action):
            res = ActionResult(action, "already-fixed", "no longer damaged when re-checked under go's lock", ())
        else:
            results: list[MoveResult] = []
            moved: list[tuple[int, str, list[list[Any]]]] = []
            try:
                for j, m in enumerate(action.moves):
                    if first + j in done:
                        continue
                    r, modes = _move(journal, root, session, first + j, m.src, m.type, m.bytes, action_id)
                    results.append(r)
                    if r.state == "moved":
                        moved.append((first + j, m.src, modes))
            except OSError:
                # Never leave a version half-moved: put back what this action had already moved.
                for seq, src_rel, modes in reversed(moved):
                    _unmove(journal, root, session, seq, src_rel, modes)
                raise
            state = "moved" if moved else "nothing-to-move"
            res = ActionResult(action, state, "", tuple(results))
    except OSError as e:
        res = ActionResult(action, "error", f"{e.filename or ''}: {e.strerror or e}", ())
    finally:
        mutex.unlock()
    journal.write({"op": "action", "action": action_id, "state": res.state})
    return res


def _resume(session: Path, root: str, lock_timeout: float) -> list[ActionResult]:
    """Roll an interrupted apply forward to the complete plan it journaled.

    Started moves are finished whatever happened since (the journal is the truth); the action
    that was running is completed without a re-check (it had passed one); actions never reached
    run as a fresh apply would run them.
    """
    recs = read_journal(session)
    plan = next((r for r in recs if r["op"] == "plan"), None)
    journal = _Journal(session)
    results: list[ActionResult] = []
    try:
        if plan is not None:
            actions = [_action_from(a) for a in plan["actions"]]
            moves = {r["seq"]: r for r in recs if r["op"] == "move"}
            done = {r["seq"] for r in recs if r["op"] in ("moved", "unmoved")}
            finished = {r["action"] for r in recs if r["op"] == "action"}
            for seq, rec in sorted(moves.items()):
                if seq in done or rec["action"] in finished:
                    continue
                lock_path = os.path.join(root, *actions[rec["action"]].lock.split("/"))
                with lockedfile.Mutex(lock_path, timeout=lock_timeout):
                    _finish_move(root, session, rec)
                journal.write({"op": "moved", "seq": seq})
                done.add(seq)
            started = {rec["action"] for rec in moves.values()}
            for i, (action, first) in enumerate(zip(actions, _offsets(actions))):
                if i in finished:
                    continue
                results.append(_run_action(journal, root, session, action, i, first, done, lock_timeout,
                                           recheck=i not in started))
        journal.write({"op": "end", "resumed": True})
    finally:
        journal.close()
    _write_manifest(session)
    return results


def resume_session(session: str | os.PathLike[str], *, lock_timeout: float = 30.0) -> tuple[Action, ...]:
    """Roll an interrupted apply forward (see :func:`apply`); returns the session's planned actions."""
    s = _resolve_session(session)
    recs = read_journal(s)
    head = next((r for r in recs if r["op"] == "session"), None)
    if head is None:
        raise CacheError(f"{s}: journal has no session record")
    _resume(s, head["root"], lock_timeout)
    plan = next((r for r in recs if r["op"] == "plan"), {"actions": []})
    return tuple(_action_from(a) for a in plan["actions"])


def refetch(root: str, module: str, version: str, env: Mapping[str, str] | None = None) -> RefetchResult:
    """``go mod download -json module@version`` into the cache at ``root`` (outside any module)."""
    from ..load import gotool

    e = dict(env if env is not None else os.environ)
    e["GOMODCACHE"] = root
    e.setdefault("GOWORK", "off")
    with tempfile.TemporaryDirectory(prefix="gomodlab-refetch-") as cwd:
        res = gotool.run_go(["mod", "download", "-json", f"{module}@{version}"], cwd=cwd, env=e)
    detail = ""
    try:
        info = json.loads(res.stdout) if res.stdout.strip() else {}
        detail = info.get("Error", "")
    except ValueError:
        detail = res.stdout.strip()
    if res.returncode != 0 and not detail:
        detail = res.stderr.strip() or f"exit status {res.returncode}"
    return RefetchResult(module, version, res.returncode == 0 and not detail, detail)


def _check_permissions(root: str, base: Path, plan: Plan) -> None:
    """Refuse, before anything is created, an apply this user could not carry out.

    Taking go's lock needs its lock file (or the right to create it), moving an entry needs write
    access to the directory it leaves, and a read-only directory that moves must be this user's
    (it is made writable for the move, as go's own ``go clean`` does). Without these, an apply
    would stop halfway with an empty quarantine session left behind.
    """
    def writable(d: str) -> bool:
        return os.access(d, os.W_OK | os.X_OK)

    def nearest(d: str) -> str:
        """``d``, or its closest existing parent (what creating ``d`` needs write access to)."""
        while not os.path.lexists(d) and os.path.dirname(d) != d:
            d = os.path.dirname(d)
        return d

    def refusal(what: str, where: str) -> str:
        try:
            st = os.stat(where)
            owner = f"owned by uid {st.st_uid}, mode {stat.S_IMODE(st.st_mode):04o}"
        except OSError:
            owner = "not accessible"
        return f"{what} ({where}: {owner})"

    problems: list[str] = []
    for a in plan.actions:
        lock = os.path.join(root, *a.lock.split("/"))
        if os.path.lexists(lock):
            if not os.access(lock, os.R_OK | os.W_OK):
                problems.append(refusal(f"cannot take go's lock {lock}", lock))
        elif not writable(nearest(os.path.dirname(lock))):
            problems.append(refusal(f"cannot create go's lock {lock}", nearest(os.path.dirname(lock))))
        for m in a.moves:
            src = os.path.join(root, *m.src.split("/"))
            if not writable(os.path.dirname(src)):
                problems.append(refusal(f"cannot move {src} out", os.path.dirname(src)))
            elif m.type == "dir" and not writable(src) and os.lstat(src).st_uid != os.geteuid():
                problems.append(refusal(f"cannot move the read-only directory {src}", src))
    if not writable(nearest(str(base))):
        problems.append(refusal(f"cannot create the quarantine {base}", nearest(str(base))))
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise CacheError(f"nothing was moved: {problems[0]}{more}; run it as the user who owns the module "
                         "cache (the one that runs go), or give this user write access to it")


def apply(plan: Plan, *, quarantine: str | os.PathLike[str] | None = None, refetch_after: bool = False,
          env: Mapping[str, str] | None = None, lock_timeout: float = 30.0,
          on_action: Callable[[ActionResult], None] | None = None) -> ApplyResult:
    """Carry out ``plan``: move each action's files into a new quarantine session under go's locks.

    ``quarantine`` is the base directory holding sessions (default :func:`default_quarantine_base`).
    Sessions there that an earlier apply left unfinished are first rolled forward. With
    ``refetch_after`` each evicted version is downloaded again with the real ``go mod download``
    (``env``: the environment for go, default this process's; GOMODCACHE is set to the cache).
    """
    root = os.path.realpath(plan.root)
    base = Path(quarantine) if quarantine is not None else default_quarantine_base(root)
    _check_outside(root, str(base))
    _same_device(root, base)
    _check_permissions(root, base, plan)
    resumed = []
    to_refetch: list[tuple[str, str]] = []
    for s in pending_sessions(base, root):
        for a in resume_session(s, lock_timeout=lock_timeout):
            if a.refetch and a.version:
                to_refetch.append((a.module, a.version))
        resumed.append(str(s))
    results: list[ActionResult] = []
    session: Path | None = None
    if plan.actions:
        session = _new_session(base)
        (session / "README.txt").write_text(
            "Module cache entries evicted by gomodlab fix. Nothing here was deleted.\n"
            f"Cache: {root}\nPut everything back with:  gomodlab fix --restore {session}\n"
            f"Throw it away with:        rm -r {session}\n")
        journal = _Journal(session)
        try:
            journal.write({"op": "session", "root": root, "created": _now(), "tool": "gomodlab fix",
                           "cache_bytes": plan.cache_bytes, "cache_files": plan.cache_files})
            journal.write({"op": "plan", "actions": plan.to_dict()["actions"]})
            for i, (action, first) in enumerate(zip(plan.actions, _offsets(plan.actions))):
                r = _run_action(journal, root, session, action, i, first, set(), lock_timeout, recheck=True)
                results.append(r)
                if on_action is not None:
                    on_action(r)
            journal.write({"op": "end", "steps": journal.steps + 1})
        finally:
            journal.close()
    fetched: list[RefetchResult] = []
    if refetch_after:
        to_refetch += [(r.action.module, r.action.version) for r in results
                       if r.state == "moved" and r.action.refetch and r.action.version]
        fetched = [refetch(root, module, version, env) for module, version in dict.fromkeys(to_refetch)]
        if session is not None:
            with open(session / "journal.jsonl", "a") as f:
                for fr in fetched:
                    f.write(json.dumps({"op": "refetch", **asdict(fr)}) + "\n")
    if session is not None:
        _write_manifest(session)
    moved = sum(m.bytes for r in results for m in r.moves if m.state == "moved")
    return ApplyResult(str(session or ""), tuple(results), tuple(fetched), tuple(resumed), moved,
                       plan.cache_bytes - moved, plan.cache_bytes)
