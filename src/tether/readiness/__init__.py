"""Readiness: a go-live scorecard per integration, fed by every part of tether, and quality evals.

facts.py gathers the evidence (definition, monitoring, quality, advisor); ladder.py loads
rules/readiness.yaml and scores each integration against it; samples.py, assertions.py and
evals.py run an integration's sample suites through its AI step.
"""
