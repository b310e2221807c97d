"""Request and response bodies: the API's public contract."""
