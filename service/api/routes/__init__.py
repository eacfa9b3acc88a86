"""HTTP routes under ``/api/v1``: each parses, calls one function, maps errors."""
