"""Faces: detection, recognizability, templates and matching (dlib models)."""
