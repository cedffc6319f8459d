"""Diagnosis: what the go command printed, turned into causes, evidence and the smallest fix.

``explain`` (go's error text → diagnoses). Imports every layer below it, never the lab or the CLI.
"""
