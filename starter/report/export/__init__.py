"""Exports of the results to the places people look for them (hf.py: Hugging Face)."""
