"""Draft a paper's claims from its LaTeX source (arXiv e-print): fetch and unpack, expand,
tables, sentences, rank, drafts; pylatexenc is imported only inside this package."""
