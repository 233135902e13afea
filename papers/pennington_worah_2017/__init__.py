"""Pennington & Worah (2017): the Gram matrix of random features, Y = f(W X), and its limit law."""

from papers.registry import Paper

PAPER = Paper("pennington_worah_2017", "J. Pennington & P. Worah", "2017",
              "Nonlinear random matrix theory for deep learning",
              "Advances in Neural Information Processing Systems 30 (NeurIPS 2017)")
