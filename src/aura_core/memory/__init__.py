"""Memory: user and project memory files, learned facts, extraction and injection."""
