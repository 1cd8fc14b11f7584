"""nowrongdoor.synth."""
