"""Member agencies of the network: national central bureaux, police units, NGOs, providers."""
