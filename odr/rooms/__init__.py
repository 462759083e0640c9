"""Live mediation rooms: the joint room and each side's caucus, messages, sessions and minutes."""
