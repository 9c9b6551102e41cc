"""Scaffold: new reimplementation repositories from templates, and the git calls they need."""
