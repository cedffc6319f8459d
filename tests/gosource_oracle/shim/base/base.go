// Package base stands in for cmd/go/internal/base: Fatalf only.
package base

import (
	"fmt"
	"os"
)

func Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(2)
}
