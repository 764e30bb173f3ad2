"""Errors that carry a message meant for the user: the CLI prints them on one line, never a traceback."""


class NewsprobeError(Exception):
    """Bad input or a bad request; the message names the file and the problem."""
