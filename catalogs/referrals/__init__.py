"""Referrals: the lifecycle of a person sent to a vacancy, a course or a shelter, the clocks
that run on it and the reasons people give (DOMAIN.md, CONTRACT.md ``referrals``)."""
