import { flowOfItem, itemsAhead, runTimeOfItem, runTimesOfFlow } from '../../../nodes/shared/providers/invokeai/itemTiming.ts';
import type { QueueItem, QueueStatus } from '../../../nodes/shared/providers/invokeai/schemas.ts';

const graph = { nodes: { a: { type: 'flux_denoise' }, b: { type: 'flux_model_loader' }, c: { type: 'flux_denoise' } } };

function item(item_id: number, fields: Partial<QueueItem> = {}): QueueItem {
	return { item_id, status: 'completed', workflow: { name: 'Text to Image - FLUX' }, session: { graph }, ...fields } as QueueItem;
}

function queue(fields: Partial<QueueStatus['queue']>): QueueStatus {
	return { queue: { pending: 0, in_progress: 0, completed: 0, failed: 0, canceled: 0, total: 0, ...fields }, processor: { is_started: true, is_processing: true } } as QueueStatus;
}

describe('InvokeAI item timing', () => {
	it('knows a workflow by its name and node types, and an API graph by its node types alone', () => {
		expect(flowOfItem(item(1))).toBe('Text to Image - FLUX#flux_denoise,flux_model_loader');
		expect(flowOfItem(item(1, { workflow: undefined }))).toBe('#flux_denoise,flux_model_loader');
		expect(flowOfItem(item(1, { workflow: undefined, session: null }))).toBeUndefined();
	});

	it("measures a completed item by the server's clock, naive times read as UTC", () => {
		expect(runTimeOfItem(item(1, { started_at: '2025-01-01 12:00:00.000', completed_at: '2025-01-01 12:00:42.250' }))).toBe(42_250);
		expect(runTimeOfItem(item(1, { started_at: '2025-01-01T12:00:00+02:00', completed_at: '2025-01-01T10:00:05Z' }))).toBe(5_000);
		expect(runTimeOfItem(item(1, { status: 'failed', started_at: '2025-01-01 12:00:00', completed_at: '2025-01-01 12:00:42' }))).toBeUndefined();
		expect(runTimeOfItem(item(1, { started_at: null, completed_at: '2025-01-01 12:00:42' }))).toBeUndefined();
	});

	it('lists the run times of the same workflow, newest first', () => {
		const times = (start: string, end: string) => ({ started_at: `2025-01-01 12:00:${start}`, completed_at: `2025-01-01 12:00:${end}` });
		const items = [item(1, times('00', '10')), item(3, times('20', '32')), item(2, { ...times('10', '20'), workflow: { name: 'SDXL' } }), item(4, { status: 'in_progress' })];
		expect(runTimesOfFlow(items, flowOfItem(item(0))!)).toEqual([12_000, 10_000]);
	});

	it('counts the items between the one in progress and ours, at most those waiting, and 0 once ours runs', () => {
		expect(itemsAhead(queue({ item_id: 10, pending: 8, in_progress: 1 }), item(14, { status: 'pending' }))).toEqual({ ahead: 4 });
		// Items in between were cancelled: only the pending count can be ahead.
		expect(itemsAhead(queue({ item_id: 10, pending: 2, in_progress: 1 }), item(14, { status: 'pending' }))).toEqual({ ahead: 3 });
		expect(itemsAhead(queue({ item_id: 14, pending: 3, in_progress: 1 }), item(14, { status: 'pending' }))).toEqual({ ahead: 0 });
		expect(itemsAhead(queue({ item_id: null, pending: 1 }), item(14, { status: 'pending' }))).toEqual({ ahead: 0 });
		expect(itemsAhead(queue({ item_id: 10, pending: 8, in_progress: 1 }), item(14, { status: 'in_progress' }))).toEqual({ ahead: 0 });
	});
});
