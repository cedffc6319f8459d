"""Module universes: sets of module versions written out as a GOPROXY directory.

Tests, benchmarks and the demo build their worlds with this: describe module versions (a go.mod
and some files each), write them in the proxy layout, and point the real go command at it with
``GOPROXY=file:///…`` (or serve it over loopback with ``gomodlab proxy serve``)::

    <root>/<escaped path>/@v/list                 one version per line
    <root>/<escaped path>/@v/<escaped ver>.info   {"Version": ..., "Time": ...}
    <root>/<escaped path>/@v/<escaped ver>.mod    the go.mod bytes
    <root>/<escaped path>/@v/<escaped ver>.zip    entries named <path>@<version>/<file>

Zips are deterministic (fixed timestamps, sorted entries) so hashes are stable across runs.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..mod import modpath, semver

__all__ = ["ModuleSource", "gomod_text", "module_zip", "write_proxy", "file_proxy_url", "graph_text"]

_EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)


def gomod_text(path: str, go: str | None = None, requires: Sequence[tuple[str, str]] = (),
               extra: str = "") -> str:
    """A go.mod text: ``module`` line, optional ``go`` line, a require block, then ``extra``."""
    lines = [f"module {path}\n"]
    if go:
        lines.append(f"\ngo {go}\n")
    if requires:
        lines.append("\nrequire (\n")
        lines.extend(f"\t{p} {v}\n" for p, v in requires)
        lines.append(")\n")
    if extra:
        lines.append("\n" + extra)
    return "".join(lines)


@dataclass(frozen=True)
class ModuleSource:
    """One module version: its go.mod bytes and the other files of its zip.

    ``gomod=None`` means the version has no go.mod file (go synthesises ``module <path>``).
    """

    path: str
    version: str
    gomod: str | bytes | None = None
    files: Mapping[str, str | bytes] = field(default_factory=dict)
    time: datetime | None = None

    def gomod_bytes(self) -> bytes:
        """The bytes served as ``.mod``: the go.mod, or go's synthesised one when there is none."""
        if self.gomod is None:
            return f"module {self.path}\n".encode()
        return self.gomod.encode() if isinstance(self.gomod, str) else self.gomod

    def zip_files(self) -> dict[str, bytes]:
        """File name (relative to the module root) → bytes, go.mod included when present."""
        out = {k: (v.encode() if isinstance(v, str) else v) for k, v in self.files.items()}
        if self.gomod is not None:
            out["go.mod"] = self.gomod_bytes()
        return out


def module_zip(path: str, version: str, files: Mapping[str, bytes]) -> bytes:
    """A module zip as the go command would accept it (deterministic bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{path}@{version}/{name}", date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[name])
    return buf.getvalue()


def write_proxy(root: str | os.PathLike[str], modules: Iterable[ModuleSource]) -> Path:
    """Write ``modules`` under ``root`` in the GOPROXY layout and return ``root`` as a Path."""
    base = Path(root)
    by_path: dict[str, list[str]] = defaultdict(list)
    for i, m in enumerate(modules):
        vdir = base / modpath.escape_path(m.path) / "@v"
        vdir.mkdir(parents=True, exist_ok=True)
        ev = modpath.escape_version(m.version)
        t = m.time or _EPOCH.replace(minute=i % 60, hour=(i // 60) % 24)
        info = {"Version": m.version, "Time": t.strftime("%Y-%m-%dT%H:%M:%SZ")}
        (vdir / f"{ev}.info").write_text(json.dumps(info))
        (vdir / f"{ev}.mod").write_bytes(m.gomod_bytes())
        (vdir / f"{ev}.zip").write_bytes(module_zip(m.path, m.version, m.zip_files()))
        by_path[m.path].append(m.version)
    for path, versions in by_path.items():
        listfile = base / modpath.escape_path(path) / "@v" / "list"
        old = listfile.read_text().split() if listfile.exists() else []
        listfile.write_text("".join(v + "\n" for v in semver.sort_versions(set(old) | set(versions))))
    return base


def file_proxy_url(root: str | os.PathLike[str]) -> str:
    """``file:///abs/path`` for a proxy directory, as GOPROXY wants it."""
    return Path(root).resolve().as_uri()


def graph_text(n: int = 500, *, seed: int = 0, main: str = "example.com/app", direct: int = 25) -> str:
    """``go mod graph`` output of a made-up project with ``n`` module paths (a large graph to look at).

    ``main`` requires ``direct`` of them; every other path ``example.com/mNNN`` is required by a
    version of a lower-numbered one (so all are reachable and the graph has no cycle), at one of
    up to three versions; each version requires up to four higher-numbered paths. Deterministic for
    a ``seed``. Load it with :func:`gomodlab.load.modload.graph_from_text`.
    """
    import random

    rng = random.Random(seed)
    paths = [f"example.com/m{i:03d}" for i in range(n)]
    versions = {p: [f"v1.{k}.0" for k in range(rng.randint(1, 3))] for p in paths}
    reqs: dict[str, set[str]] = defaultdict(set)
    reached: dict[str, list[str]] = defaultdict(list)  # path -> its versions something requires

    def require(a: str, j: int) -> None:
        b = f"{paths[j]}@{rng.choice(versions[paths[j]])}"
        reqs[a].add(b)
        if b not in reached[paths[j]]:
            reached[paths[j]].append(b)

    for i in range(n):
        # Each path is asked for by the main module or by a version already reached...
        if i < direct:
            require(main, i)
        else:
            earlier = paths[rng.randrange(0, i)]
            require(rng.choice(reached[earlier]) if reached[earlier] else main, i)
    for i in range(n - 1):
        # ...and each reached version asks for a few higher-numbered paths.
        for a in list(reached[paths[i]]):
            for j in rng.sample(range(i + 1, n), min(rng.randint(0, 4), n - i - 1)):
                require(a, j)
    order = [main, *(v for p in paths for v in sorted(reached[p]))]
    lines = [f"{a} {b}" for a in order for b in sorted(reqs.get(a, ()))]
    return "\n".join(lines) + "\n"
