"""Reminders to whoever owes the next step, and the case managers' daily digest."""
