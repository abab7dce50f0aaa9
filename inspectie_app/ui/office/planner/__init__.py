"""The planner's screens in the office app: year plan (targets, progress, calendar, list), scheduling,
establishments (register, history, violations, next enforcement step), where to look next, and the
handhavingsmatrix (edited by the beheerder)."""
