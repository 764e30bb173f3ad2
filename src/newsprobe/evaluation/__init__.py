"""Scorers that compare newsprobe's layers with gold data."""
