// Command oracle answers questions about Go module versions, paths and hashes using the very
// golang.org/x/mod packages the go command vendors (copied from GOROOT at test time, never
// committed). gomodlab's tests send it JSON requests on stdin, one per line, and compare.
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"os"
	"path"
	"strconv"
	"time"
	"unicode"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/mod/sumdb/dirhash"
	"golang.org/x/mod/zip"
)

type request struct {
	Op     string   `json:"op"`
	Inputs []string `json:"inputs"`
	Arg    string   `json:"arg"`
	// B64 says Inputs are base64: the only way to send bytes that are not UTF-8 through JSON.
	B64 bool `json:"b64"`
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
	out["zero"] = module.IsZeroPseudoVersion(v)
	return out
}

func runeRanges(in func(rune) bool) [][2]rune {
	r := [][2]rune{}
	for c := rune(0); c <= unicode.MaxRune; c++ {
		if !in(c) {
			continue
		}
		if n := len(r); n > 0 && r[n-1][1] == c-1 {
			r[n-1][1] = c
		} else {
			r = append(r, [2]rune{c, c})
		}
	}
	return r
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
		if req.B64 {
			for i, s := range req.Inputs {
				b, err := base64.StdEncoding.DecodeString(s)
				if err != nil {
					panic(err)
				}
				req.Inputs[i] = string(b)
			}
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
		case "max": // all pairs, row-major
			r := []string{}
			for _, a := range req.Inputs {
				for _, b := range req.Inputs {
					r = append(r, semver.Max(a, b))
				}
			}
			res = r
		case "check": // Inputs are path, version, path, version, ...
			r := []string{}
			for i := 0; i+1 < len(req.Inputs); i += 2 {
				r = append(r, errString(module.Check(req.Inputs[i], req.Inputs[i+1])))
			}
			res = r
		case "pseudoversion": // Inputs are major, older, RFC 3339 time, rev, ...
			r := []string{}
			for i := 0; i+3 < len(req.Inputs); i += 4 {
				t, err := time.Parse(time.RFC3339, req.Inputs[i+2])
				if err != nil {
					panic(err)
				}
				r = append(r, module.PseudoVersion(req.Inputs[i], req.Inputs[i+1], t, req.Inputs[i+3]))
			}
			res = r
		case "sortmodules": // Inputs are path, version, ...; answer the same, in module.Sort order
			l := []module.Version{}
			for i := 0; i+1 < len(req.Inputs); i += 2 {
				l = append(l, module.Version{Path: req.Inputs[i], Version: req.Inputs[i+1]})
			}
			module.Sort(l)
			r := []string{}
			for _, m := range l {
				r = append(r, m.Path, m.Version)
			}
			res = r
		case "pathmatch": // Arg is the pattern: path.Match of each input, "error" for a bad pattern
			r := []string{}
			for _, name := range req.Inputs {
				ok, err := path.Match(req.Arg, name)
				r = append(r, map[bool]string{true: "true", false: "false"}[ok])
				if err != nil {
					r[len(r)-1] = "error"
				}
			}
			res = r
		case "quote": // strconv.Quote of each input, as the %q in go's messages prints it
			r := []string{}
			for _, s := range req.Inputs {
				r = append(r, strconv.Quote(s))
			}
			res = r
		case "unicode": // code point ranges [lo, hi] of unicode.IsLetter and strconv.IsPrint
			res = map[string][][2]rune{"letter": runeRanges(unicode.IsLetter), "print": runeRanges(strconv.IsPrint)}
		default:
			res = map[string]string{"error": "unknown op " + req.Op}
		}
		out.Encode(res)
	}
}
