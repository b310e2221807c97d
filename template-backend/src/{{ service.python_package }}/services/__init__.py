"""Application logic between the routes and the database."""
