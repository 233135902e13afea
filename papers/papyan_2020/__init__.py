"""Papyan (2019, 2020): class and cross-class structure in the outliers of deepnet Hessian and
Gauss-Newton spectra."""

from papers.registry import Paper

PAPER = Paper("papyan_2020", "V. Papyan", "2019/2020",
              "Measurements of three-level hierarchical structure in the outliers in the spectrum of deepnet "
              "Hessians; Traces of class/cross-class structure pervade deep learning spectra",
              "ICML 2019, PMLR 97:5012–5021; JMLR 21(252):1–64 (2020)")
