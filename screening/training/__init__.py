"""Training the project's own Dutch spaCy pipeline (see models/nlp/README.md for the recipe)."""
