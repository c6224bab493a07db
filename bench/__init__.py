"""Benchmarks of the engine, one command: ``python -m bench`` (see docs/PERFORMANCE.md)."""
