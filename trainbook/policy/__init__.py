"""The program's rules (SPEC §5), read from the settings sheet and applied to evidence."""
