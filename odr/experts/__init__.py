"""The expert pool: mediators, arbitrators and technical investigators; assignment and technical opinions."""
