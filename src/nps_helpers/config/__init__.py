"""What the analyst sets: the params files' models, section order, the project folder."""
