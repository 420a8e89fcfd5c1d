"""Children's Services strategy service."""
