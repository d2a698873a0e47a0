"""Maintainer tools: the course address and what is generated from it (not for students)."""
