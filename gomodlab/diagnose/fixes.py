"""The smallest fix for each diagnosis: complete commands, the safest first, and a one-line summary."""

from __future__ import annotations

import re

from .messages import _CACHE_DIR, _PROXY_URL, _REQ_LINE, _Draft
from .templates import _PATH, _QUERIES

# ---------------------------------------------------------------------------------------------
# Fixes and summaries

_PUBLIC_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com")


def _private_pattern(module: str) -> str:
    elems = module.split("/")
    if elems[0] in _PUBLIC_HOSTS and len(elems) > 1:
        return f"{elems[0]}/{elems[1]}/*"
    return f"{elems[0]}/*"


def _cache_root(location: str | None) -> str | None:
    if not location:
        return None
    loc = location.replace("\\", "/")
    m = re.search(r"^(.*?)/cache/download/", loc)
    if m:
        return location[: m.end(1)]
    m = _CACHE_DIR.search(loc)
    if m:
        return location[: m.end("root")]
    return None


def _proxy_base(url: str | None) -> str | None:
    """The GOPROXY entry a module URL was fetched from (a proxy base may have path elements of its
    own, ``/api/go/virtual``: the module starts at the first element with a dot)."""
    um = _PROXY_URL.match(url) if url else None
    if not um:
        return None
    parts = um.group("esc").split("/")
    k = next((i for i, p in enumerate(parts) if "." in p), 0)
    return um.group("url") + ("/" + "/".join(parts[:k]) if k else "")


def _user_proxy(d: _Draft) -> str | None:
    """The proxy the user's go asked: the failing request's, else the GOPROXY the input shows."""
    base = _proxy_base(d.url)
    if base:
        return base
    shown = d.env.get("GOPROXY", "")
    first = re.split(r"[,|]", shown)[0] if shown else ""
    return first if first.startswith(("http", "file:")) else None


def _refetch(d: _Draft, mv: str) -> str:
    """Fetch ``mv`` again without the copy that failed: from its origin (GOPROXY=direct), so that
    a proxy serving broken bits is not asked again; never a public proxy the user did not choose."""
    return f"GOPROXY=direct go mod download {mv}"


def _private(d: _Draft, pattern: str) -> str:
    """``go env -w GOPRIVATE=…`` that adds ``pattern`` to the user's own value, when the input shows it."""
    have = [p for p in d.env.get("GOPRIVATE", "").split(",") if p]
    if pattern in have:
        return f"go env -w GOPRIVATE='{','.join(have)}'"
    return f"go env -w GOPRIVATE='{','.join([*have, pattern])}'"


def _mv(module: str | None, version: str | None) -> str:
    if module and version:
        return f"{module}@{version}"
    return module or (version or "")


def _fix(d: _Draft) -> tuple[list[str], str]:
    """(commands, summary) for one diagnosis: the smallest safe repair first."""
    c, m, v = d.category, d.module, d.version
    mv = _mv(m, v)
    target = f"{mv}: " if mv else ""
    root = _cache_root(d.location)
    gmfix = f"gomodlab fix {root + ' ' if root else ''}--module {mv} --apply --refetch"
    text = d.text
    if c == "private-module-auth":
        said = re.search(r"for '\w+://([^/']+)|unable to access '\w+://([^/']+)|git@([\w.-]+):", text)
        host = next((g for g in said.groups() if g), "") if said else (m or "").split("/")[0] or "HOST"
        pat = _private_pattern(m) if m else "HOST/*"
        fixes = [_private(d, pat)]
        if re.search(r"\b40[13]\b", d.cause) and d.url and "sum.golang.org" not in d.url and "/lookup/" not in d.url:
            proxy_host = re.sub(r"^\w+://([^/:]+).*$", r"\1", d.url)
            fixes = [f"echo 'machine {proxy_host} login USER password TOKEN' >> ~/.netrc"]
        elif "publickey" in text or "Host key verification" in text:
            fixes += [f"ssh -T git@{host}", "ssh-add ~/.ssh/id_ed25519"]
        else:
            fixes += [f"git config --global url.\"git@{host}:\".insteadOf \"https://{host}/\""]
        return fixes, f"{target}credentials for {host} are missing or refused ({d.cause}); mark it private and give git a way in"
    if c == "permission-denied":
        loc = d.location or "the directory named"
        if d.location and "/pkg/mod" in d.location.replace("\\", "/"):
            croot = d.location[: d.location.replace("\\", "/").find("/pkg/mod") + len("/pkg/mod")]
            fixes = [f"sudo chown -R \"$(id -u):$(id -g)\" {croot}"]
        elif d.location and re.search(r"[/\\]bin[/\\]", d.location):
            fixes = ["go env -w GOBIN=\"$HOME/go/bin\""]
        else:
            fixes = [f"ls -ld {loc}", f"sudo chown -R \"$(id -u):$(id -g)\" {loc}"]
        return fixes, f"{target}the filesystem refused access to {loc} ({d.cause})"
    if c == "checksum-mismatch":
        against = "the checksum database" if re.search(r"checksum server|sumdb", text) else "go.sum"
        if m and v:
            # A damaged local copy, a proxy serving other bits than it first did, or a go.sum line
            # that was edited: in that order. Re-adding the line verifies it against GOSUMDB again.
            fixes = [gmfix, _refetch(d, mv)]
            if against == "go.sum":
                fixes.append(f"sed -i '\\|^{m} {v}[ /]|d' go.sum && go mod download {mv}")
        else:
            fixes = ["go mod verify"]
        return fixes, (f"{target}the downloaded bits differ from {against} (SECURITY ERROR); refetch a clean copy, "
                       "never turn verification off")
    if c == "cache-modified":
        fixes = [gmfix, "go mod verify"] if m and v else ["go mod verify"]
        return fixes, f"{target}the module cache copy changed after download ({d.cause}); quarantine it and refetch"
    if c == "zip-unreadable":
        if m and v and v not in _QUERIES:
            fixes = [gmfix, _refetch(d, mv)]
        elif m:
            fixes = [f"go mod download -json {mv or m}", f"gomodlab fix {root + ' ' if root else ''}--module {m}@VERSION --apply --refetch"]
        else:
            fixes = ["go mod verify", "gomodlab fix --module MODULE@VERSION --apply --refetch"]
        return fixes, f"{target}the module zip cannot be read ({d.cause}); refetch it (a proxy may be serving a broken copy)"
    if c == "missing-gosum-entry":
        hint = re.search(r"to add(?: it)?:\s*\n\s*((?:cd \S+\s*\n\s*)?go (?:get|mod download)[^\n]*)", text)
        if hint:
            fixes = [re.sub(r"\s*\n\s*", " && ", hint.group(1).strip())]
        elif m:
            fixes = [f"go mod download {m}"]
        else:
            fixes = ["go mod tidy"]
        if "go mod tidy" not in fixes:
            fixes.append("go mod tidy")
        return fixes, f"{target}go.sum has no checksum for the module and the command may not add one (-mod=readonly)"
    if c == "module-not-found":
        pkg = re.search(r"(?:no required module provides|cannot find module providing) package (" + _PATH + ")", text)
        if "module lookup disabled" in text:
            # GOPROXY=off (or a GONOPROXY pattern) forbids the lookup: go's default list allows it.
            fixes = ["go env -u GOPROXY", f"go mod download {mv}" if mv else "go mod download"]
        elif pkg:
            fixes = [f"go get {pkg.group(1)}"]
        elif d.url and ("/lookup/" in d.url or "sum.golang.org" in d.url) and m:
            # The checksum database could not fetch it: a private module (keep it away from the
            # public proxy and sumdb) or a tag too new for it (retry later).
            fixes = [_private(d, _private_pattern(m)), f"go mod download {mv}"]
        elif m:
            fixes = [f"GOPROXY=direct go list -m -versions {m}", f"go get {m}@latest"]
        else:
            fixes = ["go mod tidy"]
        return fixes, f"{target}no such version where go looked ({d.cause})"
    if c == "vcs-command-failed":
        local = re.search(r"bad config|not a git repository|bad object|corrupt|loose object|unable to read|index file|"
                          r"does not appear to be a git repository|object file .* is empty|bad revision", text)
        if d.location and local and re.search(r"[/\\]cache[/\\]vcs[/\\]", d.location):
            # Quarantine the checkout (restorable) rather than deleting it; go clones it afresh.
            root = re.split(r"[/\\]cache[/\\]vcs[/\\]", d.location)[0]
            fixes = [f"gomodlab fix {root} --path {d.location} --apply",
                     f"go mod download {mv}" if mv else "go mod download"]
        elif (proxy := _user_proxy(d)) and d.url and re.search(r"exit status \d+", d.cause):
            # The proxy ran git itself and relayed its failure: the module is fine at its origin
            # more often than not. Ask the origin when that proxy fails ("|": on any error).
            fixes = [f"GOPROXY='{proxy}|direct' go mod download -x {mv}".rstrip(),
                     f"go env -w GOPROXY='{proxy}|direct'"]
            return fixes, (f"{target}the proxy {proxy} could not fetch it from its origin: its own git command "
                           f"failed ({d.cause.rsplit(': ', 1)[-1]}); fetch it directly, and run "
                           f"`go mod download -x {mv}` piped into `gomodlab logs -` to see which request failed")
        elif re.search(r"executable file not found|command not found|: not found", text):
            # No git here: a proxy (go's default list, not direct) serves the module without it.
            fixes = ["go env -u GOPROXY", "apt-get install -y git"]
        elif re.search(r"certificate|SSL|x509", text):
            fixes = ["git config --global http.sslCAInfo /etc/ssl/certs/ca-certificates.crt", "go env -u GOPROXY"]
        elif re.search(r"[Rr]epository .*not found|Could not read from remote", text) and m:
            fixes = [_private(d, _private_pattern(m)),
                     f"git config --global url.\"git@{m.split('/')[0]}:\".insteadOf \"https://{m.split('/')[0]}/\""]
        else:
            fixes = [f"go mod download -x {mv}".rstrip(), "go env -u GOPROXY"]
        # The checkout's path once: git's own words often name it already.
        where = f" in {d.location}" if d.location and d.location not in d.cause else ""
        return fixes, f"{target}a version-control command failed{where}: {d.cause}"
    if c == "proxy-unreachable":
        base = _user_proxy(d)
        fixes = []
        if re.search(r"unknown authority|not standards compliant", d.cause):
            fixes.append("export SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt")
        if re.search(r"proxyconnect", text):
            fixes.append("echo \"$HTTPS_PROXY\"")
        if base:
            # Keep the user's proxy and let go fall back to the origin on any error ("|").
            fixes.append(f"go env -w GOPROXY='{base}|direct'")
        if mv:
            fixes.append(f"go mod download -x {mv}")
        where = f" ({d.url})" if d.url else ""
        return fixes, f"{target}the go command's own request failed{where}: {d.cause}"
    if c == "gomod-syntax":
        where = d.location or "go.mod"
        major = re.search(r"should be v0 or v1, not (v\d+)", text)
        dependency = m and v and d.location is None and re.search(r"(?<!errors )parsing go\.mod:", text)
        if _REQ_LINE.search(text) and major and m and v:
            fixes = [f"go mod edit -droprequire={m}", f"go get {m}/{major.group(1)}@{v}"]
        elif dependency:
            fixes = [f"go get {m}@latest"]
        elif re.search(r"unknown directive: (?:toolchain|godebug|tool|ignore)|invalid go version '\d+\.\d+\.\d+'", text):
            fixes = ["go env -w GOTOOLCHAIN=auto", "go version"]
        else:
            fixes = [f"$EDITOR {re.sub(r'(?::[0-9]+)+$', '', where)}", "go mod tidy"]
        if dependency:
            return fixes, f"the go.mod of {mv} does not parse: {d.cause}"
        return fixes, f"{where}: {d.cause} (the go.mod does not parse)"
    if c == "toolchain":
        need = re.search(r"(?:>=|Go|go)\s*(\d+\.\d+(?:\.\d+)?)", d.cause)
        gov = need.group(1) if need else ""
        if "toolchain not available" in text:
            fixes = ["go mod edit -toolchain=none", "go env -w GOTOOLCHAIN=local"]
        elif gov and int(gov.split(".")[1]) >= 21:
            # Go 1.21+ can switch toolchains itself; names of 1.21+ releases carry a patch number.
            fixes = [f"go env -w GOTOOLCHAIN=go{gov if gov.count('.') == 2 else gov + '.0'}+auto", "go version"]
        elif gov:
            fixes = [f"go install golang.org/dl/go{gov}@latest", f"go{gov} download"]
        else:
            fixes = ["go env -w GOTOOLCHAIN=auto"]
        return fixes, f"{_mv(m, v) + ': ' if m else ''}needs a newer Go toolchain: {d.cause}"
    if c == "invalid-module-path":
        post = re.search(r"module path \"(" + _PATH + r")\"|must match major version \(\"(" + _PATH + r")\"\)", text)
        major = re.search(r"not (v\d+)", text)
        decl = re.search(r"declares its path as:?\s+(\S+)\s+but was required as:?\s+(\S+)", text)
        if decl and v:
            fixes = [f"go mod edit -replace={decl.group(2)}@{v}={decl.group(1)}@{v}"]
        elif post and v and (post.group(1) or post.group(2)) != m:
            fixes = [f"go get {post.group(1) or post.group(2)}@{v.removesuffix('+incompatible')}"]
        elif major and m and v:
            fixes = [f"go get {m}/{major.group(1)}@{v}"]
        elif m:
            fixes = [f"go mod edit -droprequire={m}"]
        else:
            fixes = ["go mod tidy"]
        return fixes, f"{target}the module path does not match the version or go.mod ({d.cause})"
    if c == "ambiguous-import":
        cands = re.findall(r"^(" + _PATH + r") (v\S+) \(", text, re.M)
        parents = [p for p, _ in cands if m and m != p and m.startswith(p + "/")]
        fixes = [f"go get {p}@latest" for p in parents[:1]] + ["go mod tidy"]
        return fixes, f"{m}: the package is provided by more than one module ({', '.join(p + ' ' + ver for p, ver in cands)})"
    return [], f"{_mv(m, v) + ': ' if m else ''}not recognised: {d.cause}"
