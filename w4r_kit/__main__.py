"""`python -m w4r_kit` runs the command line."""
from .cli import app

app(prog_name="w4r-kit")
