"""Handing a case on when mediation fails or does not start: the package for the court or the
arbitration commission, the undisputed facts the parties confirmed, and the receiving side's queue."""
