"""prepbook: one bank of interview questions, compiled into a handbook, a deck and a cheat-sheet."""

__version__ = "0.1.0"
