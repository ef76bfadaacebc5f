// Parking an execution until the backend calls back, with n8n's restart-webhook mechanism, and
// resuming it from the node's webhook(). What n8n 2.41 does here was found by experiment; the
// evidence is in docs/research/n8n-2.41-resume-webhooks.md.
import type { IExecuteData, IExecuteFunctions, INodeExecutionData, ITaskMetadata, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * What execute() hands to webhook(), kept in the execution's custom data under one key: n8n
 * allows 10 keys per execution (shared with the user's own), letters, digits and `_` in names,
 * and 512 characters per value, and silently drops what breaks those rules outside manual runs.
 */
const STATE_KEY = 'genflows_parked';

/** The signed URL that resumes this execution (`…/webhook-waiting/<id>?signature=<token>`). */
export function resumeUrlOf(context: IExecuteFunctions): string {
	return String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0));
}

/**
 * Parks the execution until webhook() resumes it or `deadline` passes. When the deadline passes
 * n8n resumes the execution without running any node code, so the failure it should show is
 * armed now (`resumeError`); webhook() disarms it when it resumes with a result.
 */
export async function parkExecution(
	context: IExecuteFunctions,
	options: { state: string; deadline: Date; timeoutMessage: string },
): Promise<void> {
	context.customData.set(STATE_KEY, options.state);
	if (context.customData.get(STATE_KEY) !== options.state) {
		throw new NodeOperationError(
			context.getNode(),
			'n8n did not keep the state this node needs while parked: the execution already has 10 custom data keys (Execution Data node), or the state is too long.',
		);
	}
	context.setMetadata({ resumeError: { name: 'NodeOperationError', message: options.timeoutMessage } as ITaskMetadata['resumeError'] });
	await context.putExecutionToWait(options.deadline);
}

/** The state execute() parked with; undefined for an execution this node did not park. */
export function parkedState(context: IWebhookFunctions): string | undefined {
	return context.customData.get(STATE_KEY);
}

/** The answer to a call that must not resume the execution (a progress report, a stray call). */
export function stayParked(): IWebhookResponseData {
	return {};
}

/** Resumes the execution with `items` as this node's output. */
export function resumeWith(context: IWebhookFunctions, items: INodeExecutionData[]): IWebhookResponseData {
	const metadata = parkedEntryMetadata(context);
	if (metadata) delete metadata.resumeError;
	return { workflowData: [items] };
}

/**
 * Resumes the execution as a failure of this node with `message` (with "Continue On Fail", an
 * item carrying the error). Throwing from webhook() would not do: n8n answers 500, wipes the
 * earlier run data and runs the next nodes with an empty item before failing.
 */
export function resumeWithError(context: IWebhookFunctions, message: string): IWebhookResponseData {
	const metadata = parkedEntryMetadata(context);
	// A host without the stack entry: failing the webhook call still fails the execution, less neatly.
	if (!metadata) throw new NodeOperationError(context.getNode(), message);
	metadata.resumeError = { name: 'NodeOperationError', message } as ITaskMetadata['resumeError'];
	return { workflowData: [[{ json: {} }]] };
}

/**
 * The stack entry of the parked node. Not part of IWebhookFunctions: n8n 2.41 keeps it on the
 * webhook context as `executeData` and reads its `resumeError` when the execution resumes, the
 * same way it fails a parent whose sub-workflow failed. Undefined where a host lacks it.
 */
function parkedEntryMetadata(context: IWebhookFunctions): ITaskMetadata | undefined {
	const entry = (context as unknown as { executeData?: IExecuteData }).executeData;
	if (!entry) return undefined;
	entry.metadata ??= {};
	return entry.metadata;
}
