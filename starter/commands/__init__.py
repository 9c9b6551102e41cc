"""The command-line commands, one module per part of the work (start, track, share)."""
