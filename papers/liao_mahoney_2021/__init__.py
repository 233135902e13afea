"""Liao & Mahoney (2021): Hessian eigenspectra of generalized linear models — bulk and outliers."""

from papers.registry import Paper

PAPER = Paper("liao_mahoney_2021", "Z. Liao & M. W. Mahoney", "2021",
              "Hessian eigenspectra of more realistic nonlinear models",
              "Advances in Neural Information Processing Systems 34 (NeurIPS 2021)")
