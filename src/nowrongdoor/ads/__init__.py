"""nowrongdoor.ads."""
