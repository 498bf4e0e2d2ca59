"""auditor: a semantic code-audit scanner for git."""

__version__ = "0.1.0"
