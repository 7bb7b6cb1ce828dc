"""The expression playground: type micrograd-style code, see its graph with data and grad."""
