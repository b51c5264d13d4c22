"""Microsoft's side of the wire on loopback: the Bot Connector, Graph, the token issuer."""
