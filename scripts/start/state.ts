// The one folder `npm start` keeps between runs (git-ignored): n8n's user folder (database,
// settings, encryption key, binary data), the folder the examples write into, the logs, and two
// small JSON files of its own.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** While `npm start` runs: who runs it, so a second start on the same folder can tell. */
export interface RunRecord {
	startPid: number;
	n8nPid?: number;
	editorUrl?: string;
}

/** Choices made on the first start and kept, so imported workflows stay valid. */
export interface Settings {
	/** The port of the sample-photo server the remove-background example downloads from. */
	photoPort?: number;
	/** Examples already imported (file names): never imported twice, so the user's edits stay. */
	importedExamples: string[];
}

export class StateFolder {
	constructor(readonly path: string) {}

	/** n8n's N8N_RESTRICT_FILE_ACCESS_TO: the only folder the examples may write into. */
	get filesFolder(): string {
		return join(this.path, 'files');
	}

	get logsFolder(): string {
		return join(this.path, 'logs');
	}

	exists(): boolean {
		return existsSync(this.path);
	}

	create(): void {
		mkdirSync(this.path, { recursive: true });
	}

	remove(): void {
		rmSync(this.path, { recursive: true, force: true });
	}

	readRun(): RunRecord | undefined {
		return this.readJson<RunRecord>('run.json');
	}

	writeRun(run: RunRecord): void {
		this.writeJson('run.json', run);
	}

	clearRun(): void {
		rmSync(join(this.path, 'run.json'), { force: true });
	}

	readSettings(): Settings {
		return this.readJson<Settings>('settings.json') ?? { importedExamples: [] };
	}

	writeSettings(settings: Settings): void {
		this.writeJson('settings.json', settings);
	}

	private readJson<T>(name: string): T | undefined {
		const file = join(this.path, name);
		return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
	}

	private writeJson(name: string, value: unknown): void {
		writeFileSync(join(this.path, name), `${JSON.stringify(value, null, '\t')}\n`);
	}
}
