"""Papers: the paper card and its editing, the catalog, identifiers, metadata from the
services (`sources/`) and their merge, BibTeX, and the HTTP client that fetches them."""
