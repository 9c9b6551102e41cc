"""A reimplementation of a paper; `paper.toml` at the root of the repository says which."""

# LeCun et al. (1989): Backpropagation Applied to Handwritten Zip Code Recognition

__version__ = "0.1.0"
PAPER_KEY = "lecun1989"
