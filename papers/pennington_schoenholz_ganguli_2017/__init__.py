"""Pennington, Schoenholz & Ganguli (2017, 2018): the singular values of a deep network's input-output
Jacobian at criticality, Gaussian vs orthogonal weights."""

from papers.registry import Paper

PAPER = Paper("pennington_schoenholz_ganguli_2017", "J. Pennington, S. S. Schoenholz & S. Ganguli", "2017/2018",
              "Resurrecting the sigmoid in deep learning through dynamical isometry: theory and practice; "
              "The emergence of spectral universality in deep networks",
              "NeurIPS 2017; AISTATS 2018")
