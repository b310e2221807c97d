"""The HTTP API, served under the service's route prefix."""
