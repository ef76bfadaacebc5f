// The bad-input corpus: one table of what users get wrong (wrong types, values out of range,
// unknown names, missing, empty and non-image files, malformed server addresses, servers that
// answer HTML, cut-off JSON or a redirect, https:// to a plain-HTTP port, nothing listening),
// for the four providers, through the n8n node classes and through `genflows` (Node; a few under
// Deno). Every refusal must name the parameter to fix (the node's display name with its item
// index, or the CLI's flag on one stderr line), submit nothing, and show no stack trace. What the
// README says is accepted (a trailing slash, spaces around the address) must work instead.
import { readFileSync } from 'node:fs';

import type { INodeExecutionData } from 'n8n-workflow';

import { loadDefaultWorkflow } from '../helpers/invokeaiFixtures.ts';
import type { ParameterValue } from '../helpers/n8nContext.ts';
import type { CliOutcome, CliRunner } from '../scripts/cliProcess.ts';
import { denoRunner, nodeRunner, runCli } from '../scripts/cliProcess.ts';
import { KSAMPLER_NODE } from '../simulators/petPortrait/index.ts';
import type { BadServer } from './badServers.ts';
import { asHttps } from './badServers.ts';
import { callNode } from './nodeRunner.ts';
import type { Provider, World } from './world.ts';
import { CLI_NAME, credentialFor, fileItem, jobCount, PDF, PNG, startWorld, writeCount } from './world.ts';

let world: World;
beforeAll(async () => {
	world = await startWorld();
}, 30_000);
afterAll(async () => await world?.close());

// ---------------------------------------------------------------------------------------------
// What the cases are made of

/** Where a case's requests go: the provider's simulator, or one of the bad servers. */
type Target = 'simulator' | 'html' | 'malformedJson' | 'redirect' | 'closed' | 'https';

interface NodeCase {
	provider: Provider;
	name: string;
	target?: Target;
	/** The credential's address; default: the target's. */
	baseUrl?: (world: World) => string;
	parameters: Record<string, ParameterValue>;
	items?: () => INodeExecutionData[];
	/** The display name the error must name, quoted, in its message or description. */
	parameter: string;
	/** Default 0. */
	itemIndex?: number;
	/** Jobs the good items before the bad one make (n8n runs items in order); default 0. */
	goodItemJobs?: number;
	says?: RegExp;
	/** Only the server can tell (a Flowscale deployment may list no workflows): its create request is refused, no job made. */
	serverRejects?: boolean;
}

interface NodeSuccessCase {
	provider: Provider;
	name: string;
	baseUrl: (world: World) => string;
	parameters: Record<string, ParameterValue>;
	check: (output: INodeExecutionData[]) => void;
}

interface CliCase {
	provider: Provider;
	name: string;
	target?: Target;
	/** Arguments after `genflows <provider>`; the connection is added unless `ownUrl`. */
	args: (world: World) => string[];
	ownUrl?: boolean;
	/** The flag or argument the error names. */
	flag: string;
	/** 2 (bad argument, default) or 1 (the server could not be used). */
	exit?: 1 | 2;
	says?: RegExp;
	runner?: CliRunner;
	serverRejects?: boolean;
}

interface CliSuccessCase {
	provider: Provider;
	name: string;
	args: (world: World) => string[];
	check: (outcome: CliOutcome) => void;
	runner?: CliRunner;
}

const CREDENTIAL_FIELD: Record<Provider, string> = {
	visionatrix: 'Credential: Base URL',
	flowscale: 'Credential: Deployment URL',
	petPortrait: 'Credential: Base URL',
	invokeai: 'Credential: Base URL',
};

function targetUrl(world: World, provider: Provider, target: Target): string {
	switch (target) {
		case 'simulator':
			return world[provider].url;
		case 'https':
			return asHttps(world[provider].url);
		case 'closed':
			return world.closed;
		default:
			return world[target].url;
	}
}

function badServerOf(world: World, target: Target): BadServer | undefined {
	return target === 'html' || target === 'malformedJson' || target === 'redirect' ? world[target] : undefined;
}

function connectionArgs(world: World, provider: Provider, url: string): string[] {
	return provider === 'flowscale' ? ['--url', url, '--api-key', world.flowscale.apiKey] : ['--url', url];
}

const STACK_LINE = /^\s+at /m;

/** What is on the simulator and the bad servers, to compare after a case. */
function snapshot(world: World, provider: Provider) {
	return {
		jobs: jobCount(world, provider),
		writes: writeCount(world, provider),
		badWrites: world.html.writes().length + world.malformedJson.writes().length + world.redirect.writes().length,
	};
}

/**
 * Nothing submitted: no job, no request that changes something on the simulator (but those of
 * good items before the bad one, or the one create request only the server can refuse), and at
 * most one create request to a server that is not the API (Flowscale and Pet Portrait start with
 * one), never repeated after its junk answer.
 */
function expectNothingSubmitted(before: ReturnType<typeof snapshot>, after: ReturnType<typeof snapshot>, options: { goodItemJobs?: number; serverRejects?: boolean }): void {
	expect(after.jobs - before.jobs).toBe(options.goodItemJobs ?? 0);
	if (!options.goodItemJobs) expect(after.writes - before.writes).toBe(options.serverRejects ? 1 : 0);
	expect(after.badWrites - before.badWrites).toBeLessThanOrEqual(1);
}

// Fixtures of the providers.
const VIX_RUN = (flow: string, inputs: Record<string, unknown>, options: Record<string, unknown> = {}) => ({
	resource: 'task',
	operation: 'runAndWait',
	flow: { __rl: true, mode: 'list', value: flow },
	flowInputs: { mappingMode: 'defineBelow', value: inputs },
	options: { timeout: 20, ...options },
});
const FS_TEXT = 'bncu0a1kipv';
const FS_PORTRAIT = '550e8400-e29b-41d4-a716-446655440000';
const FS_RUN = (extra: Record<string, unknown> = {}) => ({
	resource: 'run',
	operation: 'runAndWait',
	workflowId: { __rl: true, mode: 'list', value: FS_TEXT },
	inputs: { input: [{ name: 'text_51536', value: 'a lighthouse' }] },
	options: { timeout: 20 },
	...extra,
});
const PP_CREATE = (extra: Record<string, unknown> = {}) => ({ resource: 'portrait', operation: 'createAndWait', inputBinaryField: 'data', userInputs: {}, options: { timeout: 20 }, ...extra });
const PP_USER_INPUTS = (values: Record<string, string>) => ({ input: Object.entries(values).map(([nodeId, value]) => ({ nodeId, value })) });
const IA_SDXL = JSON.stringify(loadDefaultWorkflow('Text to Image - SDXL'));
const IA_FLUX_I2I = JSON.stringify(loadDefaultWorkflow('FLUX Image to Image'));
const IA_SDXL_VALUES = { Model: 'Juggernaut XL v9', 'VAE (use the FP16 model)': 'FLUX.1-schnell_ae' };
const IA_FLUX_VALUES = {
	'Model (dev variant recommended for Image-to-Image)': 'FLUX Schnell (Quantized)',
	'T5 Encoder': 't5_bnb_int8_quantized_encoder',
	'CLIP Embed': 'clip-vit-large-patch14',
	VAE: 'FLUX.1-schnell_ae',
};
const IA_DENOISE = '50a36525-3c0a-4cc5-977c-e4bfc3fd6dfb';
const IA_RUN = (values: Record<string, unknown>, source: Record<string, unknown> = { workflowSource: 'json', workflowJson: IA_SDXL }, options: Record<string, unknown> = {}) => ({
	resource: 'workflow',
	operation: 'runAndWait',
	...source,
	inputValues: { values: Object.entries(values).map(([name, value]) => ({ name, value })) },
	options: { timeout: 20, ...options },
});
const photo = () => [fileItem('data', PNG, 'rex.png')];
const pdfPhoto = () => [fileItem('data', PDF, 'rex.png', 'image/png')];
const emptyPhoto = () => [fileItem('data', new Uint8Array(0), 'rex.png')];
const UNKNOWN_SESSION = '6fa459ea-ee8a-4ca4-894e-db77e160355e';

/** The address cases every provider shares, through the node: each must name the credential's address field. */
function nodeAddressCases(provider: Provider, run: Record<string, ParameterValue>, items?: () => INodeExecutionData[], apiPrefix?: string): NodeCase[] {
	const field = CREDENTIAL_FIELD[provider];
	const cases: NodeCase[] = [
		{ provider, name: 'an address without a scheme', baseUrl: (w) => w[provider].url.replace(/^http:\/\//, ''), parameters: run, items, parameter: field, says: /has no scheme/ },
		{ provider, name: 'an ftp:// address', baseUrl: () => 'ftp://127.0.0.1:21', parameters: run, items, parameter: field, says: /uses ftp:\/\// },
		{ provider, name: 'a port out of range', baseUrl: () => 'http://127.0.0.1:99999', parameters: run, items, parameter: field, says: /port 99999/ },
		{ provider, name: 'a server answering an HTML page', target: 'html', parameters: run, items, parameter: field },
		{ provider, name: 'a server answering cut-off JSON', target: 'malformedJson', parameters: run, items, parameter: field },
		{ provider, name: 'a server that redirects to another host', target: 'redirect', parameters: run, items, parameter: field, says: /redirected .* to http:\/\/login\.example\.test/ },
		{ provider, name: 'https:// to a plain-HTTP server', target: 'https', parameters: run, items, parameter: field },
		{ provider, name: 'nothing listening (connection refused)', target: 'closed', parameters: run, items, parameter: field },
	];
	if (apiPrefix) {
		cases.push({ provider, name: `an address that ends in ${apiPrefix}`, baseUrl: (w) => `${w[provider].url}${apiPrefix}`, parameters: run, items, parameter: field, says: new RegExp(`ends in ${apiPrefix}`) });
	}
	return cases;
}

// ---------------------------------------------------------------------------------------------
// The node corpus

const NODE_CASES: NodeCase[] = [
	// Visionatrix Task
	{ provider: 'visionatrix', name: 'an unknown flow', parameters: VIX_RUN('no_such_flow', { prompt: 'x' }), parameter: 'Flow', says: /no_such_flow/ },
	{ provider: 'visionatrix', name: 'a required input left out', parameters: VIX_RUN('sdxl_lighting', { negative_prompt: 'blurry' }), parameter: 'Flow Inputs', says: /needs a value for its input "prompt"/ },
	{ provider: 'visionatrix', name: 'a fraction for a whole-number input', parameters: VIX_RUN('sdxl_lighting', { prompt: 'x', batch_size: 2.5 }), parameter: 'Flow Inputs', says: /batch_size.*whole number/ },
	{ provider: 'visionatrix', name: 'a word for a number input', parameters: VIX_RUN('sdxl_lighting', { prompt: 'x', batch_size: 'many' }), parameter: 'Flow Inputs', says: /batch_size/ },
	{ provider: 'visionatrix', name: 'an empty file for an image input', parameters: VIX_RUN('remove_background_birefnet', { input_image: 'data' }), items: emptyPhoto, parameter: 'Flow Inputs', says: /is empty \(0 bytes\)/ },
	{ provider: 'visionatrix', name: 'a binary field the item lacks', parameters: VIX_RUN('remove_background_birefnet', { input_image: 'photo' }), items: photo, parameter: 'Flow Inputs', says: /photo/ },
	{ provider: 'visionatrix', name: 'a file that is no picture for an image input', parameters: VIX_RUN('remove_background_birefnet', { input_image: 'data' }), items: pdfPhoto, parameter: 'Flow Inputs', says: /not an image/ },
	{ provider: 'visionatrix', name: 'a count of 0', parameters: VIX_RUN('sdxl_lighting', { prompt: 'x' }, { count: 0 }), parameter: 'Count' },
	{ provider: 'visionatrix', name: 'a priority above 15', parameters: VIX_RUN('sdxl_lighting', { prompt: 'x' }, { priority: 16 }), parameter: 'Priority' },
	{ provider: 'visionatrix', name: 'a timeout of -5 s', parameters: VIX_RUN('sdxl_lighting', { prompt: 'x' }, { timeout: -5 }), parameter: 'Timeout (Seconds)' },
	{ provider: 'visionatrix', name: 'a task id that is a word', parameters: { resource: 'task', operation: 'get', taskId: 'abc' }, parameter: 'Task ID' },
	{ provider: 'visionatrix', name: 'a task id of 0', parameters: { resource: 'task', operation: 'get', taskId: 0 }, parameter: 'Task ID' },
	{ provider: 'visionatrix', name: 'Set Priority to 99', parameters: { resource: 'task', operation: 'setPriority', taskId: 1, priority: 99 }, parameter: 'Priority' },
	{
		provider: 'visionatrix',
		name: 'the second item missing its prompt',
		parameters: { ...VIX_RUN('sdxl_lighting', {}), flowInputs: (i: number) => ({ mappingMode: 'defineBelow', value: i === 0 ? { prompt: 'fine' } : { prompt: '' } }) },
		items: () => [{ json: {} }, { json: {} }],
		parameter: 'Flow Inputs',
		itemIndex: 1,
		goodItemJobs: 1,
	},
	...nodeAddressCases('visionatrix', VIX_RUN('sdxl_lighting', { prompt: 'x' }), undefined, '/vapi'),

	// Flowscale Run
	{ provider: 'flowscale', name: 'an unknown workflow id', parameters: FS_RUN({ workflowId: { __rl: true, mode: 'id', value: 'no-such-flow' } }), parameter: 'Workflow', says: /no-such-flow/, serverRejects: true },
	{ provider: 'flowscale', name: 'a binary field the item lacks', parameters: FS_RUN({ files: { file: [{ name: 'image_35728', binaryProperties: 'photo' }] } }), items: photo, parameter: 'File Inputs' },
	{ provider: 'flowscale', name: 'a file that is no picture for an image input', parameters: FS_RUN({ files: { file: [{ name: 'image_35728', binaryProperties: 'data' }] } }), items: pdfPhoto, parameter: 'File Inputs', says: /not an image/ },
	{ provider: 'flowscale', name: 'an empty file for an image input', parameters: FS_RUN({ files: { file: [{ name: 'image_35728', binaryProperties: 'data' }] } }), items: emptyPhoto, parameter: 'File Inputs', says: /empty/ },
	{ provider: 'flowscale', name: 'an input without a name', parameters: FS_RUN({ inputs: { input: [{ name: ' ', value: 'x' }] } }), parameter: 'Inputs' },
	{ provider: 'flowscale', name: 'a timeout that is a word', parameters: FS_RUN({ options: { timeout: 'soon' } }), parameter: 'Timeout (Seconds)' },
	{ provider: 'flowscale', name: 'an empty run id', parameters: { resource: 'run', operation: 'get', runId: '  ' }, parameter: 'Run ID' },
	{ provider: 'flowscale', name: 'a limit of 0', parameters: { resource: 'run', operation: 'getMany', returnAll: false, limit: 0, filters: {}, options: {} }, parameter: 'Limit' },
	{
		provider: 'flowscale',
		name: 'the second item naming no file input',
		parameters: { ...FS_RUN(), files: (i: number) => ({ file: [{ name: i === 0 ? 'image_35728' : '', binaryProperties: 'data' }] }), workflowId: { __rl: true, mode: 'list', value: FS_PORTRAIT } },
		items: () => [fileItem('data', PNG, 'a.png'), fileItem('data', PNG, 'b.png')],
		parameter: 'File Inputs',
		itemIndex: 1,
		goodItemJobs: 1,
	},
	...nodeAddressCases('flowscale', FS_RUN(), undefined, '/api'),

	// Pet Portrait
	{ provider: 'petPortrait', name: 'a binary field the item lacks', parameters: PP_CREATE({ inputBinaryField: 'photo' }), items: photo, parameter: 'Input Binary Field' },
	{ provider: 'petPortrait', name: 'a file that is no picture', parameters: PP_CREATE(), items: pdfPhoto, parameter: 'Input Binary Field', says: /not an image/ },
	{ provider: 'petPortrait', name: 'an empty photo', parameters: PP_CREATE(), items: emptyPhoto, parameter: 'Input Binary Field', says: /empty/ },
	{ provider: 'petPortrait', name: 'a user input for a node the workflow lacks', parameters: PP_CREATE({ userInputs: PP_USER_INPUTS({ '999': 'cat' }) }), items: photo, parameter: 'User Inputs', says: /no node "999"/ },
	{ provider: 'petPortrait', name: 'a user input for a node that takes no text', parameters: PP_CREATE({ userInputs: PP_USER_INPUTS({ [KSAMPLER_NODE]: '42' }) }), items: photo, parameter: 'User Inputs' },
	{ provider: 'petPortrait', name: 'a timeout of 0', parameters: PP_CREATE({ options: { timeout: 0 } }), items: photo, parameter: 'Timeout (Seconds)' },
	{ provider: 'petPortrait', name: 'an empty session id', parameters: { resource: 'session', operation: 'getStatus', sessionId: '  ' }, parameter: 'Session ID' },
	{ provider: 'petPortrait', name: 'an unknown session id, to regenerate', parameters: { resource: 'portrait', operation: 'regenerateAndWait', sessionId: UNKNOWN_SESSION, options: {} }, parameter: 'Session ID' },
	{
		provider: 'petPortrait',
		name: 'the second item without the photo',
		parameters: PP_CREATE(),
		items: () => [fileItem('data', PNG, 'a.png'), { json: {} }],
		parameter: 'Input Binary Field',
		itemIndex: 1,
		// The upload (a session) and the generate of the first item.
		goodItemJobs: 2,
	},
	...nodeAddressCases('petPortrait', PP_CREATE(), photo, '/api'),

	// InvokeAI Workflow
	{ provider: 'invokeai', name: 'an unknown input label', parameters: IA_RUN({ ...IA_SDXL_VALUES, 'Positve Prompt': 'a cat' }), parameter: 'Input Values', says: /Positve Prompt/ },
	{ provider: 'invokeai', name: 'a word for a whole-number input', parameters: IA_RUN({ ...IA_SDXL_VALUES, [`${IA_DENOISE}.steps`]: 'many' }), parameter: 'Input Values', says: /steps/i },
	{ provider: 'invokeai', name: 'a choice the input does not have', parameters: IA_RUN({ ...IA_SDXL_VALUES, [`${IA_DENOISE}.scheduler`]: 'fastest' }), parameter: 'Input Values', says: /fastest/ },
	{ provider: 'invokeai', name: 'a model the server lacks', parameters: IA_RUN({ ...IA_SDXL_VALUES, Model: 'No Such Model XL' }), parameter: 'Input Values', says: /No Such Model XL/ },
	{ provider: 'invokeai', name: 'JSON that is no workflow', parameters: IA_RUN({}, { workflowSource: 'json', workflowJson: JSON.stringify({ hello: 'world' }) }), parameter: 'Workflow JSON' },
	{ provider: 'invokeai', name: 'text that is no JSON', parameters: IA_RUN({}, { workflowSource: 'json', workflowJson: '{ "nodes": [' }), parameter: 'Workflow JSON' },
	{
		provider: 'invokeai',
		name: 'a workflow file that holds no JSON',
		parameters: IA_RUN({}, { workflowSource: 'binary', workflowBinaryProperty: 'wf' }),
		items: () => [fileItem('wf', Buffer.from('this is { not json'), 'notes.txt', 'text/plain')],
		parameter: 'Workflow Binary Field',
	},
	{ provider: 'invokeai', name: 'an unknown library workflow', parameters: IA_RUN(IA_SDXL_VALUES, { workflowSource: 'library', workflowId: { __rl: true, mode: 'id', value: 'nope' } }), parameter: 'Workflow' },
	{ provider: 'invokeai', name: 'an image input from a binary field the item lacks', parameters: IA_RUN({ ...IA_FLUX_VALUES, Image: 'binary:photo' }, { workflowSource: 'json', workflowJson: IA_FLUX_I2I }), items: photo, parameter: 'Input Values', says: /"photo"/ },
	{ provider: 'invokeai', name: 'a file that is no picture for an image input', parameters: IA_RUN({ ...IA_FLUX_VALUES, Image: 'binary:data' }, { workflowSource: 'json', workflowJson: IA_FLUX_I2I }), items: pdfPhoto, parameter: 'Input Values', says: /not an image/ },
	{ provider: 'invokeai', name: 'an empty file for an image input', parameters: IA_RUN({ ...IA_FLUX_VALUES, Image: 'binary:data' }, { workflowSource: 'json', workflowJson: IA_FLUX_I2I }), items: emptyPhoto, parameter: 'Input Values', says: /empty \(0 bytes\)/ },
	{ provider: 'invokeai', name: 'a limit that is a fraction', parameters: { resource: 'image', operation: 'getMany', returnAll: false, limit: 2.5, filters: {} }, parameter: 'Limit' },
	{ provider: 'invokeai', name: 'runs of 0', parameters: IA_RUN(IA_SDXL_VALUES, undefined, { runs: 0 }), parameter: 'Runs' },
	{ provider: 'invokeai', name: 'an item id that is a word', parameters: { resource: 'queue', operation: 'getItem', itemId: 'abc' }, parameter: 'Item ID' },
	{
		provider: 'invokeai',
		name: 'the second item with a word for steps',
		parameters: { ...IA_RUN(IA_SDXL_VALUES), inputValues: (i: number) => ({ values: Object.entries({ ...IA_SDXL_VALUES, [`${IA_DENOISE}.steps`]: i === 0 ? 3 : 'many' }).map(([name, value]) => ({ name, value })) }) },
		items: () => [{ json: {} }, { json: {} }],
		parameter: 'Input Values',
		itemIndex: 1,
		// The batch of the first item (enqueued, with its queue item).
		goodItemJobs: 2,
	},
	...nodeAddressCases('invokeai', IA_RUN(IA_SDXL_VALUES), undefined, '/api'),
];

/** Accepted and normalised rather than refused: each must work. */
const NODE_SUCCESS_CASES: NodeSuccessCase[] = [
	{
		provider: 'visionatrix',
		name: 'a trailing slash and spaces around the address',
		baseUrl: (w) => ` ${w.visionatrix.url}// `,
		parameters: { resource: 'flow', operation: 'getMany' },
		check: (output) => expect(output.map((item) => item.json.name)).toEqual(expect.arrayContaining(['sdxl_lighting'])),
	},
	{
		provider: 'flowscale',
		name: 'a trailing slash',
		baseUrl: (w) => `${w.flowscale.url}/`,
		parameters: { resource: 'system', operation: 'health' },
		check: (output) => expect(output.length).toBeGreaterThan(0),
	},
	{
		provider: 'petPortrait',
		name: 'a trailing slash',
		baseUrl: (w) => `${w.petPortrait.url}/`,
		parameters: { resource: 'server', operation: 'health' },
		check: (output) => expect(output.length).toBeGreaterThan(0),
	},
	{
		provider: 'invokeai',
		name: 'a trailing slash',
		baseUrl: (w) => `${w.invokeai.url}/`,
		parameters: { resource: 'model', operation: 'getMany', filters: {} },
		check: (output) => expect(output.length).toBeGreaterThan(0),
	},
];

// ---------------------------------------------------------------------------------------------
// The CLI corpus

/** The address cases every provider shares, through `genflows`. */
function cliAddressCases(provider: Provider, command: (w: World) => string[], apiPrefix?: string): CliCase[] {
	const withUrl = (url: (w: World) => string) => (w: World) => [...command(w), ...connectionArgs(w, provider, url(w))];
	const cases: CliCase[] = [
		{ provider, name: 'an address without a scheme', ownUrl: true, args: withUrl((w) => w[provider].url.replace(/^http:\/\//, '')), flag: '--url', says: /has no scheme/ },
		{ provider, name: 'a server answering an HTML page', target: 'html', args: command, flag: '--url', exit: 1 },
		{ provider, name: 'a server answering cut-off JSON', target: 'malformedJson', args: command, flag: '--url', exit: 1 },
		{ provider, name: 'a server that redirects to another host', target: 'redirect', args: command, flag: '--url', exit: 1, says: /redirected .* to http:\/\/login\.example\.test/ },
		{ provider, name: 'https:// to a plain-HTTP server', target: 'https', args: command, flag: '--url', exit: 1 },
		{ provider, name: 'nothing listening (connection refused)', target: 'closed', args: command, flag: '--url', exit: 1 },
	];
	if (apiPrefix) cases.push({ provider, name: `an address that ends in ${apiPrefix}`, ownUrl: true, args: withUrl((w) => `${w[provider].url}${apiPrefix}/`), flag: '--url', says: new RegExp(`ends in ${apiPrefix}`) });
	return cases;
}

const CLI_CASES: CliCase[] = [
	// genflows visionatrix
	{ provider: 'visionatrix', name: 'an unknown flow', args: () => ['run', 'no_such_flow', '--input', 'prompt=x'], flag: '<flow>', says: /no_such_flow/ },
	{ provider: 'visionatrix', name: 'a required input left out', args: () => ['run', 'sdxl_lighting', '--input', 'negative_prompt=rain'], flag: '--input prompt' },
	{ provider: 'visionatrix', name: 'a fraction for a whole-number input', args: () => ['run', 'sdxl_lighting', '--input', 'prompt=x', '--input', 'batch_size=2.5'], flag: '--input batch_size' },
	{ provider: 'visionatrix', name: 'an unknown input name', args: () => ['run', 'sdxl_lighting', '--input', 'prompt=x', '--input', 'colour=red'], flag: '--input colour' },
	{ provider: 'visionatrix', name: 'a count that is a word', args: () => ['run', 'sdxl_lighting', '--input', 'prompt=x', '--count', 'abc'], flag: '--count' },
	{ provider: 'visionatrix', name: 'a count of 0', args: () => ['run', 'sdxl_lighting', '--input', 'prompt=x', '--count', '0'], flag: '--count' },
	{ provider: 'visionatrix', name: 'a negative timeout', args: () => ['run', 'sdxl_lighting', '--input', 'prompt=x', '--timeout', '-5'], flag: '--timeout' },
	{ provider: 'visionatrix', name: 'an empty file', args: (w) => ['run', 'remove_background_birefnet', '--file', `input_image=${w.files.empty}`], flag: '--file input_image', says: /empty/ },
	{ provider: 'visionatrix', name: 'a file that does not exist', args: (w) => ['run', 'remove_background_birefnet', '--file', `input_image=${w.files.missing}`], flag: '--file input_image' },
	{ provider: 'visionatrix', name: 'a file that is no picture', args: (w) => ['run', 'remove_background_birefnet', '--file', `input_image=${w.files.pdf}`], flag: '--file input_image', says: /not an image/ },
	{ provider: 'visionatrix', name: 'a task id in hex', args: () => ['status', '0x1'], flag: '<taskId>' },
	...cliAddressCases('visionatrix', () => ['run', 'sdxl_lighting', '--input', 'prompt=x'], '/vapi'),
	{ provider: 'visionatrix', name: 'a required input left out (Deno)', args: () => ['run', 'sdxl_lighting', '--input', 'negative_prompt=rain'], flag: '--input prompt', runner: denoRunner },

	// genflows flowscale
	{ provider: 'flowscale', name: 'an unknown workflow id', args: () => ['run', 'no-such-workflow', '--input', 'text_51536=x'], flag: '<workflow_id>', serverRejects: true },
	{ provider: 'flowscale', name: 'an input without a name', args: () => ['run', FS_TEXT, '--input', '=x'], flag: '--input' },
	{ provider: 'flowscale', name: 'a file that does not exist', args: (w) => ['run', FS_PORTRAIT, '--file', `image_35728=${w.files.missing}`], flag: '--file image_35728' },
	{ provider: 'flowscale', name: 'a file that is no picture', args: (w) => ['run', FS_PORTRAIT, '--file', `image_35728=${w.files.pdf}`], flag: '--file image_35728', says: /not an image/ },
	{ provider: 'flowscale', name: 'an empty file', args: (w) => ['run', FS_PORTRAIT, '--file', `image_35728=${w.files.empty}`], flag: '--file image_35728', says: /empty/ },
	{ provider: 'flowscale', name: 'a timeout that is a word', args: () => ['run', FS_TEXT, '--input', 'text_51536=x', '--timeout', 'soon'], flag: '--timeout' },
	{ provider: 'flowscale', name: 'a limit of 0', args: () => ['list', '--limit', '0'], flag: '--limit' },
	{ provider: 'flowscale', name: 'no API key', ownUrl: true, args: (w) => ['health', '--url', w.flowscale.url], flag: '--api-key' },
	...cliAddressCases('flowscale', () => ['run', FS_TEXT, '--input', 'text_51536=x'], '/api'),
	{ provider: 'flowscale', name: 'an unknown workflow id (Deno)', args: () => ['run', 'no-such-workflow', '--input', 'text_51536=x'], flag: '<workflow_id>', runner: denoRunner, serverRejects: true },

	// genflows pet-portrait
	{ provider: 'petPortrait', name: 'a photo that does not exist', args: (w) => ['run', '--image', w.files.missing], flag: '--image' },
	{ provider: 'petPortrait', name: 'a photo that is no picture', args: (w) => ['run', '--image', w.files.pdf], flag: '--image', says: /not an image/ },
	{ provider: 'petPortrait', name: 'an empty photo', args: (w) => ['run', '--image', w.files.empty], flag: '--image', says: /empty/ },
	{ provider: 'petPortrait', name: 'a user input for a node the workflow lacks', args: (w) => ['run', '--image', w.files.png, '--input', '9999=cat'], flag: '--input 9999' },
	{ provider: 'petPortrait', name: 'a user input for a node that takes no text', args: (w) => ['run', '--image', w.files.png, '--input', `${KSAMPLER_NODE}=42`], flag: `--input ${KSAMPLER_NODE}` },
	{ provider: 'petPortrait', name: 'an image type that does not exist', args: () => ['image', 'x.png', '--type', 'temp'], flag: '--type' },
	{ provider: 'petPortrait', name: 'a header that is no "Name: value"', args: (w) => ['run', '--image', w.files.png, '--header', 'just-a-token'], flag: '--header' },
	...cliAddressCases('petPortrait', (w) => ['run', '--image', w.files.png], '/api'),
	{ provider: 'petPortrait', name: 'a photo that is no picture (Deno)', args: (w) => ['run', '--image', w.files.pdf], flag: '--image', runner: denoRunner },

	// genflows invokeai
	{ provider: 'invokeai', name: 'an unknown input label', args: (w) => ['run', w.files.sdxl, '--set', 'Model=Juggernaut XL v9', '--set', 'Colour=red'], flag: '--set Colour' },
	{ provider: 'invokeai', name: 'a word for a whole-number input', args: (w) => ['run', w.files.sdxl, '--set', 'Model=Juggernaut XL v9', '--set', `${IA_DENOISE}.steps=many`], flag: `--set ${IA_DENOISE}.steps` },
	{ provider: 'invokeai', name: 'a model the server lacks', args: (w) => ['run', w.files.sdxl, '--set', 'Model=No Such Model XL', '--set', 'VAE (use the FP16 model)=FLUX.1-schnell_ae'], flag: '--set Model', says: /No Such Model XL/ },
	{ provider: 'invokeai', name: 'a required input left empty', args: (w) => ['run', w.files.sdxl, '--set', 'Model=Juggernaut XL v9'], flag: '--set', says: /required input empty: "VAE \(use the FP16 model\)"/ },
	{ provider: 'invokeai', name: 'a file that is no workflow', args: (w) => ['run', w.files.notWorkflow], flag: '<workflow>' },
	{ provider: 'invokeai', name: 'a workflow file that is no JSON', args: (w) => ['inputs', w.files.text], flag: '<workflow>' },
	{ provider: 'invokeai', name: 'an unknown library workflow', args: () => ['run', 'no_such_workflow'], flag: '<workflow>' },
	{ provider: 'invokeai', name: 'an image file that is no picture', args: (w) => ['run', w.files.fluxI2i, ...Object.entries(IA_FLUX_VALUES).flatMap(([k, v]) => ['--set', `${k}=${v}`]), '--file', `Image=${w.files.pdf}`], flag: '--file Image', says: /not an image/ },
	{ provider: 'invokeai', name: 'an image file that does not exist', args: (w) => ['run', w.files.fluxI2i, ...Object.entries(IA_FLUX_VALUES).flatMap(([k, v]) => ['--set', `${k}=${v}`]), '--file', `Image=${w.files.missing}`], flag: '--file Image' },
	{ provider: 'invokeai', name: 'runs of 0', args: (w) => ['run', w.files.sdxl, '--runs', '0'], flag: '--runs' },
	{ provider: 'invokeai', name: 'an item id that is a word', args: () => ['status', 'abc'], flag: '<item_id>' },
	...cliAddressCases('invokeai', (w) => ['run', w.files.sdxl, '--set', 'Model=Juggernaut XL v9', '--set', 'VAE (use the FP16 model)=FLUX.1-schnell_ae'], '/api'),
	{ provider: 'invokeai', name: 'an unknown input label (Deno)', args: (w) => ['run', w.files.sdxl, '--set', 'Colour=red'], flag: '--set Colour', runner: denoRunner },
];

const CLI_SUCCESS_CASES: CliSuccessCase[] = [
	{ provider: 'visionatrix', name: 'a trailing slash on --url', args: (w) => ['flows', '--url', `${w.visionatrix.url}/`], check: (o) => expect(o.stdout).toContain('sdxl_lighting') },
	{ provider: 'flowscale', name: 'a trailing slash on --url', args: (w) => ['health', ...connectionArgs(w, 'flowscale', `${w.flowscale.url}/`)], check: (o) => expect(o.events.at(-1)?.event).not.toBe('error') },
	{ provider: 'petPortrait', name: 'a trailing slash on --url', args: (w) => ['health', '--url', `${w.petPortrait.url}/`], check: (o) => expect(o.events.at(-1)?.event).not.toBe('error') },
	{ provider: 'invokeai', name: 'a trailing slash on --url', args: (w) => ['models', '--url', `${w.invokeai.url}/`], check: (o) => expect(o.stdout).toContain('Juggernaut XL v9') },
];

// ---------------------------------------------------------------------------------------------
// The tests

describe('bad input through the n8n nodes', () => {
	it.each(NODE_CASES.map((c) => [`${c.provider}: ${c.name}`, c] as const))('%s', async (_title, testCase) => {
		const target = testCase.target ?? 'simulator';
		const before = snapshot(world, testCase.provider);
		const badBefore = badServerOf(world, target)?.requests.length ?? 0;
		const baseUrl = testCase.baseUrl ? testCase.baseUrl(world) : targetUrl(world, testCase.provider, target);
		const { error, output, unexpected } = await callNode(testCase.provider, {
			credentials: credentialFor(testCase.provider, baseUrl, testCase.provider === 'flowscale' ? { apiKey: world.flowscale.apiKey } : {}),
			parameters: testCase.parameters,
			items: testCase.items?.(),
		});
		expect({ output, unexpected, failed: error !== undefined }).toEqual({ output: undefined, unexpected: undefined, failed: true });
		const shown = `${error!.message}\n${error!.description ?? ''}`;
		// The parameter to fix, by the name the editor shows, and the item it concerns.
		expect(shown).toContain(`"${testCase.parameter}"`);
		expect(error!.context.itemIndex ?? 0).toBe(testCase.itemIndex ?? 0);
		if (testCase.says) expect(error!.message).toMatch(testCase.says);
		// No stack trace, no system error code in what n8n shows.
		expect(shown).not.toMatch(STACK_LINE);
		expect(error!.message).not.toMatch(/\bE[A-Z]{4,}\b/);
		// Nothing submitted, nothing left on the server.
		expectNothingSubmitted(before, snapshot(world, testCase.provider), testCase);
		const bad = badServerOf(world, target);
		if (bad) expect(bad.requests.length).toBeGreaterThan(badBefore);
	});

	it.each(NODE_SUCCESS_CASES.map((c) => [`${c.provider}: ${c.name}`, c] as const))('accepts %s', async (_title, testCase) => {
		const { error, output, unexpected } = await callNode(testCase.provider, {
			credentials: credentialFor(testCase.provider, testCase.baseUrl(world), testCase.provider === 'flowscale' ? { apiKey: world.flowscale.apiKey } : {}),
			parameters: testCase.parameters,
		});
		expect({ error: error?.message, unexpected }).toEqual({ error: undefined, unexpected: undefined });
		testCase.check(output!);
		// No doubled slash reached the server.
		expect(world[testCase.provider].requests.filter((request) => request.path.includes('//'))).toEqual([]);
	});
});

describe('bad input through genflows', () => {
	it.each(CLI_CASES.map((c) => [`${c.provider}${c.runner === denoRunner ? ' (deno)' : ''}: ${c.name}`, c] as const))(
		'%s',
		async (_title, testCase) => {
			const target = testCase.target ?? 'simulator';
			const exit = testCase.exit ?? 2;
			const before = snapshot(world, testCase.provider);
			const badBefore = badServerOf(world, target)?.requests.length ?? 0;
			const connection = testCase.ownUrl ? [] : connectionArgs(world, testCase.provider, targetUrl(world, testCase.provider, target));
			const [command, ...rest] = testCase.args(world);
			const outcome = await runCli(testCase.runner ?? nodeRunner, [CLI_NAME[testCase.provider], command, ...connection, ...rest], { cwd: world.files.dir });
			expect({ code: outcome.code, stderr: outcome.code === exit ? "" : outcome.stderr }).toEqual({ code: exit, stderr: "" });
			// Exactly one readable error line; at most a hint and the usage besides; no stack trace.
			const errorLines = outcome.stderrLines.filter((line) => line.startsWith('genflows: '));
			expect(errorLines).toHaveLength(1);
			expect(outcome.stderrLines.filter((line) => !/^(genflows|hint|usage): /.test(line))).toEqual([]);
			expect(outcome.stderr).not.toMatch(STACK_LINE);
			if (exit === 2) {
				expect(errorLines[0]).toMatch(new RegExp(`^genflows: bad argument ${testCase.flag.replace(/[.*+?^${}()|[\]\\<>]/g, '\\$&')}: `));
				expect(outcome.events.at(-1)).toMatchObject({ event: 'error', exitCode: 2, kind: 'usage', argument: testCase.flag });
			} else {
				expect(outcome.stderr).toContain(testCase.flag);
				expect(outcome.events.at(-1)).toMatchObject({ event: 'error', exitCode: 1 });
			}
			if (testCase.says) expect(errorLines[0]).toMatch(testCase.says);
			expectNothingSubmitted(before, snapshot(world, testCase.provider), testCase);
			const bad = badServerOf(world, target);
			if (bad) expect(bad.requests.length).toBeGreaterThan(badBefore);
		},
		30_000,
	);

	it.each(CLI_SUCCESS_CASES.map((c) => [`${c.provider}: ${c.name}`, c] as const))('accepts %s', async (_title, testCase) => {
		const [command, ...rest] = testCase.args(world);
		const outcome = await runCli(testCase.runner ?? nodeRunner, [CLI_NAME[testCase.provider], command, ...rest, '--json'], { cwd: world.files.dir });
		expect({ code: outcome.code, stderr: outcome.stderr }).toEqual({ code: 0, stderr: '' });
		testCase.check(outcome);
		expect(world[testCase.provider].requests.filter((request) => request.path.includes('//'))).toEqual([]);
	});
});

it('has at least 60 cases, over every provider and both surfaces', () => {
	const all = [...NODE_CASES, ...NODE_SUCCESS_CASES, ...CLI_CASES, ...CLI_SUCCESS_CASES];
	expect(all.length).toBeGreaterThanOrEqual(60);
	for (const provider of ['visionatrix', 'flowscale', 'petPortrait', 'invokeai'] as Provider[]) {
		expect(NODE_CASES.filter((c) => c.provider === provider).length).toBeGreaterThanOrEqual(8);
		expect(CLI_CASES.filter((c) => c.provider === provider).length).toBeGreaterThanOrEqual(8);
	}
	// The files the CLI cases name are what they claim to be.
	expect(readFileSync(world.files.pdf).subarray(0, 4).toString()).toBe('%PDF');
});
