"""Reading a world: where go.mod files come from, and what the go command computes from them.

``locate`` (the main go.mod, GOMODCACHE), ``sources`` (a module cache, a GOPROXY, captured graph
text), ``proxy`` (the GOPROXY protocol client), ``gomod_summary`` (what the graph reads from a
dependency's go.mod, and the on-disk cache of it), ``main_module`` (the main go.mod),
``modload`` (the module graph with pruning), ``mvs`` (Minimal Version Selection), ``get``
(``go get`` at the module level), ``graph`` (the graph as NetworkX and pandas, with "why"),
``modtidy`` (``go mod tidy`` in-process), ``modwhy`` (``go mod why`` in-process), ``dirindex``
(the module cache's and GOROOT's directory scans kept between runs), ``packagegraph`` and ``pkgquery``
(the packages it loads, and reach/shared/cut/weight over them), ``tidy`` (``go mod tidy`` explained), ``gotool`` (the real go command), ``output_memo``
(buildlist's memo). Imports :mod:`gomodlab.mod` only.
"""
