"""Converters of published weights into wildpose checkpoints (read without executing)."""
