"""Tracy & Widom (1994, 1996): the distributions of the largest eigenvalue of GUE, GOE and GSE."""

from papers.registry import Paper

PAPER = Paper("tracy_widom_1994", "C. A. Tracy & H. Widom", "1994/1996",
              "Level-spacing distributions and the Airy kernel; On orthogonal and symplectic matrix ensembles",
              "Comm. Math. Phys. 159:151–174 (1994) and 177:727–754 (1996)")
