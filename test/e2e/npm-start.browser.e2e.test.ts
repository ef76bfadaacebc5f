// `npm start` in a real browser: Debian's chromium logs in to the n8n that `npm start` brought up,
// opens every example, and uses our nodes the way a user would (flow list and search, the fields
// built from a flow, the credential test, the icons in light and dark mode, a run with its image).
// Then Ctrl-C must leave nothing running, and a second start must keep what the first one had.
// Screenshots of each step: test/e2e/screenshots/npm-start/.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';

import { launchChromium, loadedImage, Screenshots, setEditorTheme } from './harness/browser.ts';
import { removeAfterPassingFile } from './harness/cleanup.ts';
import type { StartBanner } from './harness/npmStart.ts';
import { NpmStart } from './harness/npmStart.ts';
import { freePort, portInUse } from './harness/ports.ts';
import { groupAlive } from './harness/processes.ts';

jest.setTimeout(180_000);

const VISIONATRIX = { icon: 'visionatrix.svg', credential: 'Visionatrix account' };
const FLOWSCALE = { icon: 'flowscale.svg', credential: 'Flowscale account' };
const PET_PORTRAIT = { icon: 'petPortrait.svg', credential: 'Pet Portrait account' };
const INVOKEAI = { icon: 'invokeai.svg', credential: 'InvokeAI account' };
const EXAMPLES = {
	webhook: { id: 'visionatrix-webhook-prompt-to-image', name: 'Visionatrix: prompt in, image out (webhook)', ourNode: 'Generate Image', ...VISIONATRIX },
	schedule: { id: 'visionatrix-schedule-image-to-disk', name: 'Visionatrix: daily image to disk (schedule)', ourNode: 'Generate Image', ...VISIONATRIX },
	trigger: { id: 'visionatrix-trigger-collect-finished', name: 'Visionatrix: collect every finished task (trigger)', ourNode: 'Visionatrix Trigger', ...VISIONATRIX },
	removeBackground: { id: 'visionatrix-remove-background', name: 'Visionatrix: remove a background, then resize', ourNode: 'Remove Background', ...VISIONATRIX },
	flowscaleWebhook: { id: 'flowscale-webhook-photo-to-portrait', name: 'Flowscale: photo in, portrait out (webhook)', ourNode: 'Make Portrait', ...FLOWSCALE },
	flowscaleTrigger: { id: 'flowscale-trigger-save-finished', name: 'Flowscale: save every finished run (trigger)', ourNode: 'Flowscale Trigger', ...FLOWSCALE },
	petPortraitWebhook: { id: 'pet-portrait-webhook-photo-to-portra', name: 'Pet Portrait: photo in, portrait out (webhook)', ourNode: 'Paint Portrait', ...PET_PORTRAIT },
	petPortraitTrigger: { id: 'pet-portrait-trigger-save-finished', name: 'Pet Portrait: save watched portraits when they finish (trigger)', ourNode: 'Pet Portrait Trigger', ...PET_PORTRAIT },
	invokeAiPrompt: { id: 'invokeai-webhook-prompt-to-image', name: 'InvokeAI: prompt in, image out (webhook)', ourNode: 'Generate Image', ...INVOKEAI },
	invokeAiPhoto: { id: 'invokeai-webhook-photo-to-picture', name: 'InvokeAI: photo to picture, image to image (webhook)', ourNode: 'Repaint Photo', ...INVOKEAI },
};
// The simulator's installed flows, as the editor lists them ("display name (name)").
const FLOW_ITEMS = ['SDXL Lighting (sdxl_lighting)', 'Remove background (BiRefNet) (remove_background_birefnet)'];

const testId = (id: string) => `[data-test-id="${id}"]`;
const canvasNode = (name: string) => `${testId('canvas-node')}[data-node-name="${name}"]`;

let stateFolder: string;
let start: NpmStart;
let banner: StartBanner;
let browser: Browser;
let page: Page;
let shots: Screenshots;

beforeAll(async () => {
	stateFolder = mkdtempSync(join(tmpdir(), 'genflows-e2e-start-'));
	removeAfterPassingFile(stateFolder);
	start = NpmStart.spawn({ GENFLOWS_START_HOME: stateFolder, N8N_PORT: String(await freePort()) });
	banner = await start.ready(170_000);
	browser = await launchChromium();
	page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
	shots = new Screenshots(page, 'npm-start');
}, 180_000);

afterAll(async () => {
	await browser?.close();
	// After a failure: nothing of this start may outlive the test (n8n runs in a group of its own).
	start?.kill();
	const run = existsSync(join(stateFolder, 'run.json')) ? (JSON.parse(readFileSync(join(stateFolder, 'run.json'), 'utf8')) as { n8nPid?: number }) : {};
	if (run.n8nPid && groupAlive(run.n8nPid)) process.kill(-run.n8nPid, 'SIGKILL');
});

/**
 * Opens a workflow the way a user does, from the Overview list, inside the running editor: a page
 * reload would make a new editor session, which n8n 2.41 shows read-only ("Editing in another
 * tab") for two minutes after the previous session edited the workflow.
 */
async function openWorkflow(example: { name: string; ourNode: string }): Promise<void> {
	await page.locator(testId('project-home-menu-item')).click();
	await page.locator(testId('workflow-card-name')).getByText(example.name, { exact: true }).click();
	await page.locator(canvasNode(example.ourNode)).waitFor();
}

async function openNode(name: string): Promise<void> {
	await page.locator(canvasNode(name)).dblclick();
	await page.locator(testId('ndv')).waitFor();
}

async function closeNode(): Promise<void> {
	await page.locator(testId('ndv-close-button')).click();
	await page.locator(testId('ndv')).waitFor({ state: 'hidden' });
}

/** The icon our node shows on the canvas: which file, and whether the browser could draw it. */
async function nodeIcon(name: string): Promise<{ file: string; width: number }> {
	return await loadedImage(page.locator(`${canvasNode(name)} img`));
}

test('npm start prints the editor URL and a login that works; the examples are there', async () => {
	expect(banner.editorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	await page.goto(`${banner.editorUrl}/signin`);
	await page.locator(`${testId('emailOrLdapLoginId')} input`).fill(banner.email);
	await page.locator(`${testId('password')} input`).fill(banner.password);
	await shots.take('sign-in');
	await page.locator(testId('form-submit-button')).click();
	await page.waitForURL((url) => !url.pathname.includes('signin'));
	const cards = page.locator(testId('workflow-card-name'));
	for (const example of Object.values(EXAMPLES)) await cards.getByText(example.name, { exact: true }).waitFor();
	await shots.take('workflows');
});

test('every example opens with our node, its icon, and the imported credential chosen', async () => {
	for (const [key, example] of Object.entries(EXAMPLES)) {
		await openWorkflow(example);
		const icon = await nodeIcon(example.ourNode);
		expect(icon.file).toBe(example.icon);
		expect(icon.width).toBeGreaterThan(0);
		await shots.take(`example-${key}`);
		await openNode(example.ourNode);
		await expect(page.locator(`${testId('node-credentials-select')} input`).inputValue()).resolves.toBe(example.credential);
		await closeNode();
	}
});

test('Execute workflow on the schedule example: the output item has the picture in the binary tab', async () => {
	await openWorkflow(EXAMPLES.schedule);
	await page.locator(testId('execute-workflow-button')).click();
	await page.locator(`${canvasNode('Save to Disk')} ${testId('canvas-node-status-success')}`).waitFor({ timeout: 60_000 });
	await openNode('Generate Image');
	await page.locator(`${testId('output-panel')} ${testId('radio-button-binary')}`).click();
	const binary = page.locator(testId('ndv-binary-data_0'));
	await expect(binary.innerText()).resolves.toMatch(/_9_00001\.png[\s\S]*image\/png/);
	await page.locator(testId('ndv-view-binary-data')).click();
	// The picture as n8n serves it from its binary-data store, drawn by the browser.
	const picture = await loadedImage(page.locator(`${testId('output-panel')} img[src*="/rest/binary-data"]`));
	expect(picture.width).toBeGreaterThan(0);
	expect(picture.height).toBeGreaterThan(0);
	await shots.take('run-output-image');
	await closeNode();
});

test('the credential dialog tests the connection to the simulator', async () => {
	// Opening a saved credential runs its test (our GET /vapi/other/whoami through n8n) at once.
	await openWorkflow(EXAMPLES.webhook);
	await openNode('Generate Image');
	await page.locator(testId('credential-edit-button')).click();
	const success = page.locator(testId('credentials-config-container-test-success'));
	await success.waitFor();
	const baseUrl = page.locator(testId('credential-connection-parameter')).filter({ hasText: 'Base URL' }).locator('input');
	await expect(baseUrl.inputValue()).resolves.toBe(banner.simulatorUrl);
	await shots.take('credential-test');
	await page.locator(testId('editCredential-modal')).getByRole('button', { name: 'Close this dialog' }).click();
	await page.locator(testId('editCredential-modal')).waitFor({ state: 'hidden' });
	await closeNode();
});

test('the flow list loads from the simulator and can be searched; choosing a flow builds its input fields', async () => {
	// The remove-background example: its inputs hold no expression. (n8n 2.41's editor does not
	// rebuild the fields on a flow change while an input holds an expression it cannot resolve
	// yet, such as the webhook example's {{ $json.body.prompt }}; the refresh button does.)
	await openWorkflow(EXAMPLES.removeBackground);
	await openNode('Remove Background');
	const fields = page.locator(testId('mapping-fields-container'));
	await fields.getByText('Input image (Binary Field Name)').waitFor();
	await page.locator(`${testId('resource-locator-flow')} ${testId('rlc-input')}`).click();
	const items = page.locator(testId('rlc-item'));
	for (const item of FLOW_ITEMS) await items.filter({ hasText: item }).waitFor();
	await shots.take('flow-list');

	await page.locator(testId('rlc-search')).fill('sdxl');
	await items.filter({ hasText: FLOW_ITEMS[1] }).waitFor({ state: 'detached' });
	await items.filter({ hasText: FLOW_ITEMS[0] }).waitFor();
	// The current value stays on top of the list; the search leaves only the matching flow below it.
	await expect(items.allInnerTexts()).resolves.toEqual(['remove_background_birefnet', FLOW_ITEMS[0]]);
	await shots.take('flow-search');

	await items.filter({ hasText: FLOW_ITEMS[0] }).click();
	await fields.getByText('Prompt', { exact: true }).waitFor();
	await fields.getByText('Input image (Binary Field Name)').waitFor({ state: 'detached' });
	await shots.take('flow-fields');
	await closeNode();
	// The required Prompt is empty now, so n8n keeps the change unsaved and asks; the example stays as it was.
	await page.locator(testId('project-home-menu-item')).click();
	await page.getByRole('button', { name: 'Leave without saving' }).click();
	await page.locator(testId('workflow-card-name')).first().waitFor();
});

test('Flowscale Run lists the deployment\'s workflows, searchable, and its credential test passes', async () => {
	await openWorkflow(EXAMPLES.flowscaleWebhook);
	await openNode('Make Portrait');
	await page.locator(`${testId('resource-locator-workflowId')} ${testId('rlc-mode-selector')}`).click();
	await page.getByRole('option', { name: 'From List' }).click();
	await page.locator(`${testId('resource-locator-workflowId')} ${testId('rlc-input')}`).click();
	const items = page.locator(testId('rlc-item'));
	for (const name of ['Pet Portrait', 'Text to Image']) await items.filter({ hasText: name }).first().waitFor();
	await page.locator(testId('rlc-search')).fill('text');
	await items.filter({ hasText: 'Pet Portrait' }).waitFor({ state: 'detached' });
	await items.filter({ hasText: 'Text to Image' }).first().waitFor();
	// The search leaves only the matching workflow, named with its id.
	await expect(items.allInnerTexts()).resolves.toEqual(['Text to Image (bncu0a1kipv)']);
	await shots.take('flowscale-workflow-list');
	await page.keyboard.press('Escape');

	await page.locator(testId('credential-edit-button')).click();
	await page.locator(testId('credentials-config-container-test-success')).waitFor();
	const baseUrl = page.locator(testId('credential-connection-parameter')).filter({ hasText: 'Deployment URL' }).locator('input');
	await expect(baseUrl.inputValue()).resolves.toBe(banner.flowscaleUrl);
	await shots.take('flowscale-credential-test');
	await page.locator(testId('editCredential-modal')).getByRole('button', { name: 'Close this dialog' }).click();
	await page.locator(testId('editCredential-modal')).waitFor({ state: 'hidden' });
	await closeNode();
	// Whether n8n counts the mode switch as a change varies; if it asks, the example stays as shipped.
	await page.locator(testId('project-home-menu-item')).click();
	await page
		.getByRole('button', { name: 'Leave without saving' })
		.click({ timeout: 5_000 })
		.catch(() => undefined);
	await page.locator(testId('workflow-card-name')).first().waitFor();
});

test('the trigger lists the flows too, and the dark theme shows the dark icon', async () => {
	await openWorkflow(EXAMPLES.trigger);
	await openNode('Visionatrix Trigger');
	await page.locator(`${testId('parameter-input-flowName')} input`).click();
	for (const name of ['All Flows', 'SDXL Lighting', 'Remove background (BiRefNet)']) {
		await page.locator(testId('parameter-input-item')).filter({ hasText: name }).first().waitFor();
	}
	await shots.take('trigger-flows');
	await page.keyboard.press('Escape');
	await closeNode();

	// The theme applies when the editor loads: a reload, then only looking, so read-only is fine.
	await setEditorTheme(page, 'dark');
	await page.reload();
	await page.locator(canvasNode('Visionatrix Trigger')).waitFor();
	const icon = await nodeIcon('Visionatrix Trigger');
	expect(icon.file).toBe('visionatrix.dark.svg');
	expect(icon.width).toBeGreaterThan(0);
	await shots.take('dark-theme');
	await setEditorTheme(page, 'light');
});

test('Ctrl-C stops n8n and the simulators and leaves nothing running', async () => {
	const run = JSON.parse(readFileSync(join(stateFolder, 'run.json'), 'utf8')) as { n8nPid: number };
	expect(groupAlive(run.n8nPid)).toBe(true);
	await browser.close();

	const exit = await start.stop('SIGINT');
	expect(start.log).toContain('SIGINT received: stopping n8n and the simulators');
	expect(start.log).toContain('stopped; nothing is left running');
	// npm passes Ctrl-C on to the script and then ends by the same signal, as a shell expects.
	expect(exit).toEqual({ code: null, signal: 'SIGINT' });
	expect(groupAlive(run.n8nPid)).toBe(false);
	expect(groupAlive(start.process.pid!)).toBe(false);
	for (const url of [banner.editorUrl, banner.simulatorUrl, banner.photoUrl]) {
		await expect(portInUse(Number(new URL(url).port))).resolves.toBe(false);
	}
	expect(existsSync(join(stateFolder, 'run.json'))).toBe(false);
});

test('a second start keeps the state: no re-import, the run from before is still there', async () => {
	const again = NpmStart.spawn({ GENFLOWS_START_HOME: stateFolder, N8N_PORT: String(await freePort()) }, ['node', '.build/scripts/start.js']);
	try {
		const second = await again.ready(120_000);
		expect(again.log).not.toContain('importing 4 example');
		const login = await fetch(`${second.editorUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: second.email, password: second.password }),
		});
		expect(login.status).toBe(200);
		const cookie = login.headers.getSetCookie().map((value) => value.split(';')[0]).join('; ');
		const executions = await fetch(`${second.editorUrl}/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: EXAMPLES.schedule.id }))}`, { headers: { cookie } });
		const body = (await executions.json()) as { data: { results: Array<{ status: string }> } };
		expect(body.data.results.map((execution) => execution.status)).toContain('success');
	} finally {
		const exit = await again.stop('SIGTERM');
		expect(exit.code).toBe(0);
	}
});
