"""Precise detectors: each finds one kind of problem by itself, without the semantic gate."""
