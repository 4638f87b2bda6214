"""Training-engine pieces: config loading and checks, checkpoint checks, distributed
set-up, hooks."""
