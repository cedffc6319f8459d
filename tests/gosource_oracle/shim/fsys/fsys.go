// Package fsys stands in for cmd/go/internal/fsys without an overlay: the plain os calls.
package fsys

import (
	"io/fs"
	"os"
	"path/filepath"
)

func ReadDir(dir string) ([]fs.DirEntry, error)  { return os.ReadDir(dir) }
func Stat(name string) (fs.FileInfo, error)      { return os.Stat(name) }
func Open(name string) (*os.File, error)         { return os.Open(name) }
func WalkDir(root string, fn fs.WalkDirFunc) error { return filepath.WalkDir(root, fn) }
func Trace(op, path string)                      {}
