"""The folders of the gomodlab checkout that the lab reads and writes beside the package.

gomodlab runs from a clone (``make demo``, ``make lab``): the notebooks, the committed demo
samples and the demo's working directory live next to ``gomodlab/``, not inside it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["CHECKOUT", "NOTEBOOK_DIR", "SAMPLE_DIR", "DEMO_DIR"]

#: The clone's top directory (the parent of the ``gomodlab`` package).
CHECKOUT = Path(__file__).resolve().parents[2]
#: The notebooks shipped with the kit.
NOTEBOOK_DIR = CHECKOUT / "notebooks"
#: ``data/demo``: small outputs of the demo generator, committed for notebooks and tests.
SAMPLE_DIR = CHECKOUT / "data" / "demo"
#: Where notebooks look for (and build) the demo scenario.
DEMO_DIR = CHECKOUT / ".demo"
