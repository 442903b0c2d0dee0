// The chat panel's browser code (skeleton; the chat feature replaces it).
export {};
