"""The exercise engine: its state, the world, personas, agencies nobody plays, the player
actions, and the fold of the event log into the state. No database, no web."""
