"""starter: start, track and share the reimplementation of a machine-learning paper."""

__version__ = "0.1.0"
