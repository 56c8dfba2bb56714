"""MockLoop evaluator: all grading logic lives here."""
