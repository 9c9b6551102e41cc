"""Track: the results log, provenance, recording and importing runs, the verdict statistics,
where each claim stands, and the digest of every run."""
