"""Choromanska, Henaff, Mathieu, Ben Arous & LeCun (2015): the loss surfaces of multilayer networks."""

from papers.registry import Paper

PAPER = Paper("choromanska_2015", "A. Choromanska, M. Henaff, M. Mathieu, G. Ben Arous & Y. LeCun", "2015",
              "The loss surfaces of multilayer networks", "AISTATS 2015, PMLR 38:192–204")
