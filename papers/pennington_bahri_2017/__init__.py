"""Pennington & Bahri (2017): the Hessian at critical points as Wishart + Wigner, and its index."""

from papers.registry import Paper

PAPER = Paper("pennington_bahri_2017", "J. Pennington & Y. Bahri", "2017",
              "Geometry of neural network loss surfaces via random matrix theory",
              "Proceedings of the 34th International Conference on Machine Learning (ICML 2017)")
