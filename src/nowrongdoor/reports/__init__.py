"""nowrongdoor.reports."""
