"""Training and testing hooks (registered in ``HOOKS``)."""
