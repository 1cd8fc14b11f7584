"""nowrongdoor.population."""
