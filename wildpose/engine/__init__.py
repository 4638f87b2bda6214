"""Training-engine pieces: config checks, checkpoint checks, hooks."""
