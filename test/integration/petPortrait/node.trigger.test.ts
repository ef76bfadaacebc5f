// Pet Portrait Trigger through its real class against the simulator: it watches the session ids it
// is given (the API cannot list sessions), fires once per portrait that finishes among them, again
// after a regenerate, for failures only when asked, skips a session the server forgot, and gives
// the newest finished one as a sample in manual mode without recording anything.
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_FAILURE_TEXT, PET_TYPE_NODE } from '../../simulators/petPortrait/index.ts';
import { bytesOf, closeSimulators, failure, fileNameOf, photoItem, pollTrigger, runNode, startSimulator, uploadAndGenerate } from './nodeSetup.ts';
import type { PetPortraitSimulator, SimSession } from '../../simulators/petPortrait/index.ts';

afterEach(closeSimulators);

const UNKNOWN = '6fa459ea-ee8a-4ca4-894e-db77e160355e';
const finished = (session: SimSession) => (session.status === 'completed' && session.resultImage !== null) || session.status === 'failed';

async function generated(simulator: PetPortraitSimulator, values?: Record<string, string>): Promise<string> {
	const sessionId = await uploadAndGenerate(simulator, values);
	await simulator.waitFor(sessionId, finished);
	return sessionId;
}

describe('Pet Portrait Trigger', () => {
	it('fires once per watched session that completed, with the portrait attached, and not again', async () => {
		const simulator = await startSimulator();
		const a = await generated(simulator);
		const b = await generated(simulator);
		const unwatched = await generated(simulator);
		const staticData: IDataObject = {};

		const { fired } = await pollTrigger(simulator, staticData, { sessionIds: `${a},\n${b}`, options: { downloadResults: true, binaryPropertyName: 'portrait' } });
		expect(fired!.map((item) => item.json.sessionId)).toEqual([a, b]);
		for (const item of fired!) {
			const session = simulator.sessions.get(String(item.json.sessionId))!;
			expect(item.json).toMatchObject({ status: 'succeeded', resultImage: session.resultImage, file: { fileName: fileNameOf(session.resultImage!), mimeType: 'image/png' } });
			expect(bytesOf(item, 'portrait').equals(Buffer.from(simulator.imageBytes(fileNameOf(session.resultImage!))!))).toBe(true);
		}
		expect(JSON.stringify(fired)).not.toContain(unwatched);

		expect((await pollTrigger(simulator, staticData, { sessionIds: `${a},\n${b}` })).fired).toBeNull();
		// The state survives being stored and read back as n8n does.
		expect((await pollTrigger(simulator, JSON.parse(JSON.stringify(staticData)) as IDataObject, { sessionIds: [a, b] })).fired).toBeNull();
	});

	it('fires for a watched session when it completes, not while it runs', async () => {
		const simulator = await startSimulator({ nodeMs: 30 });
		const sessionId = await uploadAndGenerate(simulator);
		const staticData: IDataObject = {};
		await simulator.waitFor(sessionId, (session) => session.status === 'processing');
		expect((await pollTrigger(simulator, staticData, { sessionIds: sessionId })).fired).toBeNull();
		await simulator.waitFor(sessionId, finished);
		const { fired } = await pollTrigger(simulator, staticData, { sessionIds: sessionId });
		expect(fired).toHaveLength(1);
		expect(fired![0].json).toMatchObject({ sessionId, status: 'succeeded' });
		expect(fired![0].binary).toBeUndefined();
	});

	it('fires again for a session after a regenerate, with the new portrait', async () => {
		const simulator = await startSimulator();
		const sessionId = await generated(simulator);
		const staticData: IDataObject = {};
		const first = (await pollTrigger(simulator, staticData, { sessionIds: sessionId })).fired!;
		expect(first).toHaveLength(1);

		await runNode(simulator, { resource: 'portrait', operation: 'regenerateAndWait', sessionId, options: {} });
		const { fired } = await pollTrigger(simulator, staticData, { sessionIds: sessionId, options: { downloadResults: true } });
		const session = simulator.sessions.get(sessionId)!;
		expect(fired).toHaveLength(1);
		expect(fired![0].json).toMatchObject({ sessionId, resultImage: session.resultImage });
		expect(fired![0].json.resultImage).not.toBe(first[0].json.resultImage);
		expect(bytesOf(fired![0]).equals(Buffer.from(simulator.imageBytes(fileNameOf(session.resultImage!))!))).toBe(true);
		expect((await pollTrigger(simulator, staticData, { sessionIds: sessionId })).fired).toBeNull();
	});

	it("waits for a regenerated run's own picture on a server that shows the last one meanwhile (the sibling's status)", async () => {
		const simulator = await startSimulator({ statusStyle: 'sibling', resultLagMs: 1_500 });
		const sessionId = await generated(simulator);
		const staticData: IDataObject = {};
		const first = (await pollTrigger(simulator, staticData, { sessionIds: sessionId })).fired!;
		const oldImage = first[0].json.resultImage;

		await runNode(simulator, { resource: 'portrait', operation: 'generate', sessionId });
		const [firstPrompt] = simulator.prompts();
		// ComfyUI is done and the wrapper says completed, but still names the last run's picture.
		await simulator.waitFor(sessionId, (session) => session.status === 'completed' && session.startTime! > firstPrompt.queuedAt && session.resultImage === oldImage);
		expect((await pollTrigger(simulator, staticData, { sessionIds: sessionId })).fired).toBeNull();

		const done = await simulator.waitFor(sessionId, (session) => session.resultImage !== oldImage);
		const { fired } = await pollTrigger(simulator, staticData, { sessionIds: sessionId });
		expect(fired!.map((item) => item.json.resultImage)).toEqual([done.resultImage]);
	});

	it('fires for a failed session only when asked, once, with the server text', async () => {
		const simulator = await startSimulator();
		const failed = await generated(simulator, { [PET_TYPE_NODE]: 'FAIL' });
		const staticData: IDataObject = {};
		expect((await pollTrigger(simulator, staticData, { sessionIds: failed })).fired).toBeNull();

		const { fired } = await pollTrigger(simulator, staticData, { sessionIds: failed, includeFailures: true, options: { downloadResults: true } });
		expect(fired).toHaveLength(1);
		expect(fired![0].json).toMatchObject({ sessionId: failed, status: 'failed', message: DEFAULT_FAILURE_TEXT, resultImage: null });
		expect(fired![0].binary).toBeUndefined();
		expect((await pollTrigger(simulator, staticData, { sessionIds: failed, includeFailures: true })).fired).toBeNull();
	});

	it('skips and logs a session the server does not know, or has forgotten, and fires for the others', async () => {
		const simulator = await startSimulator();
		const kept = await generated(simulator);
		const forgotten = await generated(simulator);
		simulator.expire(forgotten);
		const staticData: IDataObject = {};
		const { fired, logs } = await pollTrigger(simulator, staticData, { sessionIds: `${UNKNOWN} ${forgotten} ${kept}` });
		expect(fired!.map((item) => item.json.sessionId)).toEqual([kept]);
		expect(logs.filter((line) => line.startsWith('warn:') && line.includes('skipped Pet Portrait session'))).toHaveLength(2);
		expect(logs.join('\n')).toContain(`skipped Pet Portrait session ${UNKNOWN}`);
		expect(logs.join('\n')).toContain(`skipped Pet Portrait session ${forgotten}`);
	});

	it('in manual mode, gives the newest finished watched session and records nothing', async () => {
		const simulator = await startSimulator();
		const older = await generated(simulator);
		const newer = await generated(simulator);
		const staticData: IDataObject = {};
		const { fired } = await pollTrigger(simulator, staticData, { sessionIds: [newer, older, UNKNOWN], options: { downloadResults: true } }, 'manual');
		expect(fired!.map((item) => item.json.sessionId)).toEqual([newer]);
		expect(fired![0].binary!.data).toBeDefined();
		expect(staticData).toEqual({});
		// The sample moved nothing: both still fire.
		expect((await pollTrigger(simulator, staticData, { sessionIds: [newer, older] })).fired!.map((item) => item.json.sessionId)).toEqual([newer, older]);
	});

	it('in manual mode, gives nothing when no watched session has finished', async () => {
		const simulator = await startSimulator();
		const upload = await runNode(simulator, { resource: 'image', operation: 'upload', inputBinaryField: 'data', options: {} }, { items: [photoItem()] });
		expect((await pollTrigger(simulator, {}, { sessionIds: String(upload.output[0].json.sessionId) }, 'manual')).fired).toBeNull();
	});

	it('fails the poll naming what is missing when no session id is given', async () => {
		const simulator = await startSimulator();
		const error = await failure(pollTrigger(simulator, {}, { sessionIds: ' ,\n ' }));
		expect(error.message).toBe('No session IDs to watch: give the sessionId of each portrait to watch, separated by commas or new lines.');
		expect(simulator.requests).toHaveLength(0);
	});
});
