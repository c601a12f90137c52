"""twinflash.audit."""
