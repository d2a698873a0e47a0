"""Maintainer tools: the course's public address and what is generated from it."""
