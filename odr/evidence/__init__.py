"""The evidence docket: exhibits with deposit receipts, responses, claim charts, preservation requests."""
