// Run Flow and Wait, "By Callback": submit the task with this execution's resume URL as its
// webhook, park the execution, and finish from webhook() when Visionatrix reports the end.
import type { IExecuteFunctions, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { InputError } from '../../../shared/core/errors.ts';
import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import { callbackPhase, parseTaskCallback } from '../../../shared/providers/visionatrix/callback.ts';
import { parkedState, parkExecution, resumeUrlOf, resumeWith, resumeWithError, stayParked } from '../../../shared/n8n/callbackWait.ts';
import { toNodeError } from '../../../shared/n8n/errors.ts';
import type { ParameterNames } from '../../../shared/n8n/errors.ts';
import { readTimeoutMs } from '../../../shared/n8n/fields.ts';
import { runForEachItem } from '../../../shared/n8n/items.ts';
import { visionatrixFor } from '../../client.ts';
import { readSubmission } from '../../taskInputParameters.ts';
import type { RunOptions } from './runAndWait.operation.ts';
import { finishedTaskItems } from './runAndWait.operation.ts';

const MAX_TASKS_PER_PARKED_RUN = 30;

/** Whether Run Flow and Wait is set to wait by callback (read once for the whole node). */
export function waitsByCallback(context: IExecuteFunctions): boolean {
	return context.getNodeParameter('waitMode', 0, 'poll') === 'callback';
}

/** execute(): submits the task for the single input item and parks the execution. */
export async function park(this: IExecuteFunctions, visionatrix: () => Promise<Visionatrix>, parameterNames: ParameterNames): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	if (items.length !== 1) {
		const message = `Waiting by callback handles one input item per execution (n8n parks a whole execution, once); this node got ${items.length}. Use polling, or start one execution per item (for example with Execute Workflow).`;
		throw toNodeError(this.getNode(), new InputError('waitMode', message), 0, parameterNames);
	}
	// With Continue On Fail a failed submission becomes an error item and the execution goes on unparked.
	return await runForEachItem(this, async (itemIndex) => await submitAndPark(this, itemIndex, await visionatrix(), parameterNames), parameterNames);
}

async function submitAndPark(context: IExecuteFunctions, itemIndex: number, visionatrix: Visionatrix, parameterNames: ParameterNames): Promise<INodeExecutionData[]> {
	const options = context.getNodeParameter('options', itemIndex, {}) as RunOptions;
	const timeoutMs = readTimeoutMs(options.timeout);
	// Every task id of the run must fit the 512 characters n8n keeps for the parked state.
	if ((options.count ?? 1) > MAX_TASKS_PER_PARKED_RUN) {
		throw new InputError('count', `Waiting by callback follows at most ${MAX_TASKS_PER_PARKED_RUN} tasks per execution; got ${options.count}. Use polling for larger runs.`);
	}
	const { flow, input } = await readSubmission(context, itemIndex, visionatrix, options);
	const created = await visionatrix.createTask(flow, { ...input, webhookUrl: resumeUrlOf(context), webhookUrlKeepsQuery: true });
	const taskIds = created.tasks_ids;
	const deadline = Date.now() + timeoutMs;
	try {
		await parkExecution(context, {
			state: JSON.stringify({ taskIds, deadline } satisfies ParkedRun),
			deadline: new Date(deadline),
			timeoutMessage:
				`${describeTasks(taskIds)} did not call back within ${Math.round(timeoutMs / 1000)} s. ` +
				'n8n runs no node code when a wait limit passes, so nothing was deleted: look the task up with the Get operation ' +
				'(one that finished within moments of its creation may have called back before n8n had parked the execution) and delete it if needed.',
		});
		context.logger.info(`${describeTasks(taskIds)}: submitted; execution parked until the callback`);
		// Only a placeholder: n8n replaces this output with what webhook() resumes with.
		return [context.getInputData()[itemIndex]];
	} catch (error) {
		await visionatrix.deleteQuietly(taskIds);
		throw toNodeError(context.getNode(), error, itemIndex, parameterNames);
	}
}

/** webhook(): every callback of the parked run. Only the last one of the run resumes the execution. */
export async function resume(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const parked = readParkedRun(parkedState(this));
	if (!parked) return stayParked();
	const { taskIds, deadline } = parked;

	let callback;
	try {
		callback = parseTaskCallback(this.getBodyData());
	} catch (error) {
		this.logger.warn(`Visionatrix callback ignored: ${error instanceof Error ? error.message : String(error)}`);
		return stayParked();
	}
	if (!taskIds.includes(callback.task_id)) {
		this.logger.warn(`Visionatrix callback for task ${callback.task_id} ignored: this execution waits for ${describeTasks(taskIds)}`);
		return stayParked();
	}

	// Whatever goes wrong from here on is reported on the parked execution: throwing would make n8n
	// answer 500 and run the next nodes with an empty item before failing.
	try {
		const visionatrix = await visionatrixFor(this);
		const phase = callbackPhase(callback);
		if (phase !== 'succeeded' && phase !== 'failed') {
			if (Date.now() < deadline) return stayParked();
			// A progress report after the deadline: the one moment node code can still clean up.
			await visionatrix.deleteQuietly(taskIds);
			return resumeWithError(this, `${describeTasks(taskIds)} did not finish in time (still at ${callback.progress.toFixed(1)} %); deleted on the server.`);
		}
		const run = await visionatrix.collectRun(taskIds);
		if (run.state === 'running') return stayParked();
		const options = this.getNodeParameter('options', {}) as RunOptions;
		const items = await finishedTaskItems(this, visionatrix, run.finished, options);
		return resumeWith(this, items.map((item) => ({ ...item, pairedItem: { item: 0 } })));
	} catch (error) {
		return resumeWithError(this, error instanceof Error ? error.message : String(error));
	}
}

/** What execute() leaves for webhook(): the run's task ids and when to give up on them. */
interface ParkedRun {
	taskIds: number[];
	deadline: number;
}

function readParkedRun(state: string | undefined): ParkedRun | undefined {
	try {
		const run = JSON.parse(state ?? '') as Partial<ParkedRun>;
		return Array.isArray(run.taskIds) && typeof run.deadline === 'number' ? { taskIds: run.taskIds, deadline: run.deadline } : undefined;
	} catch {
		return undefined;
	}
}

function describeTasks(taskIds: number[]): string {
	return taskIds.length === 1 ? `Visionatrix task ${taskIds[0]}` : `Visionatrix tasks ${taskIds.join(', ')}`;
}
