"""The FastAPI service and the officer's web pages (see issue 6)."""
