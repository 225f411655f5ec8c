"""Meetings, their agendas and attendance."""
