"""Printables (SPEC §7.3, §7.4): QR check-in sheets and certificates."""
