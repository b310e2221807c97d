"""Cross-cutting concerns: settings, logging, telemetry, security, errors."""
