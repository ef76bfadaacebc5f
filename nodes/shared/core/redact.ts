// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// No credential may reach a message or a log line, even one a runtime's own error quotes.

/** The URL with any user name and password replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
	return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/i, '$1***@');
}

/** Any text with the user info of every URL in it replaced, e.g. an error message that quotes a URL. */
export function redactUrlsIn(text: string): string {
	return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s"'`]*@/gi, '$1***@');
}
