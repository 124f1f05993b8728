"""The office's review of what departments submit (待审核): submit, approve, return."""
