// Temporary n8n user folders (~230 MB each with logs, database and binary data) are removed when
// the test file that made them passes, and kept for reading when it fails. The decision is made by
// the test environment (environment.ts), which sees every test's outcome; the harness only
// registers the folders, through a global that the environment puts into each test file's context.

export const FOLDERS_TO_REMOVE_GLOBAL = '__genflowsE2eFoldersToRemoveOnPass';

export function removeAfterPassingFile(folder: string): void {
	const folders = (globalThis as Record<string, unknown>)[FOLDERS_TO_REMOVE_GLOBAL];
	// Outside the e2e environment (e.g. `npm start`) nothing is registered and nothing removed.
	if (Array.isArray(folders)) folders.push(folder);
}
