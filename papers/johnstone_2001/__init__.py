"""Johnstone (2001): the largest eigenvalue of a white Wishart matrix and Tracy-Widom at finite n."""

from papers.registry import Paper

PAPER = Paper("johnstone_2001", "I. M. Johnstone", "2001",
              "On the distribution of the largest eigenvalue in principal components analysis",
              "Ann. Statist. 29(2):295–327")
