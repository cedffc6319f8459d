"""The main module's go.sum as go checks it while loading (cmd/go/internal/modfetch/fetch.go).

go reads go.sum the first time it checks a checksum (``initGoSum``), and then:

- **malformed** (``readGoSum``): a non-blank line without exactly three fields stops go at once,
  ``malformed go.sum:\\n<file>:<line>: wrong number of fields N`` (absolute file name);
- **mismatch** (``checkGoMod`` → ``haveModSumLocked``): every go.mod go reads from the module
  cache or a proxy is hashed; the first ``h1:`` line recorded for ``path version/go.mod`` that
  differs from the hash stops go with the SECURITY ERROR text (before a later line could match);
- **missing** (modload ``goModSummary``): in ``-mod=readonly`` only, a go.mod needed for the
  graph must have a ``/go.mod`` line, else ``missing go.sum entry for go.mod file``.
  ``go mod graph`` and ``-mod=mod`` add missing lines instead (gomodlab never writes go.sum).

Lines carrying the empty go.mod's hash are dropped as go drops them; hashes that do not start
with ``h1:`` never match nor mismatch. A directory replacement and the ``go``/``toolchain``
pseudo-modules have no checksum.
"""

from __future__ import annotations

import os

from ..errors import GoRefusal, SourceError
from ._fileio import read_bytes
from .mvs import Module, ModuleError
from .output_memo import Signature, signature

__all__ = ["GoSum", "GoSumFatal", "SumMissing", "GOSUM_MISMATCH"]

#: fetch.go goSumMismatch: what follows a go.sum checksum mismatch.
GOSUM_MISMATCH = """

SECURITY ERROR
This download does NOT match an earlier download recorded in go.sum.
The bits may have been replaced on the origin server, or an attacker may
have intercepted the download attempt.

For more information, see 'go help module-auth'.
"""


class GoSumFatal(GoRefusal):
    """A malformed go.sum or a checksum mismatch: go stops at once (base.Fatalf), no chain shown."""


class SumMissing(ModuleError, GoRefusal):
    """``M@V: missing go.sum entry for go.mod file`` (a module error: go shows the chain to it)."""

    def __init__(self, actual: Module, required_path: str) -> None:
        ModuleError.__init__(self, actual, "missing go.sum entry for go.mod file; to add it:\n"
                                           f"\tgo mod download {required_path}")
        self.stderr = f"go: {self}\n"


class GoSum:
    """The go.sum file beside a main go.mod, read on first use (as go reads it)."""

    def __init__(self, moddir: str) -> None:
        self.file = os.path.join(moddir, "go.sum")
        self._sums: dict[tuple[str, str], list[str]] | None = None
        #: go.sum's output_memo.signature when read, or None when there is none (for output memos).
        self.stamp: Signature | None = None

    def _load(self) -> dict[tuple[str, str], list[str]]:
        if self._sums is not None:
            return self._sums
        from ..mod.dirhash import EMPTY_GOMOD_HASH
        from ..mod.modfile import GoModSyntaxError, parse_gosum

        sums: dict[tuple[str, str], list[str]] = {}
        try:
            st = os.stat(self.file)  # before the read: an edit after it is then another signature
            data = read_bytes(self.file)
            self.stamp = signature(st, data)
        except FileNotFoundError:
            data = b""
        except OSError as e:
            raise SourceError(f"reading {self.file}: {e.strerror or e}") from None
        try:
            lines = parse_gosum(data, self.file)
        except GoModSyntaxError as e:
            raise GoSumFatal(e.go_stderr(self.file)) from None
        for ln in lines:
            if ln.hash != EMPTY_GOMOD_HASH:
                sums.setdefault((ln.path, ln.version), []).append(ln.hash)
        self._sums = sums
        return sums

    def recorded(self) -> dict[tuple[str, str], list[str]]:
        """Every hash go.sum records, by (path, version or version/go.mod), in file order
        (the empty go.mod's hash dropped, as go drops it)."""
        return self._load()

    def has_gomod(self, m: Module) -> bool:
        """HaveSum: go.sum has an ``h1:`` line for ``m``'s go.mod."""
        return any(h.startswith("h1:") for h in self._load().get((m.path, m.version + "/go.mod"), ()))

    def verify_gomod(self, m: Module, data: bytes) -> None:
        """checkGoMod: GoSumFatal (go stops at once) when go.sum records another go.mod hash."""
        if (m.path, m.version + "/go.mod") in self._load():
            from ..mod.dirhash import hash_gomod  # only once go.sum has lines to check (zipfile is not cheap)

            self.verify_gomod_hash(m, hash_gomod(data))

    def verify_gomod_hash(self, m: Module, h: str) -> None:
        """:meth:`verify_gomod` of a go.mod whose ``h1:`` hash ``h`` is known."""
        recorded = self._load().get((m.path, m.version + "/go.mod"))
        if not recorded:
            return
        for vh in recorded:
            if vh == h:
                return
            if vh.startswith("h1:"):
                raise GoSumFatal(f"verifying {m.path}@{m.version}/go.mod: checksum mismatch\n"
                                f"\tdownloaded: {h}\n\tgo.sum:     {vh}{GOSUM_MISMATCH}")
