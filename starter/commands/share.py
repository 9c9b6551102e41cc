"""Share: `starter report` (being built)."""

from __future__ import annotations
