"""Every read and write of files: assessment YAML, rosters, result JSON, atomic writes, the project's folders."""
