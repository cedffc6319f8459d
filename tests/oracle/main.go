// Command oracle answers questions about Go module versions, paths and hashes using the very
// golang.org/x/mod packages the go command vendors (copied from GOROOT at test time, never
// committed). gomodlab's tests send it JSON requests on stdin, one per line, and compare.
package main

import (
	"bufio"
	"encoding/json"
	"os"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/mod/sumdb/dirhash"
	"golang.org/x/mod/zip"
)

type request struct {
	Op     string   `json:"op"`
	Inputs []string `json:"inputs"`
	Arg    string   `json:"arg"`
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func semverInfo(v string) map[string]any {
	return map[string]any{
		"valid": semver.IsValid(v), "canonical": semver.Canonical(v), "major": semver.Major(v),
		"majorminor": semver.MajorMinor(v), "prerelease": semver.Prerelease(v), "build": semver.Build(v),
	}
}

func pathInfo(p string) map[string]any {
	prefix, major, ok := module.SplitPathVersion(p)
	esc, escErr := module.EscapePath(p)
	unesc, unescErr := module.UnescapePath(p)
	escv, escvErr := module.EscapeVersion(p)
	unescv, unescvErr := module.UnescapeVersion(p)
	return map[string]any{
		"check": errString(module.CheckPath(p)), "checkimport": errString(module.CheckImportPath(p)),
		"checkfile": errString(module.CheckFilePath(p)), "prefix": prefix, "pathmajor": major, "ok": ok,
		"escape": esc, "escape_err": errString(escErr), "unescape": unesc, "unescape_err": errString(unescErr),
		"escapeversion": escv, "escapeversion_err": errString(escvErr),
		"unescapeversion": unescv, "unescapeversion_err": errString(unescvErr),
	}
}

func pseudoInfo(v string) map[string]any {
	out := map[string]any{"is": module.IsPseudoVersion(v)}
	base, err := module.PseudoVersionBase(v)
	out["base"], out["base_err"] = base, errString(err)
	t, err := module.PseudoVersionTime(v)
	out["time"], out["time_err"] = t.UTC().Format(time.RFC3339), errString(err)
	rev, err := module.PseudoVersionRev(v)
	out["rev"], out["rev_err"] = rev, errString(err)
	return out
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64<<20), 64<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			out.Encode(map[string]string{"error": err.Error()})
			continue
		}
		var res any
		switch req.Op {
		case "semver":
			r := []any{}
			for _, v := range req.Inputs {
				r = append(r, semverInfo(v))
			}
			res = r
		case "compare": // all pairs, row-major
			r := []int{}
			for _, a := range req.Inputs {
				for _, b := range req.Inputs {
					r = append(r, semver.Compare(a, b))
				}
			}
			res = r
		case "sort":
			l := append([]string(nil), req.Inputs...)
			semver.Sort(l)
			res = l
		case "path":
			r := []any{}
			for _, p := range req.Inputs {
				r = append(r, pathInfo(p))
			}
			res = r
		case "pathmajor": // Inputs are versions, Arg the path major suffix
			r := []any{}
			for _, v := range req.Inputs {
				r = append(r, map[string]any{"err": errString(module.CheckPathMajor(v, req.Arg)),
					"check": errString(module.Check(req.Arg, v)), "canonical": module.CanonicalVersion(v)})
			}
			res = r
		case "pseudo":
			r := []any{}
			for _, v := range req.Inputs {
				r = append(r, pseudoInfo(v))
			}
			res = r
		case "hashzip":
			r := []string{}
			for _, f := range req.Inputs {
				h, err := dirhash.HashZip(f, dirhash.Hash1)
				if err != nil {
					h = "error: " + err.Error()
				}
				r = append(r, h)
			}
			res = r
		case "hashdir": // Arg is the prefix
			r := []string{}
			for _, d := range req.Inputs {
				h, err := dirhash.HashDir(d, req.Arg, dirhash.Hash1)
				if err != nil {
					h = "error: " + err.Error()
				}
				r = append(r, h)
			}
			res = r
		case "checkzip": // Arg is module@version; Inputs are zip files
			r := []any{}
			i := 0
			for ; i < len(req.Arg) && req.Arg[i] != '@'; i++ {
			}
			m := module.Version{Path: req.Arg[:i], Version: req.Arg[min(i+1, len(req.Arg)):]}
			for _, f := range req.Inputs {
				cf, err := zip.CheckZip(m, f)
				r = append(r, map[string]any{"err": errString(err), "cferr": errString(cf.Err())})
			}
			res = r
		case "prefixpatterns": // Arg is the glob list
			r := []bool{}
			for _, t := range req.Inputs {
				r = append(r, module.MatchPrefixPatterns(req.Arg, t))
			}
			res = r
		default:
			res = map[string]string{"error": "unknown op " + req.Op}
		}
		out.Encode(res)
	}
}
