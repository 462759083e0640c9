"""Stored deadlines for every time limit, and the periodic sweep that acts on what falls due."""
