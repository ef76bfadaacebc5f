// Real n8n, driven by its CLI: the package loads under the names a user gets, the file-input
// example runs through n8n's own HTTP Request and Edit Image nodes, and failures surface the way
// n8n users see them.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { join } from 'node:path';

import { NODES, registeredNode } from '../../helpers/registry.ts';
import { makePng, pngSize } from '../../simulators/visionatrix/files.ts';
import type { VisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../../simulators/visionatrix/index.ts';
import type { ExecutionItem, ExecutionJson } from '../harness/n8n.ts';
import { N8nHome, outcomeOf } from '../harness/n8n.ts';
import { afterNode, generateImageNode, linearWorkflow, loadExample, manualTrigger, visionatrixCredential } from '../harness/workflows.ts';

jest.setTimeout(180_000);

let simulator: VisionatrixSimulator;
let n8n: N8nHome;
let photoServer: Server;
let photoUrl: string;
const photo = makePng(7, 640, 480, 'photo served to n8n');

beforeAll(async () => {
	simulator = await startVisionatrixSimulator({ taskDurationMs: 1500 });
	photoServer = createServer((_request, response) => response.writeHead(200, { 'content-type': 'image/png' }).end(photo));
	await new Promise<void>((listening) => photoServer.listen(0, '127.0.0.1', listening));
	photoUrl = `http://127.0.0.1:${(photoServer.address() as { port: number }).port}/photo.png`;
	n8n = await N8nHome.create();
	await n8n.importCredentials([visionatrixCredential(simulator)]);
});

afterAll(async () => {
	await simulator?.close();
	await new Promise((closed) => photoServer?.close(closed));
});

function outputOf(execution: ExecutionJson, nodeName: string): ExecutionItem[] {
	const run = execution.data.resultData.runData[nodeName]?.[0];
	if (!run?.data) throw new Error(`node "${nodeName}" has no output in the execution`);
	return run.data.main[0] ?? [];
}

test('n8n export:nodes lists the package nodes under their community-package names, with credential bindings', async () => {
	const file = join(n8n.userFolder, 'nodes.json');
	await n8n.cliOk(['export:nodes', `--output=${file}`]);
	const nodes = JSON.parse(readFileSync(file, 'utf8')) as Array<{ name: string; version: number | number[]; credentials?: Array<{ name: string; required?: boolean }>; polling?: boolean }>;
	const ours = nodes.filter((node) => node.name.startsWith('n8n-nodes-genflows.'));
	// Every node of every provider in the registry (which a unit test holds to package.json), and
	// the AI-tool variant n8n makes of each action node that is usable as a tool.
	const expected = NODES.flatMap(({ type, node }) => (node.description.usableAsTool ? [type, `${type}Tool`] : [type])).sort();
	expect(ours.map((node) => node.name).sort()).toEqual(expected);
	expect(expected).toEqual(expect.arrayContaining(['n8n-nodes-genflows.visionatrixTask', 'n8n-nodes-genflows.flowscaleRun', 'n8n-nodes-genflows.petPortraitTrigger']));
	for (const node of ours) {
		expect(node.version).toBe(1);
		const registered = registeredNode(node.name.replace(/Tool$/, ''));
		expect(node.credentials).toEqual(registered.node.description.credentials!.map(({ name }) => ({ name, required: true })));
	}
	const polling = NODES.filter(({ node }) => node.description.polling).map(({ type }) => type).sort();
	expect(ours.filter((node) => node.polling).map((node) => node.name).sort()).toEqual(polling);
	expect(polling).toHaveLength(4);
});

test('example "remove background": HTTP Request file -> Visionatrix -> Edit Image, bytes intact all the way', async () => {
	const workflow = loadExample('visionatrix-remove-background.json', 'exRemoveBackground', [['https://example.com/photo.jpg', photoUrl]]);
	await n8n.importWorkflows([workflow]);
	const { code, execution } = await n8n.execute(workflow.id);
	expect(outcomeOf(execution)).toEqual({ status: 'success' });
	expect(code).toBe(0);

	const [cutout] = outputOf(execution, 'Remove Background');
	const taskId = cutout.json.task_id as number;
	// The photo reached the server byte for byte through n8n's multipart path.
	expect(Buffer.from(simulator.inputBytes(taskId, 0)).equals(photo)).toBe(true);
	const binary = cutout.binary!.data;
	expect(binary.mimeType).toBe('image/png');
	expect(binary.fileName).toBe(`${taskId}_13_00001.png`);
	expect(n8n.storedBinary(binary.id!).equals(Buffer.from(simulator.resultBytes(taskId, 13, 0)))).toBe(true);
	expect(cutout.json).toMatchObject({ task_id: taskId, name: 'remove_background_birefnet', progress: 100, error: '' });
	// "Delete Task After Download" is on in the example.
	expect(simulator.task(taskId)).toBeUndefined();

	// Edit Image shrank the cut-out to fit 256 x 256, keeping its proportions.
	const original = pngSize(n8n.storedBinary(binary.id!))!;
	const [resized] = outputOf(execution, 'Resize');
	const size = pngSize(n8n.storedBinary(resized.binary!.data.id!))!;
	expect(Math.max(original.width, original.height)).toBeGreaterThan(256);
	expect(Math.max(size.width, size.height)).toBe(256);
	expect(Math.abs(size.width / size.height - original.width / original.height)).toBeLessThan(0.02);
});

test('a failing task fails the execution with the server error', async () => {
	const workflow = linearWorkflow('failingTask', [manualTrigger, generateImageNode('FAIL on purpose'), afterNode()]);
	await n8n.importWorkflows([workflow]);
	const { code, execution } = await n8n.execute(workflow.id);
	expect(code).toBe(1);
	expect(execution.status).toBe('error');
	expect(execution.data.resultData.error?.message).toMatch(/Visionatrix task \d+ failed: Allocation on device/);
	expect(execution.data.resultData.runData.After).toBeUndefined();
});

test('with "On Error: Continue", the failed item carries the error and the workflow goes on', async () => {
	const workflow = linearWorkflow('failingTaskContinue', [
		manualTrigger,
		generateImageNode('FAIL on purpose', { onError: 'continueRegularOutput' }),
		afterNode(),
	]);
	await n8n.importWorkflows([workflow]);
	const { code, execution } = await n8n.execute(workflow.id);
	expect(code).toBe(0);
	expect(outcomeOf(execution)).toEqual({ status: 'success' });
	const [after] = outputOf(execution, 'After');
	expect(after.json.sawError).toBe(true);
	expect(String(after.json.error)).toMatch(/Allocation on device/);
});
