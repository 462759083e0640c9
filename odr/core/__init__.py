"""Pieces every domain package uses: database types, time, validators, errors, language."""
