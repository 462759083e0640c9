"""Arbitration before the arbitration commission: tribunals, hearings and awards."""
