"""Sagun, Evci, Güney, Dauphin & Bottou (2017): the Hessian of over-parametrized networks, a bulk near
zero and a few outliers (after Sagun, Bottou & LeCun 2016, "Eigenvalues of the Hessian in deep
learning: singularity and beyond", arXiv:1611.07476)."""

from papers.registry import Paper

PAPER = Paper("sagun_2017", "L. Sagun, U. Evci, V. U. Güney, Y. Dauphin & L. Bottou", "2017",
              "Empirical analysis of the Hessian of over-parametrized neural networks",
              "ICLR 2018 Workshop Track; arXiv:1706.04454 (2017)")
