"""Screening of school social-media posts before publication."""

__version__ = "0.1.0"
