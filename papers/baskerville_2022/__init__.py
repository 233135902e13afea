"""Baskerville, Keating, Mezzadri, Najnudel & Granziol (2022): random-matrix universality — GOE local
statistics — in deep-network Hessians (the measurements of Baskerville, Granziol & Keating 2022,
"Appearance of random matrix theory in deep learning", arXiv:2102.06740)."""

from papers.registry import Paper

PAPER = Paper("baskerville_2022", "N. P. Baskerville, J. P. Keating, F. Mezzadri, J. Najnudel & D. Granziol", "2022",
              "Universal characteristics of deep neural network loss surfaces from random matrix theory",
              "J. Phys. A: Math. Theor. 55 (2022); arXiv:2205.08601")
