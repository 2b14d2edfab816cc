"""The example code location, built on the seed article's domain."""
