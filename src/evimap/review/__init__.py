"""Review: what analysts decide about labels, and what evimap learns from it (learn.py)."""
