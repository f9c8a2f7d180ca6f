"""Benchmarks of AcuJournal against the goals of docs/performance.md (``scripts/bench``).

Kept out of ``src`` and out of the test suite (only a smoke test runs the harness, in
``--quick`` mode): benchmarks measure, tests check behaviour.
"""
