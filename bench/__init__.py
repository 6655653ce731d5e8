"""Benchmarks: each compares within one run, never against a figure from another day."""
