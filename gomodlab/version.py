"""gomodlab's version: one place, read by the package build (hatch) and by caches keyed on it."""

__version__ = "0.1.0"
