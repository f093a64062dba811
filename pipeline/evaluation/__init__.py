"""Evaluation against the gold labels: alignment of claims and the scores."""
