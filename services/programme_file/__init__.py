"""Reading and validating programme files (YAML) with line-accurate errors."""

from services.programme_file.errors import FileProblem, ProgrammeFileError
from services.programme_file.reader import read_programme_file

__all__ = ["FileProblem", "ProgrammeFileError", "read_programme_file"]
