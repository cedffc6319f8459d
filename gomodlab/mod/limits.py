"""The size limits go enforces on module files (golang.org/x/mod/zip, cmd/go/internal/modfetch/codehost)."""

__all__ = ["MAX_ZIP_FILE", "MAX_GO_MOD", "MAX_LICENSE"]

#: zip.MaxZipFile: the largest module zip go downloads or extracts.
MAX_ZIP_FILE = 500 << 20
#: zip.MaxGoMod and codehost.MaxGoMod: the largest go.mod in a module zip or repository.
MAX_GO_MOD = 16 << 20
#: zip.MaxLICENSE and codehost.MaxLICENSE.
MAX_LICENSE = 16 << 20
