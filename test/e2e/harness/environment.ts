// Jest environment of the end-to-end suite: Node's, plus removal of the file's temporary n8n user
// folders after the file passed (see cleanup.ts). After a failure they stay, with n8n's logs.
import { rmSync } from 'node:fs';

import type { Circus } from '@jest/types';
import NodeEnvironment from 'jest-environment-node';

// Without the extension: jest loads the environment outside its module mapping, so the compiled
// `./cleanup.js` that a `.ts` import becomes would not be found.
import { FOLDERS_TO_REMOVE_GLOBAL } from './cleanup';

export default class E2eEnvironment extends NodeEnvironment {
	private failed = false;
	private finished = false;

	async setup(): Promise<void> {
		await super.setup();
		this.global[FOLDERS_TO_REMOVE_GLOBAL] = [];
	}

	handleTestEvent(event: Circus.Event): void {
		if (event.name === 'hook_failure' || event.name === 'test_fn_failure') this.failed = true;
		if (event.name === 'test_done' && event.test.errors.length > 0) this.failed = true;
		if (event.name === 'run_finish') this.finished = true;
	}

	async teardown(): Promise<void> {
		const folders = this.global[FOLDERS_TO_REMOVE_GLOBAL] as string[];
		if (this.finished && !this.failed) {
			for (const folder of folders) rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
		} else if (folders.length > 0) {
			process.stderr.write(`n8n user folders kept for reading (logs in <folder>/logs/):\n${folders.map((folder) => `  ${folder}\n`).join('')}`);
		}
		await super.teardown();
	}
}
