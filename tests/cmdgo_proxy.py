"""The cmd/go tests' own module proxy content ($GOROOT/src/cmd/go/testdata/mod) as a file:// GOPROXY.

Each ``path_version.txt`` there is a txtar archive: ``.info`` and ``.mod`` are served as they are,
every other file goes into the module zip under ``path@version/`` (a name starting with ``/`` at
the zip's root, for deliberately bad zips) — what cmd/go/proxy_test.go serves.
"""

from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path

from gomodlab.load import gotool
from gomodlab.mod import modpath, semver, txtar


def testdata_dir() -> Path:
    return Path(gotool.go_env(["GOROOT"], env=None)["GOROOT"]) / "src" / "cmd" / "go" / "testdata" / "mod"


def write_proxy(dst: Path, src: Path | None = None, *, lists: bool = False) -> list[tuple[str, str]]:
    """Write every archive go's own proxy would serve into ``dst``; returns the module versions.

    ``src`` is a directory of archives in the same format (default: go's own testdata/mod).
    ``lists=True`` also writes what proxy_test.go answers for ``@v/list`` (the versions that are
    not pseudo-versions and pass module.Check) and for ``@latest`` (go asks for it when the list
    is empty), so that go's queries work.
    """
    out = []
    for f in sorted((src or testdata_dir()).glob("*.txt")):
        name = f.name[:-4]
        i = name.rfind("_v")
        if i < 0:
            continue
        try:  # proxy_test.go skips names it cannot unescape (example.com/invalidpath/v1)
            path, version = modpath.unescape_path(name[:i].replace("_", "/")), modpath.unescape_version(name[i + 1:])
        except modpath.InvalidPath:
            continue
        vdir = dst / modpath.escape_path(path) / "@v"
        vdir.mkdir(parents=True, exist_ok=True)
        ev = modpath.escape_version(version)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for fname, data in txtar.parse(f.read_text(encoding="utf-8", errors="surrogateescape")).files:
                raw = data.encode("utf-8", "surrogateescape")
                if fname in (".info", ".mod"):
                    (vdir / f"{ev}{fname}").write_bytes(raw)
                elif fname != ".zip":
                    z.writestr(fname[1:] if fname.startswith("/") else f"{path}@{version}/{fname}", raw)
        (vdir / f"{ev}.zip").write_bytes(buf.getvalue())
        out.append((path, version))
    if lists:
        _write_lists(dst, out)
    return out


def _write_lists(dst: Path, versions: list[tuple[str, str]]) -> None:
    by_path: dict[str, list[str]] = {}
    for path, version in versions:
        by_path.setdefault(path, []).append(version)
    for path, vs in by_path.items():
        vdir = dst / modpath.escape_path(path) / "@v"
        listed = []
        for v in vs:
            try:
                modpath.check(path, v)
            except modpath.InvalidPath:
                continue
            if not semver.is_pseudo(v):
                listed.append(v)
        (vdir / "list").write_text("".join(v + "\n" for v in semver.sort_versions(listed)))
        releases = [v for v in vs if not semver.is_pseudo(v) and not semver.prerelease(v)]
        pre = [v for v in vs if not semver.is_pseudo(v) and semver.prerelease(v)]
        pseudo = [v for v in vs if semver.is_pseudo(v)]
        # proxy_test.go means the latest release, else prerelease, else pseudo-version, but its
        # comparison keeps the lowest of each kind; served as it serves it.
        pool = releases or pre or pseudo
        latest = min(pool, key=functools.cmp_to_key(semver.compare))
        info = vdir / f"{modpath.escape_version(latest)}.info"
        if info.exists():
            (vdir.parent / "@latest").write_bytes(info.read_bytes())
