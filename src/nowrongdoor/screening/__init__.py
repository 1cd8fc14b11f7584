"""nowrongdoor.screening."""
