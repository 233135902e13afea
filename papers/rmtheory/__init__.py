"""The project's own claims: rmtheory's predictions and the validation of its research plan.

Each figure is one claim of the research plan (README: "Validation", "Geometry through training"),
drawn from the validation experiments' records with its own checks.
"""

from papers.registry import Paper

PAPER = Paper("rmtheory", "rmtheory contributors", "2026",
              "Random-matrix predictions for neural-network loss landscapes, validated",
              "this repository (research plan: README / DESIGN.md)")
