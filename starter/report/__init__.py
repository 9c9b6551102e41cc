"""Report: the report's model, its rendering and writing, plots, history, the checklist and
the README's results section."""
