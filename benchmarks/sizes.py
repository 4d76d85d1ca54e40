"""Benchmark program sizes: students × sessions."""

SIZES = {"small": (200, 20), "medium": (2_000, 40), "large": (10_000, 50)}
