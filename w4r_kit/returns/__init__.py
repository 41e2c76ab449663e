"""Returns (SPEC §12): what comes back after the campaign — scanned sheets, hand counts,
the online petition's export — recorded in the registry."""
