"""The one import pipeline every exchange file goes through: the frame (all-or-nothing,
dry runs, one audit entry: frame.py), the rows read, parsed, matched and written in
batches (rows.py, matching.py), and the words a file may use for sexes, statuses and
sources (vocabulary.py)."""
