"""Network evidence: ``go … -x`` traces, proxy access logs, a lab GOPROXY and proxy fault models.

``xlog`` (-x traces and access logs as one DataFrame), ``proxyurl`` (which proxy, module,
version and endpoint a GOPROXY URL names), ``faultmodel`` (how a proxy misbehaves,
and a Monte Carlo of go's walk down the GOPROXY list), ``labproxy`` (a fault-injecting loopback
GOPROXY for the real go). Imports the layers below it (mod, load, cache).
"""
