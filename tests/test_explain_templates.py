"""gomodlab.diagnose.explain on messages written from the go source's templates, not from pasted issues.

Each case is one message shape the go command (or git, ssh, the OS through it) prints, filled with
made-up modules; every case is then run through the disguises real logs wear: docker buildkit and
ISO-timestamp prefixes, a CI ``Error:`` annotation, CRLF line ends, an 80-column terminal hard
wrap. The labelling rules are those of shared/data/go-errors/README.md.
"""

from __future__ import annotations

import re

import pytest

from gomodlab.diagnose.explain import explain
from gomodlab.diagnose.templates import CATEGORIES, TEMPLATES

H = "0123456789abcdef" * 4  # a cache/vcs directory name (sha256 hex)

# (id, text, category, module, version)
CASES = [
    # --- checksum-mismatch: modfetch/fetch.go ---------------------------------------------
    ("gosum-mismatch", """verifying example.com/lib@v1.2.3: checksum mismatch
	downloaded: h1:QOREa0uPHnP4yu7hYLq9fRItHIi0DYP8iyeWdxrqC78=
	go.sum:     h1:AAAAQOREa0uPHnP4yu7hYLq9fRItHIi0DYP8iyeWdxrqC78=

SECURITY ERROR
This download does NOT match an earlier download recorded in go.sum.
The bits may have been replaced on the origin server, or an attacker may
have intercepted the download attempt.

For more information, see 'go help module-auth'.
""", "checksum-mismatch", "example.com/lib", "v1.2.3"),
    ("sumdb-mismatch-gomod", """go: downloading github.com/acme/Widget v0.3.0
go: github.com/acme/Widget@v0.3.0: verifying go.mod: checksum mismatch
	downloaded: h1:rdFxbxq4QXVZWj0F+e9jqjDkc7dbp97vkRixKo2JR60=
	sum.golang.org: h1:RbATFBbKYkVdqmSFtx13Bb/tVhR0lgOBXunWTZKeL4w=

SECURITY ERROR
This download does NOT match the one reported by the checksum server.
The bits may have been replaced on the origin server, or an attacker may
have intercepted the download attempt.

For more information, see 'go help module-auth'.
""", "checksum-mismatch", "github.com/acme/Widget", "v0.3.0"),
    ("gowork-sum-mismatch", """verifying golang.org/x/text@v0.14.0/go.mod: checksum mismatch
	downloaded: h1:18ZOQIKpY8NJ4KE9VFjrzpLD6WJq/jHB0gZTMR8Qo70=
	/src/ws/go.work.sum:     h1:AAAAQIKpY8NJ4KE9VFjrzpLD6WJq/jHB0gZTMR8Qo70=
""", "checksum-mismatch", "golang.org/x/text", "v0.14.0"),
    ("sumdb-absent", """go: example.org/tool@v1.0.0: verifying module: checksum missing from sumdb response

SECURITY ERROR
This download does NOT match one reported by the checksum server.
The checksum server has provided checksums, but the checksums do
not contain an entry for the download.
""", "checksum-mismatch", "example.org/tool", "v1.0.0"),
    # --- cache-modified: modcmd/verify.go, modfetch/fetch.go --------------------------------
    ("verify-dir-windows", r"github.com/Azure/go-autorest v14.2.0+incompatible: dir has been modified "
                           r"(C:\Users\dev\go\pkg\mod\github.com\!azure\go-autorest@v14.2.0+incompatible)",
     "cache-modified", "github.com/Azure/go-autorest", "v14.2.0+incompatible"),
    ("verify-zip", "example.com/a v1.0.0: zip has been modified "
                   "(/home/ci/go/pkg/mod/cache/download/example.com/a/@v/v1.0.0.zip)\n"
                   "example.com/a v1.0.0: dir has been modified (/home/ci/go/pkg/mod/example.com/a@v1.0.0)\n",
     "cache-modified", "example.com/a", "v1.0.0"),
    ("verify-missing-ziphash", "example.com/a v1.0.0: missing ziphash: open "
                               "/home/ci/go/pkg/mod/cache/download/example.com/a/@v/v1.0.0.ziphash: no such file or directory",
     "cache-modified", "example.com/a", "v1.0.0"),
    ("unexpected-ziphash", 'go: verifying example.com/a@v1.0.0: unexpected ziphash: "garbage"',
     "cache-modified", "example.com/a", "v1.0.0"),
    # --- zip-unreadable: archive/zip, compress/flate, x/mod/zip -----------------------------
    ("unzip-position", "main.go:3:1: unzip /home/u/go/pkg/mod/cache/download/github.com/!burnt!sushi/toml/@v/v1.3.2.zip: "
                       "zip: not a valid zip file", "zip-unreadable", "github.com/BurntSushi/toml", "v1.3.2"),
    ("unzip-windows", r"go: github.com/BurntSushi/toml@v1.3.2: unzip C:\Users\dev\go\pkg\mod\cache\download"
                      r"\github.com\!burnt!sushi\toml\@v\v1.3.2.zip: zip: not a valid zip file",
     "zip-unreadable", "github.com/BurntSushi/toml", "v1.3.2"),
    ("flate", "go: example.com/big@v2.1.0+incompatible: flate: corrupt input before offset 40217",
     "zip-unreadable", "example.com/big", "v2.1.0+incompatible"),
    ("zip-checksum-verify", "example.com/a v1.0.0: zip: checksum error", "zip-unreadable", "example.com/a", "v1.0.0"),
    ("zip-unexpected-file", "go: example.com/a@v1.0.0: zip for example.com/a@v1.0.0 has unexpected file "
                            "example.com/a@v1.0.0/../evil.go", "zip-unreadable", "example.com/a", "v1.0.0"),
    ("gopath-era-zip", "go: finding example.com/a v1.1.0\ngo: downloading example.com/a v1.1.0\n"
                       "go get example.com/a: zip: not a valid zip file", "zip-unreadable", "example.com/a", "v1.1.0"),
    # --- missing-gosum-entry: modload/import.go, modload/modfile.go, fetch.go ----------------
    ("sum-gomod-file", "go: example.com/m@v1.2.0: missing go.sum entry for go.mod file; to add it:\n\tgo mod download example.com/m",
     "missing-gosum-entry", "example.com/m", "v1.2.0"),
    ("sum-download-hint", "missing go.sum entry for module providing package example.com/a/sub; to add:\n"
                          "\tgo mod download example.com/a example.com/a/sub", "missing-gosum-entry", "example.com/a", None),
    ("sum-test-hint", "x_test.go:5:2: missing go.sum entry for module providing package github.com/stretchr/testify/require "
                      "(imported by example.com/app/x); to add:\n\tgo get -t example.com/app/x",
     "missing-gosum-entry", "github.com/stretchr/testify", None),
    ("sum-plain", "go: example.com/m@v1.0.0: missing go.sum entry", "missing-gosum-entry", "example.com/m", "v1.0.0"),
    ("gosum-dirty", "go: updates to go.sum needed, disabled by -mod=readonly", "missing-gosum-entry", None, None),
    ("sum-gopkg", "main.go:4:2: missing go.sum entry for module providing package gopkg.in/yaml.v3 (imported by example.com/app); "
                  "to add:\n\tgo get example.com/app", "missing-gosum-entry", "gopkg.in/yaml.v3", None),
    # --- module-not-found: codehost.go, query.go, web/api.go, import.go, repo.go -------------
    ("unknown-revision", "go: example.com/m@v0.0.0-20240101000000-abcdefabcdef: invalid version: unknown revision abcdefabcdef",
     "module-not-found", "example.com/m", "v0.0.0-20240101000000-abcdefabcdef"),
    ("unknown-branch", "go: github.com/acme/tool@feature-x: invalid version: unknown revision feature-x",
     "module-not-found", "github.com/acme/tool", "feature-x"),
    ("no-matching-module", 'go: module example.com/m: no matching versions for query "v2"', "module-not-found", "example.com/m", "v2"),
    ("no-matching-current", 'go: example.com/m@upgrade: no matching versions for query "upgrade" (current version is v1.0.0)',
     "module-not-found", "example.com/m", "upgrade"),
    ("proxy-404-detail", "go: example.com/m@v1.9.9: reading https://proxy.golang.org/example.com/m/@v/v1.9.9.info: 404 Not Found\n"
                         "\tserver response: not found: example.com/m@v1.9.9: invalid version: unknown revision v1.9.9",
     "module-not-found", "example.com/m", "v1.9.9"),
    ("proxy-410", "go: downloading example.com/old v1.0.0\n"
                  "go: example.com/old@v1.0.0: reading https://goproxy.example/example.com/old/@v/v1.0.0.zip: 410 Gone",
     "module-not-found", "example.com/old", "v1.0.0"),
    ("go113-status-404", "go: example.com/m@v1.0.0: unexpected status (https://goproxy.io/example.com/m/@v/v1.0.0.info): 404 Not Found",
     "module-not-found", "example.com/m", "v1.0.0"),
    ("file-proxy-missing", "go: example.com/m@v1.0.1: reading file:///srv/proxy/example.com/m/@v/v1.0.1.mod: no such file or directory",
     "module-not-found", "example.com/m", "v1.0.1"),
    ("cannot-find-providing", "build example.com/main: cannot load example.com/x/y: cannot find module providing package example.com/x/y",
     "module-not-found", "example.com/x/y", None),
    ("no-required-module", "main.go:4:2: no required module provides package github.com/acme/lib/pkg; to add it:\n"
                           "\tgo get github.com/acme/lib/pkg", "module-not-found", "github.com/acme/lib/pkg", None),
    ("not-contain-package", "go: module github.com/acme/lib@latest found (v1.2.0), but does not contain package github.com/acme/lib/z",
     "module-not-found", "github.com/acme/lib", "latest"),
    ("proxy-off", "go: example.com/m@v1.0.0: module lookup disabled by GOPROXY=off", "module-not-found", "example.com/m", "v1.0.0"),
    ("go111-unknown-revision", "go: finding example.com/m v1.0.0\ngo: example.com/m@v1.0.0: unknown revision v1.0.0\n"
                               "go: error loading module requirements", "module-not-found", "example.com/m", "v1.0.0"),
    ("missing-gomod-v2", "go: github.com/x/y@v1.0.0: invalid version: missing github.com/x/y/go.mod and .../v2/go.mod at revision v1.0.0",
     "module-not-found", "github.com/x/y", "v1.0.0"),
    ("vendor-lookup", "main.go:5:2: cannot find module providing package github.com/x/y: import lookup disabled by -mod=vendor",
     "module-not-found", "github.com/x/y", None),
    ("sumdb-tile-404", "go: github.com/x/y@v1.0.0: verifying go.mod: github.com/x/y@v1.0.0/go.mod: reading "
                       "https://sum.golang.org/tile/8/0/x123/456: 404 Not Found", "module-not-found", "github.com/x/y", "v1.0.0"),
    # --- vcs-command-failed: codehost.go RunError, os/exec, git ---------------------------
    ("git-rpc-failed", "go: github.com/x/y@v0.0.0-20190101000000-abcdefabcdef: git fetch -f https://github.com/x/y refs/heads/*:refs/heads/* "
                       "refs/tags/*:refs/tags/* in /go/pkg/mod/cache/vcs/" + H + ": exit status 128:\n\terror: RPC failed; curl 56 "
                       "GnuTLS recv error (-9): A TLS packet with unexpected length was received.\n\tfatal: The remote end hung up unexpectedly",
     "vcs-command-failed", "github.com/x/y", "v0.0.0-20190101000000-abcdefabcdef"),
    ("hg-missing", 'go: example.org/x@v1.0.0: hg clone -U -- https://example.org/x ' + H + ': exec: "hg": executable file not found in $PATH',
     "vcs-command-failed", "example.org/x", "v1.0.0"),
    ("git-fetch-windows", "go: example.com/r.git@v1.0.0: git fetch -f origin refs/heads/*:refs/heads/* refs/tags/*:refs/tags/* in "
                          "C:\\Users\\dev\\go\\pkg\\mod\\cache\\vcs\\" + H + ": exit status 128:\n"
                          "\tfatal: unable to access 'https://example.com/r/': Could not resolve host: example.com",
     "vcs-command-failed", "example.com/r.git", "v1.0.0"),
    ("git-bad-config", "go: example.com/r.git@v1.0.0: reading example.com/r.git/go.mod at revision v1.0.0: git ls-remote -q "
                       "--end-of-options origin in /home/u/go/pkg/mod/cache/vcs/" + H + ": exit status 128:\n"
                       "\tfatal: bad config line 1 in file /home/u/go/pkg/mod/cache/vcs/" + H + "/config",
     "vcs-command-failed", "example.com/r.git", "v1.0.0"),
    ("hg-pull", "go: example.org/hg/repo@v1.0.0: hg pull in /root/go/pkg/mod/cache/vcs/" + H + ": exit status 255:\n"
                "\tabort: no suitable response from remote hg!", "vcs-command-failed", "example.org/hg/repo", "v1.0.0"),
    ("git-missing", 'go: example.com/r.git@v1.0.0: git init --bare in /go/pkg/mod/cache/vcs/' + H +
                    ': exec: "git": executable file not found in $PATH', "vcs-command-failed", "example.com/r.git", "v1.0.0"),
    ("gopath-clone", "# cd .; git clone -- https://github.com/acme/gone /home/u/go/src/github.com/acme/gone\n"
                     "Cloning into '/home/u/go/src/github.com/acme/gone'...\nremote: Repository not found.\n"
                     "fatal: repository 'https://github.com/acme/gone/' not found\n"
                     "package github.com/acme/gone/cmd/x: exit status 128", "vcs-command-failed", "github.com/acme/gone", None),
    ("govcs", "go: example.com/m@v1.0.0: GOVCS disallows using svn for public example.com/m; see 'go help vcs'",
     "vcs-command-failed", "example.com/m", "v1.0.0"),
    # --- proxy-unreachable: net, net/http, crypto/tls, web/api.go ----------------------------
    ("refused", 'go: example.com/m@v1.0.0: Get "https://proxy.example.com/example.com/m/@v/v1.0.0.mod": '
                "dial tcp 10.0.0.1:443: connect: connection refused", "proxy-unreachable", "example.com/m", "v1.0.0"),
    ("dns", 'go: example.com/m@v1.0.0: Get "https://proxy.golang.org/example.com/m/@v/v1.0.0.info": '
            "dial tcp: lookup proxy.golang.org on 127.0.0.53:53: no such host", "proxy-unreachable", "example.com/m", "v1.0.0"),
    ("windows-refused", 'go: example.com/m@v1.0.0: Get "https://proxy.golang.org/example.com/m/@v/v1.0.0.mod": dial tcp '
                        "142.250.0.1:443: connectex: No connection could be made because the target machine actively refused it.",
     "proxy-unreachable", "example.com/m", "v1.0.0"),
    ("client-timeout", 'go: example.com/m@v1.0.0: Get "https://proxy.golang.org/example.com/m/@v/v1.0.0.zip": net/http: '
                       "request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)",
     "proxy-unreachable", "example.com/m", "v1.0.0"),
    ("x509", 'go: github.com/acme/lib@v1.4.0: Get "https://proxy.golang.org/github.com/acme/lib/@v/v1.4.0.mod": '
             "tls: failed to verify certificate: x509: certificate signed by unknown authority",
     "proxy-unreachable", "github.com/acme/lib", "v1.4.0"),
    ("proxyconnect", 'go: example.com/m@v1.0.0: Get "https://proxy.golang.org/example.com/m/@v/v1.0.0.mod": proxyconnect tcp: '
                     "dial tcp 10.1.1.1:3128: connect: connection refused", "proxy-unreachable", "example.com/m", "v1.0.0"),
    ("http-429", "go: downloading github.com/x/y v1.0.0\ngo: github.com/x/y@v1.0.0: reading https://goproxy.io/github.com/x/y/@v/v1.0.0.zip: "
                 "429 Too Many Requests", "proxy-unreachable", "github.com/x/y", "v1.0.0"),
    ("sumdb-timeout", 'go: github.com/x/y@v1.0.0: verifying module: github.com/x/y@v1.0.0: Get "https://sum.golang.org/lookup/github.com/x/y@v1.0.0": '
                      "dial tcp 142.251.43.17:443: i/o timeout", "proxy-unreachable", "github.com/x/y", "v1.0.0"),
    ("http-503", "go: example.com/m@v1.0.0: reading https://goproxy.io/example.com/m/@v/v1.0.0.zip: 503 Service Unavailable",
     "proxy-unreachable", "example.com/m", "v1.0.0"),
    ("go-get-meta", 'go: example.com/m@v1.0.0: unrecognized import path "example.com/m": https fetch: Get '
                    '"https://example.com/m?go-get=1": dial tcp: lookup example.com: no such host',
     "proxy-unreachable", "example.com/m", "v1.0.0"),
    ("go113-status-502", "go: example.com/m@v1.0.0: unexpected status (https://goproxy.io/example.com/m/@v/v1.0.0.mod): 502 Bad Gateway",
     "proxy-unreachable", "example.com/m", "v1.0.0"),
    ("escaped-url-eof", 'go: github.com/Shopify/sarama@v1.38.1: read "https://proxy.golang.org/github.com/!shopify/sarama/@v/'
                        'v1.38.1.zip": unexpected EOF', "proxy-unreachable", "github.com/Shopify/sarama", "v1.38.1"),
    # --- gomod-syntax: x/mod/modfile, modload/modfile.go ---------------------------------------
    ("unknown-directive", "go: errors parsing go.mod:\n/home/u/app/go.mod:5: unknown directive: toolchain",
     "gomod-syntax", None, None),
    ("invalid-go-version-windows", "go: errors parsing go.mod:\nC:\\Users\\dev\\app\\go.mod:3: invalid go version '1.21.0': "
                                   "must match format 1.23", "gomod-syntax", None, None),
    ("replace-usage", "go: errors parsing go.mod:\n/src/go.mod:7: usage: replace module/path [v1.2.3] => other/module v1.4\n"
                      "\t or replace module/path [v1.2.3] => ../local/directory", "gomod-syntax", None, None),
    ("dependency-gomod", "go: example.com/dep@v1.0.0: parsing go.mod: go.mod:3: unknown directive: frobnicate",
     "gomod-syntax", "example.com/dep", "v1.0.0"),
    ("require-invalid", "go: errors parsing go.mod:\n/src/go.mod:4:2: require example.com/x: version \"master\" invalid: "
                        "must be of the form v1.2.3", "gomod-syntax", "example.com/x", "master"),
    ("missing-module-line", "go: error reading go.mod: missing module declaration. To specify the module path:\n"
                            "\tgo mod edit -module=example.com/mod", "gomod-syntax", None, None),
    # --- toolchain: gover/toolchain.go, toolchain/select.go, work/exec.go ----------------------
    ("too-new-dep", "go: example.com/m@v1.5.0 requires go >= 1.23 (running go 1.21.0; GOTOOLCHAIN=local)",
     "toolchain", "example.com/m", "v1.5.0"),
    ("too-new-gomod-sets", "go: go.mod requires go >= 1.24.1 (running go 1.23.4; GOTOOLCHAIN=local; go.mod sets go 1.24.1)",
     "toolchain", None, "1.24.1"),
    ("gowork-too-new", "go: module ../x listed in go.work file requires go >= 1.22, but go.work lists go 1.21; to update it:\n"
                       "\tgo work use", "toolchain", None, "1.22"),
    ("toolchain-unavailable", "go: example.com/m@v1.0.0 requires go >= 1.99.1; switching to go1.99.1\n"
                              "go: downloading go1.99.1 (linux/amd64)\n"
                              "go: download go1.99.1 for linux/amd64: toolchain not available", "toolchain", None, "go1.99.1"),
    ("tidy-max-version", "go: go.mod file indicates go 1.21, but maximum version supported by tidy is 1.20",
     "toolchain", None, "1.21"),
    ("build-note", "# example.com/m/pkg\n/home/u/go/pkg/mod/example.com/m@v1.5.0/pkg/x.go:10:2: undefined: slices.Contains\n"
                   "note: module requires Go 1.21", "toolchain", "example.com/m", "v1.5.0"),
    # --- invalid-module-path: x/mod/module, modfetch/coderepo.go, modload/modfile.go -----------
    ("malformed-dotless", 'go: example/foo@v1.0.0: malformed module path "example/foo": missing dot in first path element',
     "invalid-module-path", "example/foo", "v1.0.0"),
    ("declares-path", "go: example.com/new@v1.0.0: parsing go.mod:\n\tmodule declares its path as: example.com/old\n"
                      "\t        but was required as: example.com/new", "invalid-module-path", "example.com/new", "v1.0.0"),
    ("none-updating-to", "go get: github.com/x/y@none updating to\n\tgithub.com/x/y@v1.2.3: parsing go.mod:\n"
                         "\tmodule declares its path as: github.com/X/y\n\t        but was required as: github.com/x/y",
     "invalid-module-path", "github.com/x/y", "v1.2.3"),
    ("post-v2", 'go: example.com/m@v2.1.0: invalid version: go.mod has post-v2 module path "example.com/m/v2" at revision v2.1.0',
     "invalid-module-path", "example.com/m", "v2.1.0"),
    ("must-match-major", 'go: example.com/m@v3.0.0+incompatible: invalid version: module contains a go.mod file, so module path '
                         'must match major version ("example.com/m/v3")', "invalid-module-path", "example.com/m", "v3.0.0+incompatible"),
    ("unzip-major", "go: unzip /home/u/go/pkg/mod/cache/download/example.com/d/@v/v2.0.0.zip: example.com/d@v2.0.0: "
                    "invalid version: should be v0 or v1, not v2", "invalid-module-path", "example.com/d", "v2.0.0"),
    # --- ambiguous-import: modload/import.go --------------------------------------------------
    ("ambiguous-dirs", "main.go:3:2: ambiguous import: found package example.com/x in multiple directories:\n"
                       "\t/home/u/app/vendor/example.com/x\n\t/home/u/go/src/example.com/x", "ambiguous-import", "example.com/x", None),
    ("ambiguous-stack", "go: example.com/main imports\n\texample.com/e/x: ambiguous import: found package example.com/e/x in multiple modules:\n"
                        "\texample.com/e v1.0.0 (/home/u/go/pkg/mod/example.com/e@v1.0.0/x)\n"
                        "\texample.com/e/x v1.0.0 (/home/u/go/pkg/mod/example.com/e/x@v1.0.0)", "ambiguous-import", "example.com/e/x", None),
    # --- private-module-auth: git, ssh, web/api.go, vcs/vcs.go ---------------------------------
    ("gitlab-basic", "go: gitlab.example.com/team/repo.git@v1.0.0: git ls-remote -q --end-of-options origin in "
                     "/home/u/go/pkg/mod/cache/vcs/" + H + ": exit status 128:\n\tremote: HTTP Basic: Access denied\n"
                     "\tfatal: Authentication failed for 'https://gitlab.example.com/team/repo.git/'",
     "private-module-auth", "gitlab.example.com/team/repo.git", "v1.0.0"),
    ("publickey", "go: github.com/acme/private@v0.1.0: git ls-remote -q origin in /root/go/pkg/mod/cache/vcs/" + H + ": exit status 128:\n"
                  "\tgit@github.com: Permission denied (publickey).\n\tfatal: Could not read from remote repository.",
     "private-module-auth", "github.com/acme/private", "v0.1.0"),
    ("proxy-401", "go: example.com/m@v1.0.0: reading https://athens.corp/example.com/m/@v/v1.0.0.info: 401 Unauthorized",
     "private-module-auth", "example.com/m", "v1.0.0"),
    ("sumdb-410-prompts", "go: example.com/app imports\n\tgithub.com/acme/secret/api: github.com/acme/secret@v1.0.0: verifying module: "
                          "github.com/acme/secret@v1.0.0: reading https://sum.golang.org/lookup/github.com/acme/secret@v1.0.0: 410 Gone\n"
                          "\tserver response:\n\tnot found: github.com/acme/secret@v1.0.0: invalid version: git ls-remote -q origin in "
                          "/tmp/gopath/pkg/mod/cache/vcs/" + H + ": exit status 128:\n"
                          "\t\tfatal: could not read Username for 'https://github.com': terminal prompts disabled",
     "private-module-auth", "github.com/acme/secret", "v1.0.0"),
    ("gopath-meta", 'package example.org/x: unrecognized import path "example.org/x" (parse https://example.org/x?go-get=1: '
                    "no go-import meta tags ())", "private-module-auth", "example.org/x", None),
    # --- permission-denied: syscall errors through os.PathError -------------------------------
    ("mkdir-cache", "go: example.com/m@v1.0.0: mkdir /home/u/go/pkg/mod/cache/download/example.com/m/@v: permission denied",
     "permission-denied", "example.com/m", "v1.0.0"),
    ("erofs", "go: creating work dir: mkdir /tmp/go-build123: read-only file system", "permission-denied", None, None),
    ("windows-access-denied", r"go: example.com/m@v1.0.0: rename C:\Users\dev\go\pkg\mod\example.com\m@v1.0.0.tmp-123 "
                              r"C:\Users\dev\go\pkg\mod\example.com\m@v1.0.0: Access is denied.",
     "permission-denied", "example.com/m", "v1.0.0"),
    # --- unknown -----------------------------------------------------------------------------
    ("no-main-module", "go: cannot find main module, but found .git/config in /home/u/app\n\tto create a module there, run:\n"
                       "\tgo mod init", "unknown", None, None),
]


def _buildkit(text: str) -> str:
    return "".join(f"#12 {3 + i * 0.011:.3f} {ln}\n" for i, ln in enumerate(text.splitlines()))


def _timestamps(text: str) -> str:
    return "".join(f"2024-01-01T00:00:{i % 60:02d}.1234567Z {ln}\n" for i, ln in enumerate(text.splitlines()))


def _annotated(text: str) -> str:
    return "".join(f"Error: {ln}\n" if ln.strip() else "\n" for ln in text.splitlines())


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def _wrap80(text: str) -> str:
    out = []
    for ln in text.expandtabs(8).splitlines():
        while len(ln) > 80:
            out.append(ln[:80])
            ln = ln[80:]
        out.append(ln)
    return "\n".join(out) + "\n"


DISGUISES = {"plain": lambda t: t, "buildkit": _buildkit, "timestamps": _timestamps, "annotated": _annotated,
             "crlf": _crlf, "wrap80": _wrap80}


@pytest.mark.parametrize("disguise", list(DISGUISES))
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_template_case(case, disguise):
    _, text, category, module, version = case
    diagnoses = explain(DISGUISES[disguise](text))
    assert diagnoses, "nothing diagnosed"
    first = diagnoses[0]
    assert (first.category, first.module, first.version) == (category, module, version), first
    assert first.evidence and all(e.text.strip() for e in first.evidence)
    if category != "unknown":
        assert first.fix, "a recognised problem comes with a fix"


def test_cases_cover_every_category():
    assert {c[2] for c in CASES} == set(CATEGORIES)
    assert len(CASES) >= 40


def test_every_template_is_exercised_or_documented():
    """Each template names its source; most are exercised by a case here or by the labelled data."""
    assert all(t.source for t in TEMPLATES)
    texts = "\n".join(c[1] for c in CASES)
    hit = sum(bool(t.pattern.search(texts)) for t in TEMPLATES)
    assert hit / len(TEMPLATES) > 0.7


def test_several_problems_ordered_by_precedence():
    text = "\n".join([
        "go: downloading example.com/b v1.0.0",
        'go: example.com/c@v1.0.0: Get "https://proxy.golang.org/example.com/c/@v/v1.0.0.mod": dial tcp: i/o timeout',
        "main.go:4:1: missing go.sum entry for module providing package example.com/b (imported by example.com/main); to add:",
        "\tgo get example.com/main",
        "verifying example.com/a@v1.0.0: checksum mismatch",
        "\tdownloaded: h1:QOREa0uPHnP4yu7hYLq9fRItHIi0DYP8iyeWdxrqC78=",
        "\tgo.sum:     h1:AAAAQOREa0uPHnP4yu7hYLq9fRItHIi0DYP8iyeWdxrqC78=",
        "some tool: something else went wrong",
    ])
    got = [(d.category, d.module, d.version) for d in explain(text)]
    assert got == [("checksum-mismatch", "example.com/a", "v1.0.0"),
                   ("missing-gosum-entry", "example.com/b", "v1.0.0"),
                   ("proxy-unreachable", "example.com/c", "v1.0.0"),
                   ("unknown", None, None)]


def test_evidence_line_numbers_point_at_the_input():
    text = "go: downloading example.com/a v1.0.0\n\nexample.com/a v1.0.0: dir has been modified (/x/pkg/mod/example.com/a@v1.0.0)\n"
    [d] = explain(text)
    assert [(e.line, e.text) for e in d.evidence] == [(3, text.splitlines()[2])]
    assert d.location == "/x/pkg/mod/example.com/a@v1.0.0"
    assert d.fix[0] == "gomodlab fix /x/pkg/mod --module example.com/a@v1.0.0 --apply --refetch"


def test_progress_only_and_empty_input_give_nothing():
    assert explain("") == []
    assert explain("go: downloading example.com/a v1.0.0\ngo: added example.com/a v1.0.0\n") == []


def test_x_trace_lines_are_not_errors():
    trace = ("# get https://proxy.golang.org/example.com/a/@v/list\n"
             "# get https://proxy.golang.org/example.com/a/@v/list: 404 Not Found (0.021s)\n"
             "# get https://proxy.golang.org/example.com/@v/list: 410 Gone (0.003s)\n"
             "cd /home/u/go/pkg/mod/cache/vcs/" + H + "; git ls-remote -q origin\n"
             "0.051s # cd /home/u/go/pkg/mod/cache/vcs/" + H + "; git ls-remote -q origin\n")
    assert explain(trace) == []
    failing = trace + ("go: example.com/a@v1.0.0: git ls-remote -q origin in /home/u/go/pkg/mod/cache/vcs/" + H +
                       ": exit status 128:\n\tfatal: not a git repository (or any of the parent directories): .git\n")
    [d] = explain(failing)
    assert (d.category, d.module, d.location) == ("vcs-command-failed", "example.com/a", "/home/u/go/pkg/mod/cache/vcs/" + H)
    assert d.cause.startswith("fatal: not a git repository")
    assert d.fix[0] == f"gomodlab fix /home/u/go/pkg/mod --path {d.location} --apply"


def test_fixes_are_targeted():
    [auth] = explain(CASES[[c[0] for c in CASES].index("publickey")][1])
    assert "go env -w GOPRIVATE='github.com/acme/*'" in auth.fix
    [mg] = explain("go: example.com/m@v1.2.0: missing go.sum entry for go.mod file; to add it:\n\tgo mod download example.com/m")
    assert mg.fix[0] == "go mod download example.com/m"
    [tc] = explain("go: go.mod requires go >= 1.23.0 (running go 1.22.5; GOTOOLCHAIN=local)")
    assert tc.fix[0] == "go env -w GOTOOLCHAIN=go1.23.0+auto"
    [pm] = explain('go: example.com/m@v2.1.0: invalid version: go.mod has post-v2 module path "example.com/m/v2" at revision v2.1.0')
    assert pm.fix == ("go get example.com/m/v2@v2.1.0",)
    [amb] = explain(CASES[[c[0] for c in CASES].index("ambiguous-stack")][1])
    assert amb.fix[0] == "go get example.com/e@latest"


def test_to_dict_is_json_ready():
    import json

    [d] = explain("go: example.com/m@v1.0.0: module lookup disabled by GOPROXY=off")
    obj = json.loads(json.dumps(d.to_dict()))
    assert set(obj) >= {"category", "module", "version", "evidence", "fix", "summary"}
    assert obj["evidence"] == [{"line": 1, "text": "go: example.com/m@v1.0.0: module lookup disabled by GOPROXY=off"}]


def test_templates_compile_and_name_sources():
    for t in TEMPLATES:
        assert t.category in CATEGORIES
        assert isinstance(t.pattern, re.Pattern)
        assert t.source.strip()


SEED = ("go: golang.org/x/text@v0.3.7: reading https://goproxy.io/golang.org/x/text/@v/v0.3.7.zip: "
        "GET https://goproxy.io/golang.org/x/text/@v/v0.3.7.zip: exit status 128")


def test_proxy_relayed_git_failure_names_the_users_proxy():
    """Issue 11's seed: a proxy that runs git itself relays 'exit status 128'."""
    [d] = explain(SEED)
    assert (d.category, d.module, d.version) == ("vcs-command-failed", "golang.org/x/text", "v0.3.7")
    assert d.fix[0] == "GOPROXY='https://goproxy.io|direct' go mod download -x golang.org/x/text@v0.3.7"
    assert "https://goproxy.io" in d.summary and "gomodlab logs" in d.summary


def test_fixes_keep_the_users_settings():
    text = ("GOPROXY='https://athens.corp.example'\nGOPRIVATE='git.corp.example/*'\n"
            "go: github.com/acme/private@v0.1.0: invalid version: git ls-remote -q origin in /h/go/pkg/mod/cache/vcs/"
            + "0" * 64 + ": exit status 128:\n\tfatal: could not read Username for 'https://github.com': terminal prompts disabled")
    d = explain(text)[0]
    assert d.category == "private-module-auth"
    assert d.fix[0] == "go env -w GOPRIVATE='git.corp.example/*,github.com/acme/*'"


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_no_fix_hard_codes_a_public_proxy(case):
    """A fix names proxy.golang.org only where the user's own go asked it."""
    for d in explain(case[1]):
        assert not any("proxy.golang.org" in f for f in d.fix) or "proxy.golang.org" in case[1], d.fix


def test_the_last_commands_failure_comes_first():
    """Causal order: the paste's last go command is the one that failed on the user."""
    text = ("$ go mod verify\nexample.com/web v1.2.0: dir has been modified (/c/pkg/mod/example.com/web@v1.2.0)\n"
            "$ go mod tidy\ngo: example.com/a@v1.0.0: reading https://p.example/example.com/a/@v/v1.0.0.zip: "
            "GET https://p.example/example.com/a/@v/v1.0.0.zip: exit status 128\n")
    assert [d.category for d in explain(text)] == ["vcs-command-failed", "cache-modified"]
