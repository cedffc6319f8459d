"""Read a module zip the way the go command does, without ever extracting it.

One pass over a cached ``<version>.zip`` answers both questions the module cache asks of it:

* would ``zip.Unzip`` accept it (golang.org/x/mod/zip ``CheckZip``: every name under
  ``path@version/``, clean, a valid file path, no case-insensitive collisions, ``go.mod`` only at
  the root and in lower case, size limits), and
* what is its ``h1:`` hash (``dirhash.HashZip``): every entry inflated and checked the way
  archive/zip's reader checks it (declared sizes, CRC-32, data descriptors).

The reader is our own, mirroring archive/zip/reader.go, because Python's zipfile differs from Go in
the cases that matter here (names without the UTF-8 flag, trailing garbage, lying sizes) and
because a streaming reader with hard limits is what makes hostile zips safe: declared sizes are
checked against go's limits *before* anything is inflated, output is capped at the declared size,
and nothing is ever written anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache

from . import modpath
from .gostrings import quote
from .limits import MAX_GO_MOD, MAX_LICENSE, MAX_ZIP_FILE

__all__ = ["ZipReport", "read_module_zip", "read_module_zip_bytes", "go_path_clean"]

ERR_FORMAT = "zip: not a valid zip file"
ERR_CHECKSUM = "zip: checksum error"
ERR_ALGORITHM = "zip: unsupported compression algorithm"
ERR_UNEXPECTED_EOF = "unexpected EOF"

_IN_MEMORY = 64 << 20   # zips up to this size are read with one read(); larger ones with pread
_STREAM = 8 << 20       # entries larger than this are inflated in chunks

_EOCD = struct.Struct("<4sHHHHIIH")
_EOCD64_LOC = struct.Struct("<4sIQI")
_EOCD64 = struct.Struct("<4sQHHIIQQQQ")
_CDH = struct.Struct("<4sHHHHHHIIIHHHHHII")
_LFH = struct.Struct("<4sHHHHHIIIHH")


@dataclass(frozen=True, slots=True)
class ZipReport:
    """What one read of a module zip found.

    ``check_errors`` is what x/mod/zip CheckZip reports, in its words (a directory error such as
    ``zip: not a valid zip file``, the size error, or one ``"<name>: <problem>"`` per bad entry);
    ``hash_error`` what dirhash.HashZip reports (``zip: checksum error``…), ``""`` when ``h1`` was
    computed. Both empty means ``zip.Unzip`` and ``HashZip`` would succeed. ``h1`` is ``""`` when
    the zip could not be hashed, or was not (``hash=False``, or declared sizes over go's limits:
    a zip bomb is never inflated). ``uncompressed`` sums the declared entry sizes; ``inflated``
    counts the bytes actually decompressed.
    """

    h1: str
    check_errors: tuple[str, ...]
    hash_error: str
    files: int
    size: int
    uncompressed: int
    inflated: int

    @property
    def errors(self) -> tuple[str, ...]:
        """Every problem, CheckZip's first (a directory error is reported once)."""
        extra = (self.hash_error,) if self.hash_error and self.hash_error not in self.check_errors else ()
        return self.check_errors + extra


class _ZipError(Exception):
    pass


class _Entry:
    __slots__ = ("name", "flags", "method", "crc", "csize", "usize", "offset")

    def __init__(self, name: str, flags: int, method: int, crc: int, csize: int, usize: int,
                 offset: int) -> None:
        self.name = name
        self.flags = flags
        self.method = method
        self.crc = crc
        self.csize = csize
        self.usize = usize
        self.offset = offset


class _Source:
    """Random access to the zip's bytes: all in memory for ordinary zips, pread for big ones."""

    def __init__(self, fd: int, size: int) -> None:
        self.fd = fd
        self.size = size
        self.buf: memoryview | None = None
        if size <= _IN_MEMORY:
            chunks = []
            got = 0
            while got < size:
                b = os.read(fd, size - got)
                if not b:
                    break
                chunks.append(b)
                got += len(b)
            self.buf = memoryview(b"".join(chunks))
            self.size = len(self.buf)

    def read_at(self, off: int, n: int) -> bytes | memoryview:
        """Up to ``n`` bytes at ``off`` (fewer at end of file), like io.ReaderAt."""
        if off < 0 or off >= self.size or n <= 0:
            return b""
        if self.buf is not None:
            return self.buf[off:off + n]
        return os.pread(self.fd, min(n, self.size - off), off)


def _find_signature(b: bytes | memoryview) -> int:
    # archive/zip findSignatureInBlock: the last "PK\5\6" with room for a directory end record;
    # if that record's comment runs past the block, the zip has no directory end (no retry).
    data = bytes(b)
    i = data.rfind(b"PK\x05\x06", 0, len(data) - 18) if len(data) >= 22 else -1
    if i < 0:
        return -1
    n = data[i + 20] | data[i + 21] << 8
    if n + 22 + i > len(data):
        return -1
    return i


def _read_directory_end(src: _Source) -> tuple[int, int, int, int]:
    """(records, directory size, directory offset, base offset): archive/zip readDirectoryEnd."""
    size = src.size
    block = b""
    end_off = 0
    for i, blen in enumerate((1024, 65 * 1024)):
        blen = min(blen, size)
        block = bytes(src.read_at(size - blen, blen))
        p = _find_signature(block)
        if p >= 0:
            block = block[p:]
            end_off = size - blen + p
            break
        if i == 1 or blen == size:
            raise _ZipError(ERR_FORMAT)
    _, _, _, _, records, dsize, doff, clen = _EOCD.unpack_from(block, 0)
    if clen > len(block) - 22:
        raise _ZipError("zip: invalid comment length")
    if records == 0xFFFF or dsize == 0xFFFFFFFF or doff == 0xFFFFFFFF:
        loc_off = end_off - _EOCD64_LOC.size
        if loc_off >= 0:
            loc = bytes(src.read_at(loc_off, _EOCD64_LOC.size))
            if len(loc) < _EOCD64_LOC.size:
                raise _ZipError(ERR_UNEXPECTED_EOF)
            sig, disk, p64, ndisks = _EOCD64_LOC.unpack(loc)
            if sig == b"PK\x06\x07" and disk == 0 and ndisks == 1:
                end_off = p64
                rec = bytes(src.read_at(p64, _EOCD64.size))
                if len(rec) < _EOCD64.size:
                    raise _ZipError(ERR_UNEXPECTED_EOF)
                sig, _, _, _, _, _, _, records, dsize, doff = _EOCD64.unpack(rec)
                if sig != b"PK\x06\x06":
                    raise _ZipError(ERR_FORMAT)
    if dsize >= 1 << 63 or doff >= 1 << 63:
        raise _ZipError(ERR_FORMAT)
    base = end_off - dsize - doff
    if not 0 <= base + doff < size:
        raise _ZipError(ERR_FORMAT)
    if base > 0 and not isinstance(_parse_header(src, doff), str):
        base = 0
    return records, dsize, doff, base


def _short(got: int) -> str:
    # io.ReadFull: nothing read is io.EOF, a part of it io.ErrUnexpectedEOF.
    return "EOF" if got == 0 else ERR_UNEXPECTED_EOF


def _parse_header(src: _Source, off: int) -> tuple[_Entry, int] | str:
    """One central-directory header at ``off``: (entry, next offset), or readDirectoryHeader's error."""
    head = src.read_at(off, _CDH.size)
    if len(head) < _CDH.size:
        return _short(len(head))
    (sig, _, _, flags, method, _, _, crc, csize, usize, nlen, xlen, clen, _, _, _,
     hoff) = _CDH.unpack_from(head, 0)
    if sig != b"PK\x01\x02":
        return ERR_FORMAT
    var = src.read_at(off + _CDH.size, nlen + xlen + clen)
    if len(var) < nlen + xlen + clen:
        return _short(len(var))
    # Go keeps the name's raw bytes; surrogateescape round-trips bytes that are not UTF-8.
    name = bytes(var[:nlen]).decode("utf-8", "surrogateescape")
    extra = bytes(var[nlen:nlen + xlen])
    csize64, usize64 = csize, usize
    pos = 0
    while len(extra) - pos >= 4:
        tag, fsize = struct.unpack_from("<HH", extra, pos)
        pos += 4
        if len(extra) - pos < fsize:
            break
        field = extra[pos:pos + fsize]
        pos += fsize
        if tag == 0x0001:
            # zip64 extra: only the fields whose 32-bit value is maxed out are present, in order.
            values = list(struct.unpack_from(f"<{len(field) // 8}Q", field)) if len(field) >= 8 else []
            for maxed, attr in ((usize == 0xFFFFFFFF, "u"), (csize == 0xFFFFFFFF, "c"),
                                (hoff == 0xFFFFFFFF, "o")):
                if not maxed:
                    continue
                if not values:
                    return ERR_FORMAT
                val = values.pop(0)
                if attr == "u":
                    usize64 = val
                elif attr == "c":
                    csize64 = val
                else:
                    hoff = val
    return _Entry(name, flags, method, crc, csize64, usize64, hoff), off + _CDH.size + nlen + xlen + clen


def _read_entries(src: _Source) -> list[_Entry]:
    records, _, doff, base = _read_directory_end(src)
    entries: list[_Entry] = []
    off = base + doff
    while True:
        parsed = _parse_header(src, off)
        if isinstance(parsed, str):
            # Reader.init reads headers until ErrFormat or ErrUnexpectedEOF ends the directory;
            # any other error (a bare EOF) is returned as it is.
            if parsed not in (ERR_FORMAT, ERR_UNEXPECTED_EOF):
                raise _ZipError(parsed)
            break
        entry, off = parsed
        entry.offset += base
        entries.append(entry)
    # The record count is only 16 bits wide in a plain zip: go compares it modulo 65536.
    if len(entries) & 0xFFFF != records & 0xFFFF:
        raise _ZipError(parsed)
    return entries


def _show(name: str) -> str:
    """A zip name for a message: bytes that are not UTF-8 (kept as surrogates) shown as U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@lru_cache(maxsize=65536)
def go_path_clean(p: str) -> str:
    """path.Clean from Go's ``path`` package (posixpath.normpath differs on ``//`` and ``""``)."""
    if p == "":
        return "."
    rooted = p[0] == "/"
    out: list[str] = []
    for elem in p.split("/"):
        if elem in ("", "."):
            continue
        if elem == "..":
            if out and out[-1] != "..":
                out.pop()
            elif not rooted:
                out.append("..")
            continue
        out.append(elem)
    s = "/".join(out)
    if rooted:
        return "/" + s
    return s or "."


@lru_cache(maxsize=65536)
def _file_path_error(name: str) -> str | None:
    try:
        modpath.check_file_path(name)
    except modpath.InvalidPath as e:
        return str(e)
    return None


def _fold(s: str) -> str:
    # strToFold: each rune to the smallest rune of its case-folding orbit (A-Z to a-z). Python has
    # no SimpleFold; upper-then-lower reaches the same representative for the letters that occur
    # in real file names (Kelvin sign, long s, Greek final sigma), keeping one rune per rune.
    if s.isascii():
        return s.lower()
    out = []
    for c in s:
        u = c.upper()
        low = u.lower() if len(u) == 1 else c.lower()
        out.append(low if len(low) == 1 else c)
    return "".join(out)


def _check_names(entries: list[_Entry], mod_path: str, version: str) -> list[str]:
    """x/mod/zip checkZip over the central directory (names and declared sizes)."""
    cv = modpath.canonical_version(version)
    if cv != version:
        return [f"version {quote(version)} is not canonical (should be {quote(cv)})"]
    try:
        modpath.check(mod_path, version)
    except modpath.InvalidPath as e:
        return [str(e)]
    prefix = f"{mod_path}@{version}/"
    invalid: list[str] = []
    size_error = ""
    seen: dict[str, tuple[str, bool]] = {}
    total = 0

    def collide(p: str, is_dir: bool) -> str | None:
        while True:
            fold = _fold(p)
            other = seen.get(fold)
            if other is not None:
                if p != other[0]:
                    return f"case-insensitive file name collision: {quote(other[0])} and {quote(p)}"
                if is_dir != other[1]:
                    return f"entry {quote(p)} is both a file and a directory"
                if not is_dir:
                    return f"multiple entries for file {quote(p)}"
            else:
                seen[fold] = (p, is_dir)
            parent = p.rpartition("/")[0]
            if not parent:
                return None
            p, is_dir = parent, True

    for e in entries:
        if not e.name.startswith(prefix):
            invalid.append(f"{_show(e.name)}: path does not have prefix {quote(prefix)}")
            continue
        name = e.name[len(prefix):]
        if name == "":
            continue
        is_dir = name.endswith("/")
        if is_dir:
            name = name[:-1]
        if go_path_clean(name) != name:
            invalid.append(f"{_show(e.name)}: file path is not clean")
            continue
        err = _file_path_error(name)
        if err:
            invalid.append(f"{_show(e.name)}: {err}")
            continue
        err = collide(name, is_dir)
        if err:
            invalid.append(f"{_show(e.name)}: {err}")
            continue
        if is_dir:
            continue
        base = name.rpartition("/")[2]
        if base.lower() == "go.mod":
            if base != name:
                invalid.append(f"{_show(e.name)}: go.mod file not in module root directory")
                continue
            if name != "go.mod":
                invalid.append(f"{_show(e.name)}: go.mod files must have lowercase names")
                continue
        if MAX_ZIP_FILE - total >= e.usize:
            total += e.usize
        elif not size_error:
            size_error = f"total uncompressed size of module contents too large (max size is {MAX_ZIP_FILE} bytes)"
        if name == "go.mod" and e.usize > MAX_GO_MOD:
            invalid.append(f"{_show(e.name)}: go.mod file too large (max size is {MAX_GO_MOD} bytes)")
            continue
        if name == "LICENSE" and e.usize > MAX_LICENSE:
            invalid.append(f"{_show(e.name)}: LICENSE file too large (max size is {MAX_LICENSE} bytes)")
            continue
    if size_error:
        return [size_error]
    return invalid


def _entry_digest(src: _Source, e: _Entry) -> tuple[str, int]:
    """(hex sha256 of the content, bytes inflated), checked as archive/zip's checksumReader does."""
    head = src.read_at(e.offset, _LFH.size)
    if len(head) < _LFH.size:
        raise _ZipError("EOF" if len(head) == 0 else ERR_UNEXPECTED_EOF)
    sig, _, _, _, _, _, _, _, _, nlen, xlen = _LFH.unpack_from(head, 0)
    if sig != b"PK\x03\x04":
        raise _ZipError(ERR_FORMAT)
    if e.name.endswith("/"):
        if e.usize != 0:
            raise _ZipError(ERR_FORMAT)
        return hashlib.sha256(b"").hexdigest(), 0
    if e.method not in (0, 8):
        raise _ZipError(ERR_ALGORITHM)
    data_off = e.offset + _LFH.size + nlen + xlen
    h = hashlib.sha256()
    crc = 0
    nread = 0
    if e.method == 0:
        pos, end = data_off, data_off + e.csize
        while pos < end:
            chunk = src.read_at(pos, min(_STREAM, end - pos))
            if not chunk:
                break
            pos += len(chunk)
            nread += len(chunk)
            if nread > e.usize:
                raise _ZipError(ERR_FORMAT)
            h.update(chunk)
            crc = zlib.crc32(chunk, crc)
        # The section ends at csize (or the file's end): fewer bytes than declared is a short file.
        if nread != e.usize:
            raise _ZipError(ERR_UNEXPECTED_EOF)
    else:
        d = zlib.decompressobj(-15)
        pos, end = data_off, data_off + e.csize
        try:
            while not d.eof:
                if d.unconsumed_tail:
                    out = d.decompress(d.unconsumed_tail, _STREAM)
                else:
                    if pos >= end:
                        break
                    chunk = src.read_at(pos, min(_STREAM, end - pos))
                    if not chunk:
                        break
                    pos += len(chunk)
                    out = d.decompress(chunk, _STREAM)
                nread += len(out)
                if nread > e.usize:
                    raise _ZipError(ERR_FORMAT)
                h.update(out)
                crc = zlib.crc32(out, crc)
        except zlib.error as err:
            raise _ZipError(f"flate: corrupt input ({err})") from None
        if not d.eof or nread != e.usize:
            raise _ZipError(ERR_UNEXPECTED_EOF)
    if e.flags & 0x8:
        desc = bytes(src.read_at(data_off + e.csize, 16))
        off = 4 if desc[:4] == b"PK\x07\x08" else 0
        if len(desc) < off + 4:
            raise _ZipError(ERR_UNEXPECTED_EOF if desc else "EOF")
        if struct.unpack_from("<I", desc, off)[0] != e.crc:
            raise _ZipError(ERR_CHECKSUM)
        if crc != e.crc:
            raise _ZipError(ERR_CHECKSUM)
    elif e.crc != 0 and crc != e.crc:
        raise _ZipError(ERR_CHECKSUM)
    return h.hexdigest(), nread


def _hash1(entries: list[_Entry], digests: dict[int, str]) -> str:
    last: dict[str, int] = {}
    for i, e in enumerate(entries):
        last[e.name] = i
    lines = []
    for name in sorted((e.name for e in entries), key=lambda s: s.encode("utf-8", "surrogateescape")):
        lines.append(f"{digests[last[name]]}  {name}\n")
    summary = "".join(lines).encode("utf-8", "surrogateescape")
    return "h1:" + base64.b64encode(hashlib.sha256(summary).digest()).decode("ascii")


def read_module_zip(path: str | os.PathLike[str], mod_path: str, version: str, *,
                    hash: bool = True) -> ZipReport:
    """Check and hash the module zip at ``path`` for ``mod_path@version``.

    Never follows a symbolic link (O_NOFOLLOW) and never blocks on a FIFO: anything but a regular
    file is an error. With ``hash=False`` only the central directory is read (CheckZip).
    Raises OSError only for failures to open or read the file itself.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return ZipReport("", ("not a regular file",), "not a regular file", 0, st.st_size, 0, 0)
        if st.st_size > MAX_ZIP_FILE:
            return _too_large(st.st_size)
        return _read(_Source(fd, st.st_size), mod_path, version, hash)
    finally:
        os.close(fd)


def read_module_zip_bytes(data: bytes, mod_path: str, version: str, *, hash: bool = True) -> ZipReport:
    """:func:`read_module_zip` for a zip held in memory (e.g. just downloaded from a proxy)."""
    if len(data) > MAX_ZIP_FILE:
        return _too_large(len(data))
    src = _Source(-1, 0)
    src.buf = memoryview(data)
    src.size = len(data)
    return _read(src, mod_path, version, hash)


def _too_large(size: int) -> ZipReport:
    # CheckZip refuses before reading; HashZip would read it, but we do not inflate a zip that big.
    msg = f"module zip file is too large ({size} bytes; limit is {MAX_ZIP_FILE} bytes)"
    return ZipReport("", (msg,), "", 0, size, 0, 0)


def _read(src: _Source, mod_path: str, version: str, hash: bool) -> ZipReport:
    size = src.size
    try:
        entries = _read_entries(src)
    except _ZipError as err:
        return ZipReport("", (str(err),), str(err), 0, size, 0, 0)
    uncompressed = sum(e.usize for e in entries)
    check = tuple(_check_names(entries, mod_path, version))
    over_limit = bool(check) and check[0].startswith("total uncompressed size")
    if not hash or over_limit:
        # A zip bomb is stopped here, on its declared sizes, before a byte is inflated.
        return ZipReport("", check, "", len(entries), size, uncompressed, 0)
    if any("\n" in e.name for e in entries):
        return ZipReport("", check, "dirhash: filenames with newlines are not supported", len(entries), size,
                         uncompressed, 0)
    # HashZip opens each distinct name once (the last entry with that name wins).
    wanted = sorted(set({e.name: i for i, e in enumerate(entries)}.values()))
    digests: dict[int, str] = {}
    inflated = 0
    for i in wanted:
        try:
            digests[i], n = _entry_digest(src, entries[i])
        except _ZipError as err:
            return ZipReport("", check, f"{_show(entries[i].name)}: {err}", len(entries), size, uncompressed, inflated)
        inflated += n
    return ZipReport(_hash1(entries, digests), check, "", len(entries), size, uncompressed, inflated)
