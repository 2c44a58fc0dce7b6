"""Plan document (Qt-free)."""
