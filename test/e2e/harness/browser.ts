// Debian's chromium (installed by install-n8n.sh), driven by playwright-core: no browser download.
// Screenshots of each step go to test/e2e/screenshots/<set>/ (git-ignored), numbered in order taken.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser, Locator, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import { PROJECT_ROOT, e2eInstall } from './install.ts';

export const SCREENSHOTS_FOLDER = join(PROJECT_ROOT, 'test', 'e2e', 'screenshots');

// Without the background-networking flags chromium keeps trying to reach Google's hosts, which
// this machine's closed network refuses; --no-sandbox because the suite runs as root.
const CHROMIUM_FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
	const executablePath = e2eInstall().chromium;
	if (!executablePath) throw new Error('chromium is not installed: run "bash test/e2e/setup/install-n8n.sh" as root (npm run test:e2e does)');
	// playwright-core starts it with a fresh temporary profile (--user-data-dir) and --headless.
	return await chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
}

export class Screenshots {
	private count = 0;
	private readonly folder: string;

	/** One folder per test file (`set`), emptied first so it holds only this run's steps. */
	constructor(
		private readonly page: Page,
		set: string,
	) {
		this.folder = join(SCREENSHOTS_FOLDER, set);
		rmSync(this.folder, { recursive: true, force: true });
		mkdirSync(this.folder, { recursive: true });
	}

	/** Writes test/e2e/screenshots/<set>/NN-name.png and returns its path. */
	async take(name: string): Promise<string> {
		this.count += 1;
		const path = join(this.folder, `${String(this.count).padStart(2, '0')}-${name}.png`);
		await this.page.screenshot({ path });
		return path;
	}
}

/** The parts of an <img> element the tests read (the project's TypeScript has no DOM types). */
interface ImageElement {
	src: string;
	complete: boolean;
	naturalWidth: number;
	naturalHeight: number;
}

/** An image once the browser has finished loading it: its file name and drawn size (0 × 0 when broken). */
export async function loadedImage(image: Locator): Promise<{ file: string; width: number; height: number }> {
	await image.waitFor();
	await image.page().waitForFunction((element) => (element as unknown as ImageElement).complete, await image.elementHandle());
	return await image.evaluate((element) => {
		const { src, naturalWidth, naturalHeight } = element as unknown as ImageElement;
		return { file: src.split('/').pop() ?? '', width: naturalWidth, height: naturalHeight };
	});
}

/** n8n's editor theme, as its own setting stores it (`N8N_THEME` in local storage). */
export async function setEditorTheme(page: Page, theme: 'light' | 'dark' | 'system'): Promise<void> {
	await page.evaluate((value) => (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage.setItem('N8N_THEME', value), theme);
}
