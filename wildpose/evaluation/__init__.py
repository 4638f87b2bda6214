"""Metrics: pure functions in :mod:`.functional`, registered wrappers in :mod:`.metrics`."""
