"""The go command's ``-json`` output (``go list -json``, ``go mod download -json``): JSON objects
back to back, with white space between them and no enclosing list."""

from __future__ import annotations

import json


def objects(text: str) -> list[dict]:
    """Every object of a ``-json`` stream, in order."""
    dec, pos, out = json.JSONDecoder(), 0, []
    while True:
        pos = len(text) - len(text[pos:].lstrip())
        if pos >= len(text):
            return out
        obj, pos = dec.raw_decode(text, pos)
        out.append(obj)
