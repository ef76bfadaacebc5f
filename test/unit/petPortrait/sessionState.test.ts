import { sessionSummary } from '../../../nodes/shared/providers/petPortrait/job.ts';
import { sessionStatusSchema } from '../../../nodes/shared/providers/petPortrait/schemas.ts';
import type { PortraitSession } from '../../../nodes/shared/providers/petPortrait/sessionState.ts';
import { isSessionFinished, resultImageOf, runTimeOfSession, sessionStatus } from '../../../nodes/shared/providers/petPortrait/sessionState.ts';
import { completedStatus, failedStatus, processingStatus, RESULT_IMAGE, SESSION, uploadedStatus } from './fakes.ts';

const session = (body: Record<string, unknown>, extra: Partial<PortraitSession> = {}): PortraitSession => ({ ...sessionStatusSchema.parse(body), sessionId: SESSION, ...extra });

describe('Pet Portrait session status', () => {
	it.each(['uploaded', 'image_uploaded', 'initialized', 'Uploaded'])('takes "%s" as queued: no run yet', (word) => {
		expect(sessionStatus(session(uploadedStatus(word)))).toEqual({ phase: 'queued' });
	});

	it("takes processing as running, with the share of nodes run and the running node's title as the stage", () => {
		expect(sessionStatus(session(processingStatus(45)))).toEqual({ phase: 'running', progress: 45, stage: 'KSampler Node' });
		// The sibling's percent is the running node's id over the highest id: 100 % at a first node with the highest id. The count only grows.
		expect(sessionStatus(session({ ...processingStatus(45), progress: 100, executedNodesCount: 1, totalNodes: 46 })).progress).toBeCloseTo(100 / 46);
		// Without counts, the server's percent.
		expect(sessionStatus(session({ ...processingStatus(45), executedNodesCount: undefined, totalNodes: undefined })).progress).toBe(45);
	});

	it("falls back to the socket's percent and node title where the status has none", () => {
		const quiet = session({ status: 'processing' }, { push: { progress: 30, nodeTitle: 'Load Checkpoint' } });
		expect(sessionStatus(quiet)).toEqual({ phase: 'running', progress: 30, stage: 'Load Checkpoint' });
		expect(sessionStatus(session({ status: 'processing', currentNode: '12' }))).toEqual({ phase: 'running', stage: 'node 12' });
	});

	it('takes any word no source lists as still running', () => {
		expect(sessionStatus(session({ status: 'queued_on_comfyui' }))).toEqual({ phase: 'running' });
	});

	it('takes completed with a result image as success', () => {
		expect(sessionStatus(session(completedStatus()))).toEqual({ phase: 'succeeded', progress: 100 });
		expect(isSessionFinished(session(completedStatus()))).toBe(true);
	});

	it('waits on a completed session that names no picture yet (the sibling names it after reading ComfyUI history)', () => {
		expect(sessionStatus(session(completedStatus(null)))).toEqual({ phase: 'running', progress: 100, stage: 'waiting for the result image' });
	});

	it('takes a result message as success while the status lags behind it', () => {
		const lagging = session(completedStatus(null), { push: { resultImage: RESULT_IMAGE } });
		expect(sessionStatus(lagging)).toEqual({ phase: 'succeeded', progress: 100 });
		expect(resultImageOf(lagging)).toBe(RESULT_IMAGE);
		expect(sessionStatus(session(processingStatus(), { push: { resultImage: RESULT_IMAGE } })).phase).toBe('succeeded');
		// No run yet: a result message from an earlier run does not count.
		expect(sessionStatus(session(uploadedStatus(), { push: { resultImage: RESULT_IMAGE } })).phase).toBe('queued');
	});

	it("fails on failed, with the socket's error, an error field, or a message that speaks of one", () => {
		expect(sessionStatus(session(failedStatus(), { push: { error: 'CUDA out of memory' } }))).toEqual({ phase: 'failed', error: 'CUDA out of memory (at node "KSampler Node")' });
		expect(sessionStatus(session({ status: 'failed', error: 'Failed to queue prompt: Bad Request' })).error).toBe('Failed to queue prompt: Bad Request');
		expect(sessionStatus(session({ status: 'failed', message: 'Execution error in node 3' })).error).toBe('Execution error in node 3');
		expect(sessionStatus(session({ status: 'failed', message: 'Processing: KSampler' })).error).toBe('the server reports the generation failed, without a message');
		// The server's text, whatever words it uses (ComfyUI's exception message).
		expect(sessionStatus(session({ status: 'failed', message: 'Allocation on device 0 would exceed allowed memory. (out of memory)' })).error).toBe('Allocation on device 0 would exceed allowed memory. (out of memory)');
	});

	it('fails on an error message while the status still says processing', () => {
		expect(sessionStatus(session(processingStatus(), { push: { error: 'Prompt outputs failed validation' } }))).toMatchObject({ phase: 'failed', error: expect.stringContaining('Prompt outputs failed validation') });
	});

	it('lets a completed status with its picture win over an error message', () => {
		expect(sessionStatus(session(completedStatus(), { push: { error: 'late noise' } })).phase).toBe('succeeded');
	});
});

describe('Pet Portrait run time', () => {
	const session = (status: Record<string, unknown>) => sessionStatusSchema.parse(status) as PortraitSession;

	it("measures a finished run by the server's clock, and nothing else", () => {
		expect(runTimeOfSession(session(completedStatus()))).toBe(44_000);
		expect(runTimeOfSession(session(processingStatus()))).toBeUndefined();
		expect(runTimeOfSession(session(failedStatus({ endTime: '2024-06-15T12:35:40.789Z' })))).toBeUndefined();
		expect(runTimeOfSession(session({ ...completedStatus(), endTime: null }))).toBeUndefined();
	});
});

describe('Pet Portrait session summary', () => {
	it('gives the session and prompt ids, status, timings, node counts and the result image', () => {
		expect(sessionSummary(session(completedStatus(), { promptId: 'prompt-1', push: { progress: 100 } }))).toEqual({
			sessionId: SESSION,
			promptId: 'prompt-1',
			status: 'completed',
			progress: 100,
			message: 'Portrait completed',
			currentNode: null,
			currentNodeTitle: null,
			startTime: '2024-06-15T12:34:56.789Z',
			endTime: '2024-06-15T12:35:40.789Z',
			durationMs: 44_000,
			executedNodesCount: 42,
			totalNodes: 42,
			resultImage: RESULT_IMAGE,
		});
	});

	it('gives nulls, not gaps, for what a session before a run lacks', () => {
		expect(sessionSummary(session(uploadedStatus('image_uploaded')))).toMatchObject({ promptId: null, startTime: null, endTime: null, durationMs: null, resultImage: null });
	});
});
