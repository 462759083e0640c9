"""The satisfaction survey: each party asked once when its case ends; anonymous in every figure."""
