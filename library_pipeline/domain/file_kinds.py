"""Which files the library scan looks at, by extension (lower case, with the dot)."""

AUDIO_EXTENSIONS = frozenset({".m4b", ".m4a", ".mp3", ".flac", ".ogg", ".opus"})
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp"})
