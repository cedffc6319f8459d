"""The ``h1:`` hashes that go writes into go.sum and ``.ziphash`` (golang.org/x/mod/sumdb/dirhash).

``Hash1`` over a list of (name, content): sort the names by their bytes, write one summary line
``<hex sha256(content)>  <name>\\n`` per file, and return ``"h1:" + base64(sha256(summary))``.

* a module zip: the names are the zip entries as stored (``path@version/file``);
* an extracted module directory: ``<module path>@<version>/<relative path>`` for every
  non-directory entry (symlinks are read through, as ``filepath.Walk`` + ``os.Open`` do);
* a go.mod: one file named ``go.mod`` (no prefix) holding the exact bytes.
"""

from __future__ import annotations

import base64
import hashlib
import os
import posixpath
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, BinaryIO

from ..errors import GomodlabError

if TYPE_CHECKING:
    # zipfile (with shutil, pathlib, threading) is imported where a zip is hashed: hashing a
    # go.mod (what tidy and go.sum checks do) then starts ~5 ms sooner.
    import zipfile

__all__ = ["HashError", "hash1", "hash_gomod", "hash_zip", "hash_dir", "dir_files", "EMPTY_GOMOD_HASH"]

_CHUNK = 1 << 20

#: go.sum hash of an empty go.mod file; go drops go.sum lines carrying it (modfetch/fetch.go).
EMPTY_GOMOD_HASH = "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY="


class HashError(GomodlabError):
    """A hash could not be computed: a file name with a newline, an unreadable zip or file."""


def _sha256_stream(f: BinaryIO) -> str:
    h = hashlib.sha256()
    while chunk := f.read(_CHUNK):
        h.update(chunk)
    return h.hexdigest()


def hash1(names: Iterable[str], open_file: Callable[[str], BinaryIO]) -> str:
    """dirhash.Hash1 over ``names``, reading each through ``open_file(name)``."""
    summary = []
    for name in sorted(names, key=lambda s: s.encode("utf-8", "surrogateescape")):
        if "\n" in name:
            raise HashError("dirhash: filenames with newlines are not supported")
        with open_file(name) as f:
            digest = _sha256_stream(f)
        summary.append(f"{digest}  {name}\n")
    data = "".join(summary).encode("utf-8", "surrogateescape")
    return "h1:" + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def hash_bytes(files: dict[str, bytes]) -> str:
    """Hash1 over in-memory files (name → content)."""
    import io

    return hash1(files, lambda n: io.BytesIO(files[n]))


def hash_gomod(data: bytes) -> str:
    """The go.sum ``/go.mod`` hash of go.mod bytes."""
    return hash_bytes({"go.mod": data})


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The entry name as go's archive/zip sees it: the stored bytes, whatever the UTF-8 flag.

    zipfile decodes names without flag bit 11 as cp437 (go keeps the bytes) and cuts them at a
    NUL (go does not), so start from ``orig_filename`` and undo the decoding; the result is a
    str whose non-UTF-8 bytes are surrogate escapes, sorted and hashed as bytes.
    """
    if info.flag_bits & 0x800:
        return info.orig_filename
    return info.orig_filename.encode("cp437").decode("utf-8", "surrogateescape")


def hash_zip(zip_path: str | os.PathLike[str] | BinaryIO) -> str:
    """The go.sum hash of a module zip (dirhash.HashZip): every entry, as named in the zip.

    Raises HashError when the file is not a readable zip (bad magic, truncated, bad CRC).
    """
    import zipfile

    try:
        with zipfile.ZipFile(zip_path) as z:
            infos = z.infolist()
            names = [_zip_name(info) for info in infos]
            # Like go, a duplicated name is hashed twice with the content of its last entry.
            last = dict(zip(names, infos))
            return hash1(names, lambda n: z.open(last[n]))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError,
            ValueError, RuntimeError) as e:
        where = "zip" if hasattr(zip_path, "read") else os.fspath(zip_path)  # type: ignore[arg-type]
        raise HashError(f"{where}: {_zip_error_text(e)}") from e


def _zip_error_text(e: BaseException) -> str:
    # archive/zip's wording (reader.go) for the failures go users see in `go mod verify`.
    import zipfile

    if isinstance(e, zipfile.BadZipFile):
        return "zip: checksum error" if "CRC" in str(e) else "zip: not a valid zip file"
    return str(e)


def _clean(path: str) -> str:
    """path.Clean (posixpath.normpath keeps a leading ``//``, go does not)."""
    cleaned = posixpath.normpath(path)
    return cleaned[1:] if cleaned.startswith("//") and not cleaned.startswith("///") else cleaned


def dir_files(directory: str | os.PathLike[str], prefix: str) -> list[str]:
    """dirhash.DirFiles: ``prefix/relpath`` of every non-directory entry below ``directory``.

    Names are ``filepath.Join(prefix, rel)``, which cleans the prefix (``a//b/`` → ``a/b``).
    Unlike go's ``filepath.Walk``, a symlink given as ``directory`` itself is followed.
    """
    root = os.fspath(directory)
    if not os.path.isdir(root):
        if not os.path.lexists(root):
            raise HashError(f"lstat {root}: no such file or directory")
        raise HashError(f"{root} is not a directory")
    files: list[str] = []
    stack = [""]
    try:
        while stack:
            rel = stack.pop()
            with os.scandir(os.path.join(root, rel) if rel else root) as it:
                for entry in it:
                    sub = f"{rel}/{entry.name}" if rel else entry.name
                    # filepath.Walk uses Lstat: a symlink, even to a directory, is a file here.
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(sub)
                    else:
                        files.append(sub)
    except OSError as e:
        raise HashError(str(e)) from e
    if prefix:
        head = _clean(prefix)
        if head == ".":
            return files
        sep = "" if head.endswith("/") else "/"
        return [head + sep + f for f in files]
    return files


def hash_dir(directory: str | os.PathLike[str], prefix: str) -> str:
    """dirhash.HashDir: the h1 of an extracted module directory, ``prefix`` = ``path@version``."""
    root = os.fspath(directory)
    names = dir_files(root, prefix)

    def open_file(name: str) -> BinaryIO:
        # HashDir opens filepath.Join(dir, strings.TrimPrefix(name, prefix)).
        return open(_clean(root + "/" + name.removeprefix(prefix)), "rb")

    try:
        return hash1(names, open_file)
    except OSError as e:
        raise HashError(str(e)) from e
