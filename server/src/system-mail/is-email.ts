// A plain address (no display name, no list): enough to refuse a misconfiguration by name.
export const isEmail = (value: string): boolean => /^[^\s@<>,"]+@[^\s@<>,"]+\.[^\s@<>,"]+$/.test(value);
