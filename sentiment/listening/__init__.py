"""Social listening: tracked topics, connectors, ingestion, aggregates, alerts and dashboard."""
