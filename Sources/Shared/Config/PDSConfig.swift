// Config target: filled in next.
