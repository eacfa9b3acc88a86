"""Rankers: the transparent baseline and the learned ranker trained on outcomes, with the same
scikit-learn interface."""
