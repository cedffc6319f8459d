// Package cfg stands in for cmd/go/internal/cfg: only the build context, which the oracle sets
// per request (GOOS decides the "unix" tag).
package cfg

import "go/build"

var BuildContext = build.Default
