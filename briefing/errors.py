"""The project's own errors: every problem a user can fix is one of these.

They are raised near the bottom and turned into one stderr line and an exit
code in exactly one place, ``cli.main``.
"""


class BriefingError(Exception):
    """A problem with the input or the options; the message names the file
    and the problem in one line."""


class InputError(BriefingError):
    """An input file or path cannot be used."""


class NoArticlesError(InputError):
    """Nothing readable was left after skipping bad inputs."""


class ModelError(BriefingError):
    """No spaCy model could be loaded."""


class ThemesError(BriefingError):
    """A theme taxonomy or alias file is malformed."""


class RenderError(BriefingError):
    """An output could not be written."""


class DeliveryError(BriefingError):
    """The brief could not be handed to the mail server."""


class StoryIndexError(BriefingError):
    """A saved story index is damaged, torn or was made differently: rebuild it."""
