"""Ranking stages over ranked lists (pure functions): relevance labels, filters, paging."""
