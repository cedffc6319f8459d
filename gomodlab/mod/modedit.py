"""The go.mod the go command writes after changing requirements (x/mod modfile/rule.go edits).

:func:`update_gomod` is ``cmd/go/internal/modload/init.go`` ``UpdateGoModFromReqs`` over the
edit functions of ``golang.org/x/mod/modfile`` (``AddGoStmt``, ``AddToolchainStmt``,
``DropToolchainStmt``, ``SetRequire``, ``SetRequireSeparateIndirect``, ``SetRequireAtMostTwo``,
``SortBlocks``, ``Cleanup``): given the main module's new roots and which of them are direct, the
exact bytes go writes, comments and blocks kept the way go keeps them:

- below go 1.17 one require list (``SetRequire``): changed lines in place, new ones in the last
  require block;
- from 1.17 direct and ``// indirect`` requirements in separate blocks; a single uncommented
  block is split, commented blocks are left where they are;
- from 1.27 at most two blocks (``SetRequireAtMostTwo``), their leading comments gathered.

The go line becomes the ``go`` root; the toolchain line is dropped when it names the go version
(or a version before 1.21), else set. A ``fix`` (:data:`gomodlab.mod.modfile.VersionFixer`)
rewrites version queries as the file is read, as go reads its main go.mod.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from . import gover
from ._modfile_syntax import Comment, Line, LineBlock, format_syntax
from .modfile import VersionFixer, _Entries, _is_indirect, _read, _tidy, auto_quote

__all__ = ["update_gomod", "format_as_read", "SEPARATE_INDIRECT_VERSION", "SIMPLIFY_REQUIRE_VERSION"]

#: gover.SeparateIndirectVersion and gover.SimplifyRequireVersion (cmd/go/internal/gover/version.go).
SEPARATE_INDIRECT_VERSION = "1.17"
SIMPLIFY_REQUIRE_VERSION = "1.27"


class _Req:
    """A require entry being edited (modfile.Require): the syntax line it lives on."""

    __slots__ = ("path", "version", "indirect", "line")

    def __init__(self, path: str, version: str, indirect: bool, line: Line | None) -> None:
        self.path, self.version, self.indirect, self.line = path, version, indirect, line


def _mark_removed(line: Line) -> None:
    line.token = []
    line.suffix = []


def _set_version(r: _Req, v: str) -> None:
    r.version = v
    line = r.line
    if line is None or not line.token:
        return
    if line.in_block:
        # A blank line before it goes (golang.org/issue/33779).
        if len(line.before) == 1 and not line.before[0].token:
            line.before = []
        if len(line.token) >= 2:
            line.token[1] = v
    elif len(line.token) >= 3:
        line.token[2] = v


def _set_indirect(r: _Req, indirect: bool) -> None:
    r.indirect = indirect
    line = r.line
    assert line is not None
    if _is_indirect(line) == indirect:
        return
    if indirect:
        if not line.suffix:
            line.suffix = [Comment(0, "// indirect", True)]
            return
        com = line.suffix[0]
        text = com.token.removeprefix("//").strip()
        line.suffix = list(line.suffix)
        line.suffix[0] = Comment(com.start, "// indirect" if not text else "// indirect; " + text, True)
        return
    com = line.suffix[0]
    if com.token.removeprefix("//").strip() == "indirect":
        line.suffix = []
        return
    i = com.token.index("indirect;")
    line.suffix = list(line.suffix)
    line.suffix[0] = Comment(com.start, "//" + com.token[i + len("indirect;"):], True)


def _add_line(f: _Entries, hint: Line | LineBlock | None, tokens: list[str]) -> Line:
    """read.go FileSyntax.addLine: after ``hint``, else at the end of the last ``tokens[0]`` statement."""
    stmts = f.syntax.stmt
    if hint is None:
        for stmt in reversed(stmts):
            if isinstance(stmt, (Line, LineBlock)) and stmt.token and stmt.token[0] == tokens[0]:
                hint = stmt
                break

    def new_line_after(i: int) -> Line:
        new = Line(0, tokens, 0)
        stmts.insert(i + 1, new)
        return new

    if hint is not None:
        for i, stmt in enumerate(stmts):
            if isinstance(stmt, Line) and stmt is hint:
                if not stmt.token or stmt.token[0] != tokens[0]:
                    return new_line_after(i)
                block = LineBlock(0, stmt.token[:1], 0)
                stmt.token = stmt.token[1:]
                stmt.in_block = True
                block.lines = [stmt]
                stmts[i] = block
                new = Line(0, tokens[1:], 0, in_block=True)
                block.lines.append(new)
                return new
            if isinstance(stmt, LineBlock):
                if stmt is hint:
                    if stmt.token[0] != tokens[0]:
                        return new_line_after(i)
                    new = Line(0, tokens[1:], 0, in_block=True)
                    stmt.lines.append(new)
                    return new
                for j, line in enumerate(stmt.lines):
                    if line is hint:
                        if stmt.token[0] != tokens[0]:
                            return new_line_after(i)
                        new = Line(0, tokens[1:], 0, in_block=True)
                        stmt.lines.insert(j + 1, new)
                        return new
    new = Line(0, tokens, 0)
    stmts.append(new)
    return new


def _update_line(line: Line, tokens: list[str]) -> None:
    line.token = tokens[1:] if line.in_block else tokens


def _has_comments(n: Line | LineBlock) -> bool:
    s = n.suffix
    return bool(n.before) or bool(n.after) or len(s) > 1 or (
        len(s) == 1 and s[0].token.removeprefix("//").strip() != "indirect")


def _set_require(f: _Entries, reqs: list[_Req], need: Sequence[tuple[str, str, bool]]) -> None:
    """rule.go SetRequire (before go 1.17)."""
    want = {p: (v, ind) for p, v, ind in need}
    for r in reqs:
        e = want.pop(r.path, None)
        if e is not None:
            _set_version(r, e[0])
            _set_indirect(r, e[1])
        elif r.line is not None:
            _mark_removed(r.line)
    for path, (v, ind) in sorted(want.items()):
        r = _Req(path, v, ind, _add_line(f, None, ["require", auto_quote(path), v]))
        _set_indirect(r, ind)


def _set_require_separate_indirect(f: _Entries, reqs: list[_Req], need_list: Sequence[tuple[str, str, bool]],
                                   simplify: bool) -> None:
    """rule.go setRequireSeparateIndirect (SetRequireSeparateIndirect / SetRequireAtMostTwo)."""
    stmts = f.syntax.stmt
    need = {p: (v, ind) for p, v, ind in need_list}
    line_indirect = {id(r.line): need[r.path][1] for r in reqs if r.path in need}

    last_direct = last_indirect = last_require = -1
    count = 0
    line_to_block: dict[int, LineBlock] = {}
    direct_comments: list[Comment] = []
    indirect_comments: list[Comment] = []
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, Line):
            if not stmt.token or stmt.token[0] != "require":
                continue
            last_require = i
            count += 1
            if not _has_comments(stmt):
                if _is_indirect(stmt):
                    last_indirect = i
                else:
                    last_direct = i
        elif isinstance(stmt, LineBlock):
            if not stmt.token or stmt.token[0] != "require":
                continue
            last_require = i
            count += 1
            all_direct = all_indirect = bool(stmt.lines) and not _has_comments(stmt)
            for line in stmt.lines:
                line_to_block[id(line)] = stmt
                if _has_comments(line):
                    all_direct = all_indirect = False
                elif _is_indirect(line):
                    all_direct = False
                else:
                    all_indirect = False
            if all_direct:
                last_direct = i
            if all_indirect:
                last_indirect = i
            if simplify:
                any_direct = any(line_indirect.get(id(ln)) is False for ln in stmt.lines)
                target = indirect_comments if not any_direct and stmt.lines else direct_comments
                if target and stmt.before:
                    target.append(Comment(0, "//"))
                target.extend(stmt.before)
                stmt.before = []

    one_flat = count == 1 and not _has_comments(stmts[last_require])

    def insert_block(i: int) -> LineBlock:
        block = LineBlock(0, ["require"], 0)
        stmts.insert(i, block)
        return block

    def ensure_block(i: int) -> LineBlock:
        stmt = stmts[i]
        if isinstance(stmt, LineBlock):
            return stmt
        assert isinstance(stmt, Line)
        block = LineBlock(0, ["require"], 0)
        stmt.token = stmt.token[1:]
        stmt.in_block = True
        block.lines = [stmt]
        stmts[i] = block
        return block

    if last_direct < 0:
        if last_indirect >= 0:
            last_direct = last_indirect
            last_indirect += 1
        elif last_require >= 0:
            last_direct = last_require + 1
        else:
            last_direct = len(stmts)
        direct_block = insert_block(last_direct)
    else:
        direct_block = ensure_block(last_direct)
    if last_indirect < 0:
        last_indirect = last_direct + 1
        indirect_block = insert_block(last_indirect)
    else:
        indirect_block = ensure_block(last_indirect)
    if simplify:
        if direct_comments:
            direct_block.before = [*direct_block.before, *direct_comments]
        if indirect_comments:
            indirect_block.before = [*indirect_block.before, *indirect_comments]

    def move(r: _Req, block: LineBlock) -> None:
        if r.line is None:
            line = Line(0, [auto_quote(r.path), r.version], 0)
            r.line = line
            if r.indirect:
                r.indirect = False
                _set_indirect(r, True)
        else:
            old = r.line
            line = Line(0, list(old.token), 0, old.in_block)
            line.before, line.suffix, line.after = old.before, old.suffix, old.after
            if not old.in_block and line.token and line.token[0] == "require":
                line.token = line.token[1:]
            old.token = []
            r.line = line
        line.in_block = True
        block.lines.append(line)

    have: dict[str, _Req] = {}
    for r in reqs:
        if r.path not in need or r.path in have:
            if r.line is not None:
                _mark_removed(r.line)
            continue
        have[r.path] = r
        v, ind = need[r.path]
        _set_version(r, v)
        _set_indirect(r, ind)
        in_block = line_to_block.get(id(r.line)) if r.line is not None else None
        if ind and (simplify or one_flat or in_block is direct_block):
            move(r, indirect_block)
        elif not ind and (simplify or one_flat or in_block is indirect_block):
            move(r, direct_block)
    for path, (v, ind) in sorted(need.items()):
        if path not in have:
            r = _Req(path, v, ind, None)
            move(r, indirect_block if ind else direct_block)


def update_gomod(data: bytes | str, roots: Sequence[tuple[str, str]], direct: Collection[str], *,
                 file: str = "go.mod", fix: VersionFixer | None = None, always_update_go: bool = True,
                 explicit_toolchain: bool = False) -> bytes:
    """The go.mod go writes for the main module ``data`` whose requirements become ``roots``.

    ``roots`` are ``(path, version)`` pairs including ``("go", V)`` and, if any,
    ``("toolchain", T)`` (modload's rootModules); a root is ``// indirect`` unless its path is in
    ``direct``. ``always_update_go`` is true for ``go get``, ``go mod tidy`` and ``-mod=mod``
    (a go.mod without a go line otherwise keeps none when the go root is 1.16).
    Raises :class:`gomodlab.mod.modfile.GoModSyntaxError` (or a fixer's error, located).
    """
    f = _read(data, file, "gomod", fix=fix)
    go_version = ""
    toolchain = ""
    need: list[tuple[str, str, bool]] = []
    for p, v in roots:
        if p == "go":
            go_version = v
        elif p == "toolchain":
            toolchain = v
        else:
            need.append((p, v, p not in direct))
    if not go_version:
        raise ValueError("update_gomod: the roots have no go version")

    if f.go is None or f.go[0] != go_version:
        if not (f.go is None and go_version == gover.DEFAULT_GO_MOD_VERSION and not always_update_go):
            if f.go is None:
                hint = f.module[1] if f.module is not None else None
                f.go = (go_version, _add_line(f, hint, ["go", go_version]))
            else:
                _update_line(f.go[1], ["go", go_version])
                f.go = (go_version, f.go[1])
    if not toolchain:
        toolchain = "go" + go_version
    if toolchain == "go" + go_version or (gover.compare(gover.from_toolchain(toolchain), "1.21") < 0
                                          and not explicit_toolchain):
        if f.toolchain is not None:
            _mark_removed(f.toolchain[1])
            f.toolchain = None
    elif f.toolchain is None:
        hint = f.go[1] if f.go is not None else (f.module[1] if f.module is not None else None)
        f.toolchain = (toolchain, _add_line(f, hint, ["toolchain", toolchain]))
    else:
        _update_line(f.toolchain[1], ["toolchain", toolchain])
        f.toolchain = (toolchain, f.toolchain[1])

    reqs = [_Req(r.path, r.version, r.indirect, line) for r, line in f.require]
    if gover.compare(go_version, SEPARATE_INDIRECT_VERSION) < 0:
        _set_require(f, reqs, need)
    else:
        _set_require_separate_indirect(f, reqs, need, gover.compare(go_version, SIMPLIFY_REQUIRE_VERSION) >= 0)
    f.require = []  # the records no longer describe the lines; SortBlocks and Cleanup go by the syntax
    _tidy(f, "gomod")
    return format_syntax(f.syntax)


def format_as_read(data: bytes | str, *, file: str = "go.mod", fix: VersionFixer | None = None,
                   add_go: str | None = None) -> bytes:
    """modFile.Format() of the main go.mod as go read it (queries fixed, no cleanup): the
    ``current/go.mod`` side of ``go mod tidy -diff``. ``add_go``: the go line loadModFile adds
    (addGoStmt) to a file that has none before anything is compared."""
    f = _read(data, file, "gomod", fix=fix)
    if add_go is not None and f.go is None:
        hint = f.module[1] if f.module is not None else None
        f.go = (add_go, _add_line(f, hint, ["go", add_go]))
    return format_syntax(f.syntax)
