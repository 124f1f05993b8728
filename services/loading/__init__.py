"""Programme files: their shape (`schema`), YAML with line numbers (`source`), checks of meaning
(`checks`), the reader that runs all three, and loading a checked file into the database (`apply`).
"""
