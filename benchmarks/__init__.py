"""Benchmarks: a script anyone can run (`python benchmarks/run.py [--quick]`), not timed tests.

Timings on a shared machine wobble; tests that assert on them would be flaky, so the goals are
checked and reported here instead, with the machine described next to the figures.
"""
