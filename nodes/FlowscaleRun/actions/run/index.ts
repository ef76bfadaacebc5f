import type { INodeProperties } from 'n8n-workflow';

import type { Flowscale } from '../../../shared/providers/flowscale/api.ts';
import type { Operations } from '../../../shared/n8n/router.ts';

import * as cancel from './cancel.operation.ts';
import * as get from './get.operation.ts';
import * as getMany from './getMany.operation.ts';
import * as getOutput from './getOutput.operation.ts';
import * as runAndWait from './runAndWait.operation.ts';
import * as start from './start.operation.ts';

export const operations: Operations<Flowscale> = { cancel, get, getMany, getOutput, runAndWait, start };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['run'] } },
		options: [
			{ name: 'Cancel', value: 'cancel', description: 'Cancel a queued or running run', action: 'Cancel a run' },
			{ name: 'Get', value: 'get', description: "Get a run's state, inputs and outputs", action: 'Get a run' },
			{ name: 'Get Many', value: 'getMany', description: 'List runs', action: 'Get many runs' },
			{ name: 'Get Output', value: 'getOutput', description: 'Get one output of a run, as a download URL or a file', action: 'Get an output of a run' },
			{ name: 'Run Workflow and Wait', value: 'runAndWait', description: 'Start a run, wait for it and return its files', action: 'Run a workflow and wait for the result' },
			{ name: 'Start', value: 'start', description: 'Start a run without waiting for it', action: 'Start a run' },
		],
		default: 'runAndWait',
	},
	...runAndWait.description,
	...start.description,
	...get.description,
	...getMany.description,
	...getOutput.description,
	...cancel.description,
];
