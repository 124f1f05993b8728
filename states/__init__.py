"""Pure domain of Shishi: stages, the stage machine, prerequisites. No database, no I/O."""
