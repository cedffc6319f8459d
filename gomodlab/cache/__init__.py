"""The module cache (``$GOMODCACHE``): its layout, a read-only scan for damage, and repairs.

``scan`` (layout and damage kinds), ``index`` and ``scan_memo`` (what makes a rescan cheap),
``repair`` (quarantine, refetch, restore), ``triage`` (which side of a checksum mismatch is
wrong), ``hygiene`` (space, age, unused entries, trim plans). Imports :mod:`gomodlab.mod` and
:mod:`gomodlab.load`.
"""
