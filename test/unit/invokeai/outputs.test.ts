// A finished item's outputs, mapped back to the workflow's nodes, and its state as the waiter sees it.
import { itemOutputs, mediaOf, outputDetails } from '../../../nodes/shared/providers/invokeai/outputs.ts';
import { CANCELLED_ON_SERVER, failureText, itemStatus, itemSummary, nodeLabel } from '../../../nodes/shared/providers/invokeai/queueItem.ts';
import { imageOutput, queueItem, sessionWith } from './fakes.ts';

describe('InvokeAI outputs', () => {
	it('maps each prepared copy of an iterated node back to it, and takes every image when no node is an output node ("Prompt from File")', () => {
		const session = sessionWith({
			nodes: {
				prompts: { type: 'prompt_from_file', is_intermediate: true },
				iterate: { type: 'iterate', is_intermediate: true },
				l2i: { type: 'l2i', is_intermediate: true },
			},
			results: [
				{ prepared: 'p-prompts', source: 'prompts', output: { type: 'string_collection_output', collection: ['a', 'b', 'c'] } },
				{ prepared: 'p-iter-0', source: 'iterate', output: { type: 'iterate_output', item: 'a', index: 0, total: 3 } },
				{ prepared: 'p-l2i-0', source: 'l2i', output: imageOutput('first.png', 512, 768) },
				{ prepared: 'p-iter-1', source: 'iterate', output: { type: 'iterate_output', item: 'b', index: 1, total: 3 } },
				{ prepared: 'p-l2i-1', source: 'l2i', output: imageOutput('second.png') },
				{ prepared: 'p-l2i-2', source: 'l2i', output: imageOutput('third.png') },
			],
		});
		const item = queueItem(7, 'completed', { session });
		const outputs = itemOutputs(item);
		expect(outputs.map((ref) => [ref.name, ref.nodeId, ref.preparedId])).toEqual([
			['first.png', 'l2i', 'p-l2i-0'],
			['second.png', 'l2i', 'p-l2i-1'],
			['third.png', 'l2i', 'p-l2i-2'],
		]);
		expect(outputDetails(item, outputs[0], new Map([['l2i', 'Latents to Image']]))).toEqual({
			itemId: 7,
			nodeId: 'l2i',
			nodeLabel: 'Latents to Image',
			imageName: 'first.png',
			width: 512,
			height: 768,
		});
	});

	it("takes only the output nodes' images by default, and every image and video when asked for all", () => {
		const session = sessionWith({
			nodes: {
				input: { type: 'image', is_intermediate: false },
				resize: { type: 'img_resize', is_intermediate: true },
				save: { type: 'save_image', is_intermediate: false },
				clip: { type: 'wan_l2v', is_intermediate: true },
			},
			results: [
				{ prepared: 'p-input', source: 'input', output: imageOutput('uploaded.png', 4, 3) },
				{ prepared: 'p-resize', source: 'resize', output: imageOutput('resized.png', 2, 2) },
				{ prepared: 'p-save', source: 'save', output: imageOutput('saved.png', 2, 2) },
				{ prepared: 'p-clip', source: 'clip', output: { type: 'video_output', video: { video_name: 'clip.mp4' }, width: 8, height: 8 } },
			],
		});
		const item = queueItem(1, 'completed', { session });
		expect(itemOutputs(item).map((ref) => ref.name)).toEqual(['saved.png']);
		expect(itemOutputs(item, 'all').map((ref) => `${ref.kind}:${ref.name}`)).toEqual(['image:uploaded.png', 'image:resized.png', 'image:saved.png', 'video:clip.mp4']);
		expect(outputDetails(item, itemOutputs(item, 'all')[3])).toMatchObject({ videoName: 'clip.mp4', nodeLabel: 'wan_l2v', width: 8 });
	});

	it('reads images in lists, gives each name once, and leaves sizes out where the output has none', () => {
		const session = sessionWith({
			nodes: { collect: { type: 'collect' }, l2i: { type: 'l2i' } },
			results: [
				{ prepared: 'p-l2i', source: 'l2i', output: imageOutput('a.png') },
				{ prepared: 'p-collect', source: 'collect', output: { type: 'image_collection_output', collection: [{ image_name: 'a.png' }, { image_name: 'b.png' }] } },
			],
		});
		const refs = mediaOf(queueItem(1, 'completed', { session }));
		expect(refs.map((ref) => [ref.name, ref.nodeId, ref.width ?? null])).toEqual([
			['a.png', 'l2i', 1024],
			['b.png', 'collect', null],
		]);
	});

	it('gives nothing for an item without a session (a sanitized view of another user\'s item)', () => {
		expect(itemOutputs(queueItem(1, 'completed', { session: undefined }))).toEqual([]);
	});
});

describe('InvokeAI queue item states', () => {
	it.each([
		['pending', { phase: 'queued' }],
		['in_progress', { phase: 'running' }],
		['waiting', { phase: 'running', stage: 'waiting for a workflow it called' }],
		['completed', { phase: 'succeeded', progress: 100 }],
		['canceled', { phase: 'failed', error: CANCELLED_ON_SERVER }],
		['paused_by_a_future_release', { phase: 'running' }],
	])('maps %s', (status, expected) => {
		expect(itemStatus(queueItem(1, status))).toEqual(expected);
	});

	it("fails with the server's error type and message, naming the node that failed", () => {
		const session = sessionWith({ nodes: { denoise: { type: 'denoise_latents' } }, results: [], errors: { 'p-denoise': 'OutOfMemoryError' } });
		session.prepared_source_mapping = { 'p-denoise': 'denoise' };
		const item = queueItem(3, 'failed', { error_type: 'OutOfMemoryError', error_message: 'CUDA out of memory', session });
		expect(itemStatus(item, new Map([['denoise', 'Denoise - SDXL']]))).toEqual({ phase: 'failed', error: 'OutOfMemoryError: CUDA out of memory (at node "Denoise - SDXL")' });
		expect(failureText(queueItem(3, 'failed'))).toBe('the server gave no reason');
	});

	it('names nodes by the labels given, the embedded workflow, the graph, or the id', () => {
		const item = queueItem(1, 'completed', {
			session: sessionWith({ nodes: { a: { type: 'l2i' }, b: { type: 'save_image' } } }),
			workflow: { nodes: [{ id: 'b', type: 'invocation', data: { label: 'Final picture' } }] },
		});
		expect(nodeLabel(item, 'a', new Map([['a', 'Given']]))).toBe('Given');
		expect(nodeLabel(item, 'b')).toBe('Final picture');
		expect(nodeLabel(item, 'a')).toBe('l2i');
		expect(nodeLabel(item, 'zzz')).toBe('zzz');
	});

	it('sums an item up without its session, workflow and traceback', () => {
		const item = queueItem(4, 'failed', { error_traceback: 'Traceback …', workflow: { nodes: [] }, session: sessionWith({ nodes: {}, errors: { p: 'boom' } }) });
		const summary = itemSummary(item);
		expect(summary).toMatchObject({ item_id: 4, status: 'failed', batch_id: 'batch-1', node_errors: { p: 'boom' } });
		expect(['session', 'workflow', 'error_traceback'].filter((key) => key in summary)).toEqual([]);
	});
});
