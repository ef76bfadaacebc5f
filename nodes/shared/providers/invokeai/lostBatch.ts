// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// An enqueue whose answer was lost after the request may have reached the server: it is never sent
// again (InvokeAI does not tell batches apart by id, so a second send would queue every session
// twice). The batch id is ours, chosen before sending, so the server is asked whether that batch
// landed, and which items it made.
import type { GenflowsError } from '../../core/errors.ts';
import { isConnectionError, UncertainSubmissionError } from '../../core/errors.ts';

export function lostBatchError(batchId: string, lost: GenflowsError, why: string): UncertainSubmissionError {
	const reason = isConnectionError(lost) ? lost.reason : lost.message;
	return new UncertainSubmissionError(
		`The answer to queueing InvokeAI batch ${batchId} was lost (${reason}) after the request may have reached the server, and ${why}. Its queue items may exist and run on the server: the batch was not queued again.`,
		{
			hint: `Look at InvokeAI's queue (GET /api/v1/queue/default/b/${batchId}/status counts the batch's items) before running the workflow again.`,
			cause: lost,
		},
	);
}
