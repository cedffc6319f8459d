"""Commands that stop where go stops print go's message as go prints it, with go's exit status."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable

from ..load.goswitch import GoExit


def go_exit(run: Callable[..., int]) -> Callable[..., int]:
    """Wrap a command's run function: a :class:`GoExit` becomes go's stderr text and exit code."""
    @functools.wraps(run)
    def wrapped(*args, **kwargs) -> int:
        try:
            return run(*args, **kwargs)
        except GoExit as e:
            sys.stderr.write(e.text + "\n")
            return e.code
    return wrapped
