"""Gur-Ari, Roberts & Dyer (2018): the gradient lives in the top Hessian eigenspace, of dimension the
number of classes."""

from papers.registry import Paper

PAPER = Paper("gur_ari_2018", "G. Gur-Ari, D. A. Roberts & E. Dyer", "2018",
              "Gradient descent happens in a tiny subspace", "arXiv:1812.04754")
