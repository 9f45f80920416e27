"""The case manager's task screens."""
