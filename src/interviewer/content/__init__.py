"""Embedded content: the rubric and the question bank, as data files."""
