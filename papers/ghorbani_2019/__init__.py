"""Ghorbani, Krishnan & Xiao (2019): the Hessian eigenvalue density through training, by stochastic
Lanczos quadrature."""

from papers.registry import Paper

PAPER = Paper("ghorbani_2019", "B. Ghorbani, S. Krishnan & Y. Xiao", "2019",
              "An investigation into neural net optimization via Hessian eigenvalue density",
              "ICML 2019, PMLR 97:2232–2241")
