"""nowrongdoor.care."""
