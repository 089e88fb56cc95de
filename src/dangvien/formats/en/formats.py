# The English UI keeps the Vietnamese date and number habits: the readers are the same.
from dangvien.formats.vi.formats import *  # noqa: F403
