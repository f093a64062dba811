"""Text stages (`str -> str`): reading article files, markup, boilerplate, conversion to simplified characters."""
