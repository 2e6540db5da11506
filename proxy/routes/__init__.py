"""The proxy's routers: /api/* (health, model, inference) and the upload page."""
