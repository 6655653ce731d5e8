"""The log's service side: journal, log views, keys ring, and the independent witnesses
asked to cosign its checkpoints."""
