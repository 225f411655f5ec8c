"""Voting: polls, votes, conflicts of interest, and the rules of quorum and majority."""
