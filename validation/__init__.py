"""Measurement side of rmtheory: train networks in torch, measure their spectra, test predictions.

Imports torch; install with ``pip install torch==2.13.0 && pip install -e ".[validation]"``.

* :mod:`validation.curvature` — Hessian, GGN and Fisher operators of a model and data; Lanczos,
  SLQ and KPM spectra, trace estimators, exact Hessians, the proposal's geometry metrics.
"""
