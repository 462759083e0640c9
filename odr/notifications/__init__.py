"""In-app notifications: what happened in a case, told to the people it concerns, in their language."""
