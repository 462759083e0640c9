"""IP disputes: filing, invitation of the respondent, intake and triage, the case workflow."""
