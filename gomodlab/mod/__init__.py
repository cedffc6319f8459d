"""Go module primitives, ported from golang.org/x/mod and cmd/go/internal: no I/O policy.

``semver`` (x/mod/semver, module/pseudo.go), ``gover`` (internal/gover), ``modpath``
(x/mod/module: CheckPath, EscapePath), ``modfile`` (x/mod/modfile: go.mod, go.work, go.sum),
``dirhash`` (x/mod/sumdb/dirhash), ``modzip`` (x/mod/zip), ``lockedfile``
(cmd/go/internal/lockedfile), ``buildconstraint`` (go/build/constraint, imports/build.go),
``goimports`` (imports/read.go, go/parser's ImportsOnly mode with ``_goscanner``: go/scanner),
``goscan`` (imports/scan.go, modindex's ScanDir). The place a reader compares with the Go source, file by file.
Imports nothing from gomodlab but :mod:`gomodlab.errors`.
"""
