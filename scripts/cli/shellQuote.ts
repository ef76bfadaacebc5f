// Quotes one word for a POSIX shell, so that a printed command line can be pasted as it is.
export function shellQuote(word: string): string {
	if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
	return `'${word.replace(/'/g, `'\\''`)}'`;
}
