import type { INodeProperties } from 'n8n-workflow';

import type { Visionatrix } from '../../../shared/providers/visionatrix/api.ts';
import type { Operation, Operations } from '../../../shared/n8n/router.ts';

import * as clearFinished from './clearFinished.operation.ts';
import * as create from './create.operation.ts';
import * as deleteTask from './delete.operation.ts';
import * as deleteUnfinished from './deleteUnfinished.operation.ts';
import * as get from './get.operation.ts';
import * as getInputFile from './getInputFile.operation.ts';
import * as getMany from './getMany.operation.ts';
import * as getResults from './getResults.operation.ts';
import * as restart from './restart.operation.ts';
import * as runAndWaitByPolling from './runAndWait.operation.ts';
import * as byCallback from './runAndWaitByCallback.ts';
import * as setPriority from './setPriority.operation.ts';

/** Run Flow and Wait polls item by item, or, waiting by callback, parks the whole execution once. */
const runAndWait: Operation<Visionatrix> = {
	...runAndWaitByPolling,
	wholeExecution: { applies: byCallback.waitsByCallback, execute: byCallback.park },
};

export const operations: Operations<Visionatrix> = {
	clearFinished,
	create,
	delete: deleteTask,
	deleteUnfinished,
	get,
	getInputFile,
	getMany,
	getResults,
	restart,
	runAndWait,
	setPriority,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['task'] } },
		options: [
			{ name: 'Clear Finished', value: 'clearFinished', description: 'Delete the finished tasks of a flow', action: 'Clear finished tasks' },
			{ name: 'Create', value: 'create', description: 'Submit a task without waiting for it', action: 'Create a task' },
			{ name: 'Delete', value: 'delete', description: 'Delete a task; this also cancels it if it is running', action: 'Delete a task' },
			{ name: 'Delete Unfinished', value: 'deleteUnfinished', description: 'Delete the queued, running and failed tasks of a flow', action: 'Delete unfinished tasks' },
			{ name: 'Get', value: 'get', description: 'Get a task\'s state and details', action: 'Get a task' },
			{ name: 'Get Input File', value: 'getInputFile', description: 'Download a file a task was given', action: 'Get an input file of a task' },
			{ name: 'Get Many', value: 'getMany', description: 'List tasks', action: 'Get many tasks' },
			{ name: 'Get Results', value: 'getResults', description: 'Download every result file of a finished task', action: 'Get the results of a task' },
			{ name: 'Restart', value: 'restart', description: 'Run a failed task again', action: 'Restart a task' },
			{ name: 'Run Flow and Wait', value: 'runAndWait', description: 'Submit a task, wait for it and return its files', action: 'Run a flow and wait for the result' },
			{ name: 'Set Priority', value: 'setPriority', description: 'Change the priority of a queued task', action: 'Set the priority of a task' },
		],
		default: 'runAndWait',
	},
	...runAndWait.description,
	...create.description,
	...get.description,
	...getMany.description,
	...getResults.description,
	...getInputFile.description,
	...restart.description,
	...deleteTask.description,
	...clearFinished.description,
	...deleteUnfinished.description,
	...setPriority.description,
];
