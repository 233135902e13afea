"""Auffinger, Ben Arous & Černý (2013): random matrices and the complexity of spin glasses."""

from papers.registry import Paper

PAPER = Paper("auffinger_2013", "A. Auffinger, G. Ben Arous & J. Černý", "2013",
              "Random matrices and complexity of spin glasses", "Comm. Pure Appl. Math. 66(2):165–201")
