"""The centre staff's tools: review, report, fact editing, publish. From actions/ they use only the names and the
pure knowledge package the two share (tests/test_staff_boundary.py)."""
