"""nowrongdoor.text."""
