"""Cohen, Kaur, Li, Kolter & Talwalkar (2021): full-batch gradient descent trains at the edge of
stability, its sharpness at 2/η."""

from papers.registry import Paper

PAPER = Paper("cohen_2021", "J. M. Cohen, S. Kaur, Y. Li, J. Z. Kolter & A. Talwalkar", "2021",
              "Gradient descent on neural networks typically occurs at the edge of stability", "ICLR 2021")
