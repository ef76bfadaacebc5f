// One set of servers and files for the reliability corpus (badInput.test.ts, secrets.test.ts): a
// simulator per provider, the bad servers of badServers.ts, and files on disk for the CLI. What a
// test needs to tell "nothing was submitted" is here too: the jobs each simulator holds and the
// requests that would change something on it.
import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadDefaultWorkflow } from '../helpers/invokeaiFixtures.ts';
import type { FlowscaleSimulator } from '../simulators/flowscale/index.ts';
import { startFlowscaleSimulator } from '../simulators/flowscale/index.ts';
import type { InvokeAiSimulator } from '../simulators/invokeai/index.ts';
import { startInvokeAiSimulator } from '../simulators/invokeai/index.ts';
import type { PetPortraitSimulator } from '../simulators/petPortrait/index.ts';
import { startPetPortraitSimulator } from '../simulators/petPortrait/index.ts';
import { encodeRgbPng } from '../simulators/shared/picture/png.ts';
import type { VisionatrixSimulator } from '../simulators/visionatrix/index.ts';
import { startVisionatrixSimulator } from '../simulators/visionatrix/index.ts';
import type { BadServer } from './badServers.ts';
import { closedPortUrl, startBadServer } from './badServers.ts';

export type Provider = 'visionatrix' | 'flowscale' | 'petPortrait' | 'invokeai';
export const PROVIDERS: Provider[] = ['visionatrix', 'flowscale', 'petPortrait', 'invokeai'];

/** The `genflows` sub-command of each provider. */
export const CLI_NAME: Record<Provider, string> = { visionatrix: 'visionatrix', flowscale: 'flowscale', petPortrait: 'pet-portrait', invokeai: 'invokeai' };

/** A small real PNG, as a photo. */
export const PNG = Buffer.from(encodeRgbPng(4, 4, new Uint8Array(48).fill(120), 'reliability'));
export const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n');

export interface Files {
	dir: string;
	png: string;
	empty: string;
	/** PDF bytes under a .png name. */
	pdf: string;
	missing: string;
	text: string;
	/** InvokeAI's default SDXL text-to-image workflow, and its FLUX image-to-image one. */
	sdxl: string;
	fluxI2i: string;
	notWorkflow: string;
}

export interface World {
	visionatrix: VisionatrixSimulator;
	flowscale: FlowscaleSimulator;
	petPortrait: PetPortraitSimulator;
	invokeai: InvokeAiSimulator;
	html: BadServer;
	malformedJson: BadServer;
	redirect: BadServer;
	/** An address where nothing listens. */
	closed: string;
	files: Files;
	close(): Promise<void>;
}

export interface WorldOptions {
	visionatrixAuth?: { user: string; password: string };
	flowscaleApiKey?: string;
	/** InvokeAI in multi-user mode, with this admin account. */
	invokeaiAdmin?: { email: string; password: string };
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
	const [visionatrix, flowscale, petPortrait, invokeai, html, malformedJson, redirect, closed] = await Promise.all([
		startVisionatrixSimulator({
			taskDurationMs: 200,
			...(options.visionatrixAuth ? { auth: { users: { [options.visionatrixAuth.user]: { password: options.visionatrixAuth.password } } } } : {}),
		}),
		startFlowscaleSimulator({ queueMs: 20, runMs: 200, ...(options.flowscaleApiKey ? { apiKey: options.flowscaleApiKey } : {}) }),
		startPetPortraitSimulator({ nodeMs: 3, startDelayMs: 20 }),
		startInvokeAiSimulator({
			nodeMs: 2,
			startDelayMs: 5,
			...(options.invokeaiAdmin ? { multiUser: true, users: [{ ...options.invokeaiAdmin, userId: 'admin', displayName: 'Admin', isAdmin: true }] } : {}),
		}),
		startBadServer('html'),
		startBadServer('malformed-json'),
		startBadServer('redirect'),
		closedPortUrl(),
	]);
	const dir = mkdtempSync(join(tmpdir(), 'genflows-reliability-'));
	const files: Files = {
		dir,
		png: join(dir, 'cat.png'),
		empty: join(dir, 'empty.png'),
		pdf: join(dir, 'invoice.png'),
		missing: join(dir, 'no-such-photo.png'),
		text: join(dir, 'notes.txt'),
		sdxl: join(dir, 'sdxl.json'),
		fluxI2i: join(dir, 'flux-i2i.json'),
		notWorkflow: join(dir, 'not-a-workflow.json'),
	};
	writeFileSync(files.png, PNG);
	writeFileSync(files.empty, new Uint8Array(0));
	writeFileSync(files.pdf, PDF);
	writeFileSync(files.text, 'just some words, { not json');
	writeFileSync(files.sdxl, JSON.stringify(loadDefaultWorkflow('Text to Image - SDXL')));
	writeFileSync(files.fluxI2i, JSON.stringify(loadDefaultWorkflow('FLUX Image to Image')));
	writeFileSync(files.notWorkflow, JSON.stringify({ hello: 'world' }));
	return {
		visionatrix,
		flowscale,
		petPortrait,
		invokeai,
		html,
		malformedJson,
		redirect,
		closed,
		files,
		async close() {
			await Promise.all([visionatrix.close(), flowscale.close(), petPortrait.close(), invokeai.close(), html.close(), malformedJson.close(), redirect.close()]);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** The simulator's URL of a provider. */
export function simulatorUrl(world: World, provider: Provider): string {
	return world[provider].url;
}

/** Jobs a provider's simulator holds or ever held: created tasks, runs, generated prompts and uploaded sessions, enqueued batches. */
export function jobCount(world: World, provider: Provider): number {
	switch (provider) {
		case 'visionatrix':
			return world.visionatrix.createdCount();
		case 'flowscale':
			return world.flowscale.createdCount();
		case 'petPortrait':
			return world.petPortrait.generateCount() + world.petPortrait.sessions.all().length;
		case 'invokeai':
			return world.invokeai.enqueuedCount() + world.invokeai.batches().length;
	}
}

/** Requests to a provider's simulator that would change something (anything but GET and HEAD; InvokeAI's login excluded). */
export function writeCount(world: World, provider: Provider): number {
	const requests: Array<{ method: string; path: string }> = world[provider].requests;
	return requests.filter((request) => request.method !== 'GET' && request.method !== 'HEAD' && request.path !== '/api/v1/auth/login').length;
}

/** The credential of a provider's node, pointing at `baseUrl`, with whatever secret fields `extra` gives. */
export function credentialFor(provider: Provider, baseUrl: string, extra: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	switch (provider) {
		case 'visionatrix':
			return { baseUrl, authentication: 'none', ...extra };
		case 'flowscale':
			return { baseUrl, apiKey: 'fs-sim-dummy-api-key-0001', ignoreSslIssues: false, ...extra };
		case 'petPortrait':
		case 'invokeai':
			return { baseUrl, authentication: 'none', ignoreSslIssues: false, ...extra };
	}
}

/** An input item with a file in `field`. */
export function fileItem(field: string, bytes: Uint8Array, fileName: string, mimeType = 'image/png'): INodeExecutionData {
	const extension = fileName.includes('.') ? fileName.split('.').pop() : undefined;
	return { json: {}, binary: { [field]: { data: Buffer.from(bytes).toString('base64'), mimeType, fileName, fileExtension: extension } } };
}
