"""The built-in plugins: each dump layout and each export format is one module here."""
