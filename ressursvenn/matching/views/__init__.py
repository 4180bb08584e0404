"""Split by area; see the modules beside this file."""
