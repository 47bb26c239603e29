"""Model Context Protocol: use MCP servers' tools in agents, and serve Aura to MCP clients."""
