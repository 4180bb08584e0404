"""Every write of the questionnaires, the one-time links and the outcome question."""
