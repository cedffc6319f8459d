"""The cmd/go tests' own module proxy content ($GOROOT/src/cmd/go/testdata/mod) as a file:// GOPROXY.

Each ``path_version.txt`` there is a txtar archive: ``.info`` and ``.mod`` are served as they are,
every other file goes into the module zip under ``path@version/`` (a name starting with ``/`` at
the zip's root, for deliberately bad zips) — what cmd/go/proxy_test.go serves.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from gomodlab.load import gotool
from gomodlab.mod import modpath


def testdata_dir() -> Path:
    return Path(gotool.go_env(["GOROOT"], env=None)["GOROOT"]) / "src" / "cmd" / "go" / "testdata" / "mod"


def parse_txtar(text: str) -> list[tuple[str, str]]:
    """golang.org/x/tools/txtar: (name, data) of each ``-- name --`` section."""
    files: list[tuple[str, str]] = []
    name: str | None = None
    buf: list[str] = []
    for line in text.splitlines(keepends=True):
        marker = line.rstrip("\r\n")
        if marker.startswith("-- ") and marker.endswith(" --") and len(marker) > 6:
            if name is not None:
                files.append((name, "".join(buf)))
            name, buf = marker[3:-3], []
        elif name is not None:
            buf.append(line)
    if name is not None:
        files.append((name, "".join(buf)))
    return files


def write_proxy(dst: Path, src: Path | None = None) -> list[tuple[str, str]]:
    """Write every archive go's own proxy would serve into ``dst``; returns the module versions.

    ``src`` is a directory of archives in the same format (default: go's own testdata/mod).
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
            for fname, data in parse_txtar(f.read_text(encoding="utf-8", errors="surrogateescape")):
                raw = data.encode("utf-8", "surrogateescape")
                if fname in (".info", ".mod"):
                    (vdir / f"{ev}{fname}").write_bytes(raw)
                elif fname != ".zip":
                    z.writestr(fname[1:] if fname.startswith("/") else f"{path}@{version}/{fname}", raw)
        (vdir / f"{ev}.zip").write_bytes(buf.getvalue())
        out.append((path, version))
    return out
