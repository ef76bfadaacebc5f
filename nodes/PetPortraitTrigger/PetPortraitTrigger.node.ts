import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { petPortraitJobs } from '../shared/providers/petPortrait/job.ts';
import type { PortraitSession } from '../shared/providers/petPortrait/sessionState.ts';
import { resultImageOf } from '../shared/providers/petPortrait/sessionState.ts';
import { toNodeError } from '../shared/n8n/errors.ts';
import { binaryPropertyField, binaryPropertyName } from '../shared/n8n/fields.ts';
import { MAX_WATCHED_JOBS, pollWatchedJobs, watchedIds } from '../shared/n8n/trigger.ts';
import { petPortraitFor } from '../PetPortrait/client.ts';
import { coreParameterAliases } from '../PetPortrait/descriptions.ts';

interface TriggerOptions {
	downloadResults?: boolean;
	binaryPropertyName?: string;
}

/**
 * Which run of a session this is. The status names no prompt id (a server that adds one is read),
 * but every generate and regenerate sets a new start time, which stays put while the run lasts.
 */
function runOf(session: PortraitSession): string {
	return session.promptId ?? session.startTime ?? session.endTime ?? '';
}

export class PetPortraitTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Pet Portrait Trigger',
		name: 'petPortraitTrigger',
		icon: { light: 'file:../../icons/petPortrait.svg', dark: 'file:../../icons/petPortrait.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["includeFailures"] ? "Finished or failed sessions" : "Finished sessions"}}',
		description: 'Starts the workflow when a watched Pet Portrait session finishes its portrait',
		defaults: { name: 'Pet Portrait Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'petPortraitApi', required: true }],
		properties: [
			{
				displayName:
					'The Pet Portrait API cannot list its sessions, so this trigger only watches the session IDs you give it (for example the sessionId of each Image → Upload, kept in a list by the workflow that started them). It fires once for each portrait that finishes among them, again after a regenerate, and skips a session the server no longer knows (it was restarted, or the session expired).',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Session IDs',
				name: 'sessionIds',
				type: 'string',
				typeOptions: { rows: 4 },
				default: '',
				required: true,
				placeholder: 'e.g. 550e8400-e29b-41d4-a716-446655440000, 6fa459ea-ee8a-4ca4-894e-db77e160355e',
				description: `The sessions to watch, separated by commas or new lines, or an expression giving a list of them (at most ${MAX_WATCHED_JOBS}, the last ones given)`,
			},
			{
				displayName: 'Include Failed Sessions',
				name: 'includeFailures',
				type: 'boolean',
				default: false,
				description: 'Whether to fire for portraits that failed too (their "status" says which, their "message" why)',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Download Portrait',
						name: 'downloadResults',
						type: 'boolean',
						default: true,
						description: 'Whether to attach the finished portrait as binary data',
					},
					binaryPropertyField,
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const ids = watchedIds(this.getNodeParameter('sessionIds', ''));
		if (ids.length === 0) {
			throw new NodeOperationError(this.getNode(), 'No session IDs to watch: give the sessionId of each portrait to watch, separated by commas or new lines.', {
				description: 'The Pet Portrait API cannot list its sessions, so the trigger only watches the ones you name.',
			});
		}
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		// A bad credential (its address, its header) fails the poll naming the credential's field.
		const petPortrait = await petPortraitFor(this).catch((error: unknown) => {
			throw toNodeError(this.getNode(), error, 0, coreParameterAliases);
		});
		return await pollWatchedJobs(this, petPortraitJobs(petPortrait), {
			ids,
			includeFailures: this.getNodeParameter('includeFailures', false) as boolean,
			downloadResults: options.downloadResults === true,
			binaryProperty: binaryPropertyName(options.binaryPropertyName),
			runOf,
			resultOf: resultImageOf,
			// By the run's start: the sibling stamps endTime again on every session each time ComfyUI's queue empties.
			runAt: (session) => session.startTime ?? session.endTime ?? undefined,
		});
	}
}
