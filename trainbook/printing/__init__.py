"""Printables: QR check-in sheets and certificates."""
