// Promises that settle when a simulated thing (by id) reaches a state a test waits for: checked at
// every change rather than on a clock, so tests wait exactly as long as the simulator takes.

interface Waiter<T> {
	id: string;
	predicate(value: T): boolean;
	resolve(value: T): void;
	reject(error: Error): void;
	timer: NodeJS.Timeout;
}

export class Waiters<T> {
	private readonly waiting = new Set<Waiter<T>>();
	private closed = false;

	constructor(private readonly owner: string) {}

	/** Resolves with the first value (`current` or a later change) that satisfies predicate. */
	wait(id: string, current: T | undefined, predicate: (value: T) => boolean, timeoutMs: number, describe: () => string): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			if (this.closed) {
				reject(new Error(`The ${this.owner} is closed.`));
				return;
			}
			if (current !== undefined && predicate(current)) {
				resolve(current);
				return;
			}
			const waiter: Waiter<T> = {
				id,
				predicate,
				resolve,
				reject,
				timer: setTimeout(() => {
					this.waiting.delete(waiter);
					reject(new Error(`waitFor(${id}) timed out after ${timeoutMs} ms (${describe()}).`));
				}, timeoutMs),
			};
			this.waiting.add(waiter);
		});
	}

	/** Tells the waiters of `id` that it changed; `read` gives its new value. */
	notify(id: string, read: () => T): void {
		let value: T | undefined;
		for (const waiter of [...this.waiting]) {
			if (waiter.id !== id) continue;
			value ??= read();
			if (!waiter.predicate(value)) continue;
			this.waiting.delete(waiter);
			clearTimeout(waiter.timer);
			waiter.resolve(value);
		}
	}

	close(): void {
		this.closed = true;
		for (const waiter of this.waiting) {
			clearTimeout(waiter.timer);
			waiter.reject(new Error(`The ${this.owner} was closed.`));
		}
		this.waiting.clear();
	}
}
