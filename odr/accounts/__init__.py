"""Users, organisations and roles; signing in and out."""
