"""The program's rules, read from the settings sheet and applied to evidence."""
