"""Agreements: typical and individual sales conditions, payment schedules, approval."""
