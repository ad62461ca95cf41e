"""The shared kernel: what every layer of the project speaks.

Errors (one hierarchy, Dutch and English messages), settings (pydantic-settings,
SCREENING_*), the domain types (Post, Finding, Decision, Channel, ConsentView, ...) and the
parsing of shared input (dates). It imports nothing of the project: the consent registry
(`consent_store`), the pipeline (`screening`), the service (`api`) and the command line
(`cli`) all build on it, and the import contract in pyproject.toml keeps it that way.
"""
