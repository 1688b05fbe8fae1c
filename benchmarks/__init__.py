"""Timings of the project's commands: ``python -m benchmarks`` (``make bench``)."""
