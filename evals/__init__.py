"""The eval suite: measure a grader against the team's human labels, offline, and gate on the result.

``python -m evals run`` grades the gold cases (and metamorphic probes made from them) with the
heuristic grader or the LLM grader through recorded replies, computes agreement with the labels,
and checks the figures against ``evals/thresholds.toml``. See ``python -m evals --help``.
"""
