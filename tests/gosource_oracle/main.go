// Command oracle answers questions about Go source files with the go command's own code:
// cmd/go/internal/imports (ShouldBuild, MatchFile, ReadImports, ScanDir), go/build/constraint
// and cmd/go/internal/modindex (getFileInfo, the index's ScanDir), copied from GOROOT at test
// time (never committed). gomodlab's tests send one JSON request per line on stdin, each a batch
// of cases, and compare the answers with gomodlab.mod's.
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"go/build/constraint"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unicode"

	"gosrcoracle/cfg"
	"gosrcoracle/imports"
	"gosrcoracle/modindex"
)

type entry struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"` // file, dir, broken-link, link-to-file, link-to-dir, fifo
	Content string `json:"content"`
}

type tcase struct {
	Line    string   `json:"line"`    // base64
	Content string   `json:"content"` // base64
	Name    string   `json:"name"`
	Tags    []string `json:"tags"`
	GOOS    string   `json:"goos"`
	Entries []entry  `json:"entries"`
}

type request struct {
	Op    string  `json:"op"`
	Cases []tcase `json:"cases"`
}

func unb64(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func tagMap(c tcase) map[string]bool {
	cfg.BuildContext.GOOS = c.GOOS
	m := map[string]bool{}
	for _, t := range c.Tags {
		m[t] = true
	}
	return m
}

var scratch string
var seq int

func newDir() string {
	seq++
	d := filepath.Join(scratch, fmt.Sprint(seq))
	if err := os.MkdirAll(d, 0o777); err != nil {
		panic(err)
	}
	return d
}

// writeEntries lays the entries out in a fresh directory and returns it.
func writeEntries(es []entry) string {
	d := newDir()
	for _, e := range es {
		p := filepath.Join(d, e.Name)
		var err error
		switch e.Kind {
		case "file":
			err = os.WriteFile(p, unb64(e.Content), 0o666)
		case "dir":
			err = os.Mkdir(p, 0o777)
		case "broken-link":
			err = os.Symlink(filepath.Join(d, "does-not-exist"), p)
		case "link-to-file":
			t := filepath.Join(scratch, fmt.Sprintf("target%d", seq))
			if err = os.WriteFile(t, unb64(e.Content), 0o666); err == nil {
				err = os.Symlink(t, p)
			}
		case "link-to-dir":
			err = os.Symlink(scratch, p)
		case "fifo":
			err = syscall.Mkfifo(p, 0o666)
		}
		if err != nil {
			panic(err)
		}
	}
	return d
}

func answer(op string, c tcase) any {
	switch op {
	case "constraint":
		line := string(unb64(c.Line))
		x, err := constraint.Parse(line)
		r := map[string]any{"isGo": constraint.IsGoBuild(line), "isPlus": constraint.IsPlusBuild(line)}
		if err != nil {
			r["err"] = err.Error()
			if se, ok := err.(*constraint.SyntaxError); ok {
				r["off"] = se.Offset
			}
		} else {
			r["str"] = x.String()
			r["any"] = imports.Eval(x, imports.AnyTags(), true)
		}
		return r
	case "should_build":
		return imports.ShouldBuild(unb64(c.Content), tagMap(c))
	case "match_file":
		return imports.MatchFile(c.Name, tagMap(c))
	case "read_imports":
		var list []string
		data, err := imports.ReadImports(strings.NewReader(string(unb64(c.Content))), false, &list)
		_, synErr := imports.ReadImports(strings.NewReader(string(unb64(c.Content))), true, nil)
		quoted := []string{}
		for _, q := range list {
			quoted = append(quoted, b64([]byte(q)))
		}
		return map[string]any{"header": b64(data), "quoted": quoted, "err": errString(err),
			"syntax": synErr != nil && synErr.Error() == "syntax error"}
	case "file_info":
		d := newDir()
		if err := os.WriteFile(filepath.Join(d, c.Name), unb64(c.Content), 0o666); err != nil {
			panic(err)
		}
		fi := modindex.OracleFileInfo(d, c.Name)
		imps := []map[string]any{}
		for _, imp := range fi.Imports {
			imps = append(imps, map[string]any{"path": b64([]byte(imp.Path)), "line": imp.Line, "col": imp.Column})
		}
		return map[string]any{"dir": d, "error": fi.Error, "parseError": fi.ParseError, "pkg": fi.PkgName,
			"goBuild": fi.GoBuild, "plusBuild": fi.PlusBuild, "imports": imps, "nonSource": fi.NonSource}
	case "scan":
		d := writeEntries(c.Entries)
		tags := tagMap(c)
		res := map[string]any{"dir": d}
		imps, tests, err := imports.ScanDir(d, tags)
		res["plain"] = map[string]any{"imports": enc(imps), "test": enc(tests), "err": errString(err)}
		imps, tests, err = modindex.OracleScanDir(d, tags)
		res["index"] = map[string]any{"imports": enc(imps), "test": enc(tests), "err": errString(err)}
		return res
	case "digits":
		var ds []int
		for r := rune(0); r <= unicode.MaxRune; r++ {
			if unicode.IsDigit(r) {
				ds = append(ds, int(r))
			}
		}
		return ds
	}
	panic("unknown op " + op)
}

func enc(list []string) []string {
	out := []string{}
	for _, s := range list {
		out = append(out, b64([]byte(s)))
	}
	return out
}

func main() {
	scratch = os.Args[1]
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<30)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			panic(err)
		}
		results := make([]any, len(req.Cases))
		for i, c := range req.Cases {
			results[i] = answer(req.Op, c)
		}
		if err := out.Encode(results); err != nil {
			panic(err)
		}
	}
}
