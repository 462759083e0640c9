"""Settlement agreements: drafting from clause templates, signing, judicial confirmation, performance and enforcement."""
