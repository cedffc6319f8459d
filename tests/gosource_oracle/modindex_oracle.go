// This file is added to the copy of cmd/go/internal/modindex that the gosource oracle builds:
// the two symbols scan.go needs from read.go (which is not copied: it is the index's
// encoding), and exported entry points over the raw, not yet encoded, package.

package modindex

import (
	"errors"
	"go/build/constraint"
	"go/token"
	"path/filepath"
	"sort"
	"strings"

	"gosrcoracle/imports"
	"gosrcoracle/str"
)

// ErrNotIndexed and relPath as in read.go.
var ErrNotIndexed = errors.New("not in module index")

func relPath(path, modroot string) string {
	return str.TrimFilePathPrefix(filepath.Clean(path), filepath.Clean(modroot))
}

// ImportInfo is one import as the index records it.
type ImportInfo struct {
	Path   string
	Line   int
	Column int
	Offset int
}

// FileInfo is getFileInfo's answer for one file, as importRaw would store it.
type FileInfo struct {
	Error      string
	ParseError string
	PkgName    string
	GoBuild    string
	PlusBuild  []string
	Imports    []ImportInfo
	NonSource  bool
	Ignored    bool
}

// OracleFileInfo runs getFileInfo (go/build's readGoInfo and go/parser) on dir/name.
func OracleFileInfo(dir, name string) FileInfo {
	fset := token.NewFileSet()
	info, err := getFileInfo(dir, name, fset)
	if err == errNonSource {
		return FileInfo{NonSource: true}
	} else if err != nil {
		return FileInfo{Error: err.Error()}
	} else if info == nil {
		return FileInfo{Ignored: true}
	}
	fi := FileInfo{GoBuild: info.goBuildConstraint, PlusBuild: info.plusBuildConstraints}
	if info.parsed != nil {
		fi.PkgName = info.parsed.Name.Name
	}
	if info.parseErr != nil {
		// The index stores the error as a string and gives it back through parseErrorFromString.
		fi.ParseError = parseErrorFromString(parseErrorToString(info.parseErr)).Error()
	}
	for _, imp := range info.imports {
		p := fset.Position(imp.pos)
		fi.Imports = append(fi.Imports, ImportInfo{imp.path, p.Line, p.Column, p.Offset})
	}
	return fi
}

// OracleScanDir is read.go's (*IndexPackage).ScanDir over importRaw's package for dir, with
// the index's encode/decode round trip left out (it keeps these fields as they are).
func OracleScanDir(dir string, tags map[string]bool) (sortedImports []string, sortedTestImports []string, err error) {
	rp := importRaw(dir, "")
	imports_ := make(map[string]bool)
	testImports := make(map[string]bool)
	numFiles := 0

Files:
	for _, sf := range rp.sourceFiles {
		name := sf.name
		if strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".go") || !imports.MatchFile(name, tags) {
			continue
		}
		imps := sf.imports
		for _, imp := range imps {
			if imp.path == "C" && !tags["cgo"] && !tags["*"] {
				continue Files
			}
		}
		if !shouldBuild(sf, tags) {
			continue
		}
		numFiles++
		m := imports_
		if strings.HasSuffix(name, "_test.go") {
			m = testImports
		}
		for _, p := range imps {
			m[p.path] = true
		}
	}
	if numFiles == 0 {
		return nil, nil, imports.ErrNoGo
	}
	return keys(imports_), keys(testImports), nil
}

func keys(m map[string]bool) []string {
	list := make([]string, 0, len(m))
	for k := range m {
		list = append(list, k)
	}
	sort.Strings(list)
	return list
}

func shouldBuild(sf *rawFile, tags map[string]bool) bool {
	if goBuildConstraint := sf.goBuildConstraint; goBuildConstraint != "" {
		x, err := constraint.Parse(goBuildConstraint)
		if err != nil {
			return false
		}
		return imports.Eval(x, tags, true)
	}
	for _, text := range sf.plusBuildConstraints {
		if x, err := constraint.Parse(text); err == nil {
			if !imports.Eval(x, tags, true) {
				return false
			}
		}
	}
	return true
}
