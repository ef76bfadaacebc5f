// What `npm start` has started, to be stopped in reverse order; each stop is tried even when an
// earlier one failed.

export class Closers {
	private readonly stack: Array<{ what: string; close: () => Promise<void> }> = [];

	add(what: string, close: () => Promise<void>): void {
		this.stack.push({ what, close });
	}

	/** Stops everything; returns what could not be stopped (empty when all went well). */
	async closeAll(): Promise<string[]> {
		const failures: string[] = [];
		for (let entry = this.stack.pop(); entry !== undefined; entry = this.stack.pop()) {
			try {
				await entry.close();
			} catch (error) {
				failures.push(`${entry.what}: ${String(error)}`);
			}
		}
		return failures;
	}
}
