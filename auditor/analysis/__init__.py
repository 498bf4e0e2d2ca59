"""The confirmation stage: precise detectors and the analyses that confirm a candidate."""
