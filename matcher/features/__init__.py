"""Features of a (person, item) pair: occupation and skill similarity, geography, education,
needs. Pure functions over the engine's plain inputs."""
