"""Fleet scale: many module caches and many go -x logs, as tasks of a Dask distributed cluster.

=========================  =====================================================================
module                     holds
=========================  =====================================================================
:mod:`.run`                ``scan_fleet`` / ``parse_fleet``: tasks of a batch of inputs on a
                           LocalCluster or a real cluster; failed inputs recorded, never fatal
:mod:`.dataset`            the run directory: Parquet tables, one partition per batch
:mod:`.analysis`           fleet questions over those tables: damage with a local/upstream
                           verdict, latency per proxy/endpoint/day, failure rates, diverging
                           runners
=========================  =====================================================================

Needs ``dask[distributed]`` and ``pyarrow`` (dependencies of gomodlab).
"""
