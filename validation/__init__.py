"""Measurement side of rmtheory: train networks in torch, measure their spectra, test predictions.

Imports torch; install with ``pip install torch==2.13.0 && pip install -e ".[validation]"``.
"""
