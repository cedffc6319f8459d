"""The real ``go mod tidy`` / ``go mod why`` run on worlds, and what go wrote and printed, recorded.

Used by the tidy differential tests (test_tidy_go, test_tidy_hand_go, test_tidy_cmdgo_go). A
:class:`Lab` lives for one test session (one per pytest-xdist worker); it keeps every recording
in memory and builds nothing until a test asks for it, so ``-k`` on one world costs one world.

A *group* is one GOPROXY directory and one GOMODCACHE that several worlds share: sound because
the worlds of a group use disjoint module paths (tidy_worlds gives each its own prefix), so what
one world's go run put in the cache is never looked at by another's.

For each world, on fresh copies of its main module (the pristine copy is never touched):

* ``tidy``: ``go mod tidy ARGS`` with the group's proxy (filling the cache) — **the oracle** for
  ``tidy(dir, ProxySource(url))`` and ``gomodlab tidy --proxy URL``;
* ``again`` (only when asked for, ``recheck=True``): the same once more, the cache now warm — it
  must agree with ``tidy``: the check that go is deterministic on the world and that the
  normalised stderr below is stable;
* ``modcache``: the same with ``GOPROXY=file://$GOMODCACHE/cache/download`` — the oracle for
  ``tidy(dir, ModCacheSource(cache))`` and ``gomodlab tidy --modcache PATH`` (a query for
  ``latest`` sees only the versions go downloaded, as go sees them there);
* ``diff``: ``go mod tidy -diff ARGS`` (stdout is the diff, status 1 when not tidy);
* ``why``: when tidy succeeded, ``go mod why PKGS``, ``go mod why -m MODS`` and (``why_vendor``)
  ``go mod why -vendor PKGS`` on copies of go's tidied module.

A run where go crashed (exit status 2, ``panic:``) is recorded like any other; go 1.27.3 panics
on ``go mod tidy -go=1.16`` when a dependency needs go >= 1.21 (tidyUnprunedRoots: "missing go
root module"), and the tests accept any refusal from gomodlab there.

stderr is recorded *comparable* (:func:`comparable_stderr`): ``go: downloading`` lines dropped
(they depend on what the cache held, and parallel downloads print them in any order), each run of
consecutive ``go: finding module for package`` lines sorted (go looks the missing imports up in
parallel, modload/load.go resolveMissingImports), and the run's own directories written as
``$WORK`` (the module directory), ``$GOMODCACHE`` and ``$PROXY``. gomodlab's stderr goes through
the same function with its own directory.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from gomodlab.lab import universe
from gomodlab.load import gotool


class WorldLike(Protocol):
    """What the lab needs of a world (tidy_worlds.World, a hand case, a cmd/go world)."""

    name: str
    tidy_args: tuple[str, ...]
    why_packages: tuple[str, ...]
    why_modules: tuple[str, ...]

    def write_main(self, directory: Path) -> Path: ...


def go_env_of(world: WorldLike) -> dict[str, str]:
    """Variables a world sets for go on top of the group's isolated environment (a hand case's
    ``env:`` lines; generated worlds set none)."""
    return dict(getattr(world, "go_env", None) or {})


def comparable_stderr(text: str, *, work: Path | str | None = None, modcache: Path | str | None = None,
                      proxy: Path | str | None = None) -> str:
    """stderr with what legitimately varies between runs normalised (see the module docstring)."""
    out: list[str] = []
    finding: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("go: downloading "):
            continue
        if line.startswith("go: finding module for package "):
            finding.append(line)
            continue
        out += sorted(finding)
        finding = []
        out.append(line)
    out += sorted(finding)
    s = "".join(out)
    # Longest first: the module directory may lie below the proxy's or the cache's parent.
    for path, name in sorted(((work, "$WORK"), (modcache, "$GOMODCACHE"), (proxy, "$PROXY")),
                             key=lambda x: -len(str(x[0] or ""))):
        if path:
            s = s.replace(str(path), name)
    return s


@dataclass(frozen=True)
class GoRun:
    """One run of go on a copy of a main module, and the files it left there."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str           # comparable_stderr of what go printed
    gomod: bytes
    gosum: bytes | None   # None: no go.sum file

    def files(self) -> tuple[bytes, bytes | None]:
        return self.gomod, self.gosum


@dataclass
class Group:
    """A GOPROXY directory and the GOMODCACHE its worlds share."""

    key: str
    root: Path
    proxy: Path
    modcache: Path

    @property
    def proxy_url(self) -> str:
        return universe.file_proxy_url(self.proxy)

    @property
    def modcache_url(self) -> str:
        """The cache's download directory as a GOPROXY (what ``--modcache`` stands for)."""
        return universe.file_proxy_url(self.modcache / "cache" / "download")

    def env(self, goproxy: str | None = None, **extra: str) -> dict[str, str]:
        env = gotool.isolated_env(self.root / "goenv", proxy=goproxy or self.proxy_url, flags="-mod=mod")
        env["GOMODCACHE"] = str(self.modcache)
        env.update(extra)
        return env


@dataclass
class Record:
    """Everything go did with one world."""

    world: WorldLike
    group: Group
    pristine: Path
    tidy: GoRun
    modcache: GoRun
    diff: GoRun
    tidied: Path | None             # go's tidied copy (read it, never change it); None when tidy failed
    why: dict[str, GoRun] = field(default_factory=dict)   # "pkgs", "-m", "-vendor"
    again: GoRun | None = None

    @property
    def ok(self) -> bool:
        return self.tidy.returncode == 0

    @property
    def crashed(self) -> bool:
        """go itself crashed (a panic), so there is no answer to match."""
        return self.tidy.returncode == 2 and "panic: " in self.tidy.stderr


#: The go mod why runs: record key → (flag, which of the world's lists).
WHY_RUNS = {"pkgs": ((), "why_packages"), "-m": (("-m",), "why_modules"), "-vendor": (("-vendor",), "why_packages")}


class Lab:
    """Builds groups and worlds under ``root`` on demand and records go's runs on them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._groups: dict[str, Group] = {}
        self._records: dict[tuple[str, str], Record] = {}

    def group(self, key: str, write_proxy: Callable[[Path], object] | None = None, *,
              proxy: Path | None = None) -> Group:
        """The group ``key``: the first time, ``write_proxy(dir)`` fills its own proxy directory,
        or it serves the existing directory ``proxy`` (with a module cache of its own)."""
        if key not in self._groups:
            root = self.root / key
            root.mkdir(parents=True)
            if proxy is None:
                proxy = root / "proxy"
                proxy.mkdir()
                assert write_proxy is not None
                write_proxy(proxy)
            self._groups[key] = Group(key, root, proxy, root / "gopath" / "pkg" / "mod")
        return self._groups[key]

    def copy_of(self, rec_or_dir: Record | Path, dst: Path) -> Path:
        """A fresh copy of a recorded world's pristine main module (or of any directory) at ``dst``.

        Its files are dated a day ahead: go reads a main-module directory through the module
        index only when its files are more than 2 s old, and the index reads some broken files
        differently from imports.ScanDir (an unclosed import block, a malformed import path). A
        file from the future is never old enough, so go and gomodlab both read every copy with
        imports.ScanDir, however long the machine takes to get to it."""
        src = rec_or_dir.pristine if isinstance(rec_or_dir, Record) else rec_or_dir
        if dst.exists():
            shutil.rmtree(dst)
        shutil.copytree(src, dst, symlinks=True)
        ahead = time.time() + 86400
        for d, _, names in os.walk(dst):
            for name in names:
                os.utime(os.path.join(d, name), (ahead, ahead), follow_symlinks=False)
        return dst

    def _run(self, group: Group, d: Path, args: Sequence[str], goproxy: str | None = None,
             env: dict[str, str] | None = None) -> GoRun:
        res = gotool.run_go(list(args), cwd=d, env=group.env(goproxy, **(env or {})))
        gosum = d / "go.sum"
        return GoRun(tuple(args), res.returncode, res.stdout,
                     comparable_stderr(res.stderr, work=d, modcache=group.modcache, proxy=group.proxy),
                     (d / "go.mod").read_bytes() if (d / "go.mod").exists() else b"",
                     gosum.read_bytes() if gosum.exists() else None)

    def record(self, world: WorldLike, group: Group, *, recheck: bool = False, why_vendor: bool = True) -> Record:
        """go's runs on ``world`` (made once per session, then served from memory)."""
        key = (group.key, world.name)
        rec = self._records.get(key)
        if rec is None:
            base = group.root / "worlds" / world.name
            pristine = world.write_main(base / "pristine")
            args = ("mod", "tidy", *world.tidy_args)
            env = go_env_of(world)
            tidy = self._run(group, self.copy_of(pristine, base / "tidy"), args, env=env)
            modcache = self._run(group, self.copy_of(pristine, base / "modcache"), args, group.modcache_url, env)
            diff = self._run(group, self.copy_of(pristine, base / "diff"), ("mod", "tidy", "-diff", *world.tidy_args),
                             env=env)
            rec = Record(world, group, pristine, tidy, modcache, diff, base / "tidy" if tidy.returncode == 0 else None)
            if rec.tidied is not None:
                for name, (flag, attr) in WHY_RUNS.items():
                    targets = getattr(world, attr)
                    if targets and (why_vendor or name != "-vendor"):
                        d = self.copy_of(rec.tidied, base / f"why{name}")
                        rec.why[name] = self._run(group, d, ("mod", "why", *flag, *targets), env=env)
            self._records[key] = rec
        if recheck and rec.again is None:
            rec.again = self._run(group, self.copy_of(rec.pristine, rec.pristine.parent / "again"),
                                  ("mod", "tidy", *world.tidy_args), env=go_env_of(world))
        return rec
