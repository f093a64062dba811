"""Tools around the pipeline: the command line, the batch runner, explain, the rules check."""
