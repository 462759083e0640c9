"""Who a party is: verifying the identity of parties and of those who act for them.

The ways of verifying an identity are methods registered in ``methods``: the clerk checking the
documents a user uploads is built here; a real-name service (face or bank-card check) can be added
as another method without touching the cases, which only follow the ``identity_verified`` signal.
"""
