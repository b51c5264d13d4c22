"""Drafts for a person to edit: from the timeline, or by an assistant (issue 30)."""
