"""Errors a user can fix. The CLI prints them on one line and exits with code 2."""


class InputError(ValueError):
    """Bad input: a missing file, a malformed document, an impossible value.

    The message names what and where (file, field), e.g.
    `scene.yaml: people[3].height_m: must be > 0.5 (got -1.7)`.
    """
