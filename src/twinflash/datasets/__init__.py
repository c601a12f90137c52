"""twinflash.datasets."""
