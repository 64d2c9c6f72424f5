"""``python -m converters``: the refconv command line, for environments without the script."""

from .cli import main

if __name__ == "__main__":
    main(prog_name="refconv")
