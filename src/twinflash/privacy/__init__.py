"""twinflash.privacy."""
