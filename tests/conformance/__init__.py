"""The conformance machinery: case expectations and the runtime judge."""
