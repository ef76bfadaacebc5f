// Which InvokeAI release the simulator plays, and what that release has: each behaviour that
// changed between 5.x and 6.14 (the reference's §9/9a) is one flag here, read wherever it matters.

export interface VersionFeatures {
	/** As `GET /api/v1/app/version` reports it. */
	version: string;
	/** `item_ids` in the enqueue reply; `GET /list_all`, `DELETE /i/{id}`. */
	itemIdsInEnqueue: boolean;
	listAll: boolean;
	/** `GET /item_ids` and `POST /items_by_ids`. */
	itemIdsRoutes: boolean;
	/** `PUT /retry_items_by_id`. */
	retry: boolean;
	/** `ready_order` and `indegree` in a session. */
	readyOrder: boolean;
	/** Multi-user mode, `user_id` on events and items, user and admin socket rooms. */
	users: boolean;
	/** `status_sequence`, `image_subfolder`, `board_visibility`; status and batch events twice (user + admin room). */
	v613: boolean;
	/** `user_pending` / `user_in_progress` in the queue status. */
	userCounts: boolean;
	/** 6.14: `waiting`, single emits to [user, admin], redacted copies, `queue_items_canceled`, media auth, Wan nodes. */
	v614: boolean;
}

export function parseVersion(version: string): [number, number, number] {
	const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim());
	if (!match) throw new Error(`InvokeAI simulator: version "${version}" is not major.minor[.patch].`);
	return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

function atLeast(version: [number, number, number], major: number, minor: number, patch = 0): boolean {
	const [a, b, c] = version;
	return a !== major ? a > major : b !== minor ? b > minor : c >= patch;
}

export function featuresOf(version: string): VersionFeatures {
	const parsed = parseVersion(version);
	return {
		version,
		itemIdsInEnqueue: atLeast(parsed, 6, 0),
		listAll: atLeast(parsed, 6, 0),
		itemIdsRoutes: atLeast(parsed, 6, 8),
		retry: atLeast(parsed, 5, 7),
		readyOrder: atLeast(parsed, 6, 10),
		users: atLeast(parsed, 6, 12),
		v613: atLeast(parsed, 6, 13),
		userCounts: atLeast(parsed, 6, 13, 5),
		v614: atLeast(parsed, 6, 14),
	};
}
