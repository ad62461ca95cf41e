"""Image intake and image detectors."""
