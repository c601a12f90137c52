"""twinflash."""
