"""What every feature's HTTP side shares."""
