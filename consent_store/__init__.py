"""The consent registry: people, consent records and face templates (see issue 3)."""
