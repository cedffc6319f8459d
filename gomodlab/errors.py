"""The gomodlab error hierarchy.

Every error gomodlab raises on purpose derives from :class:`GomodlabError`, so a caller (and the
CLI, which turns them into one-line messages and exit code 2) can catch them all in one place::

    GomodlabError
     ├── ParseError (ValueError)          bad text: file, line, column and Go's own wording
     │    ├── semver.InvalidVersion
     │    ├── modpath.InvalidPath
     │    ├── modfile.GoModSyntaxError     go.mod / go.sum / go.work syntax
     │    ├── goimports.GoSourceError      a .go file go cannot read (go/parser's messages)
     │    └── buildconstraint.BuildConstraintError   a //go:build or // +build line
     ├── goscan.NoGoError                  "no Go source files" in a package directory
     ├── SourceError                       a go.mod, zip or list could not be obtained
     ├── CacheError                        a module cache is missing or unusable
     ├── GoCommandError                    the go command is missing or failed
     └── GoRefusal                         input the go command itself refuses: the CLI prints go's
                                           own stderr (``stderr``) and exits 1, as go does
"""

from __future__ import annotations

__all__ = ["GomodlabError", "ParseError", "SourceError", "CacheError", "GoCommandError", "GoRefusal"]


class GomodlabError(Exception):
    """Base class of every error gomodlab raises deliberately."""


class ParseError(GomodlabError, ValueError):
    """Text that does not follow its grammar.

    ``str()`` is the message the go command would print for the same input, prefixed with
    ``file:line:col:`` when a position is known.
    """

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 col: int | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.col = col
        super().__init__(self.located())

    def located(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.col is not None:
                    where += f":{self.col}"
            where += ": "
        return where + self.message


class SourceError(GomodlabError):
    """A module's go.mod, zip or version list could not be obtained from any place looked."""


class CacheError(GomodlabError):
    """A module cache path is missing, not a cache, or cannot be read."""


class GoCommandError(GomodlabError):
    """The go command could not be found, or a run of it failed where success was required."""


class GoRefusal(GomodlabError):
    """What the go command refuses, as go refuses it: ``stderr`` is the exact text go writes
    (``go: `` prefixes and final newline included) before exiting with status 1.

    ``str()`` is the same text without the trailing newline, so the error reads well anywhere.
    """

    def __init__(self, stderr: str) -> None:
        self.stderr = stderr if stderr.endswith("\n") else stderr + "\n"
        super().__init__(self.stderr.rstrip("\n"))
