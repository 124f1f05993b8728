"""A department's progress report (进展报送) for an item or one of its targets."""
