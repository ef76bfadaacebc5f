// What the chaos run (harness.ts) asks of each provider (providers/*.ts), and what it counts.
import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

import type { ParameterValue } from '../../test/helpers/n8nContext.ts';
import type { ActionNodeName } from '../../test/helpers/providerNodes.ts';
import type { CliEvent } from '../../test/scripts/cliProcess.ts';

/**
 * normal: runs to its end. fail: the server fails it (its prompt says FAIL). stop: the execution is
 * stopped (abort signal) or the CLI gets SIGINT at a random moment. timeout: the job runs for
 * seconds (its prompt says SLOW) and the node or CLI is given a 1 s limit.
 */
export type JobKind = 'normal' | 'fail' | 'stop' | 'timeout';

export interface ChaosJob {
	provider: ActionNodeName;
	index: number;
	via: 'node' | 'cli';
	kind: JobKind;
	/** Unique per job: the prompt text (or style) it sends, by which its jobs on the server are found. */
	tag: string;
	/** For stops: when the stop comes, from the job's start. */
	stopAfterMs: number;
}

/** A job as the simulator has it. */
export interface ServerJob {
	id: string;
	state: 'waiting' | 'running' | 'completed' | 'failed' | 'cancelled';
	/** Date.now() when it reached its final state; null while it has not. */
	endedAt: number | null;
}

export interface FileCheck {
	files: number;
	/** Files whose bytes are those the simulator served. */
	equal: number;
	problem?: string;
}

export interface ProviderAdapter {
	id: ActionNodeName;
	label: string;
	/** The backend can cancel a job (Pet Portrait cannot). */
	canCancel: boolean;
	start(): Promise<void>;
	close(): Promise<void>;
	/** The node's credentials for the simulator (once started). */
	credentials(): ICredentialDataDecryptedObject;
	/** Adds the chaos fault rules (with this random source). */
	addChaos(random: () => number): void;
	clearChaos(): void;
	/** Node parameters and input items for a job (with a 1 s timeout for timeout jobs). */
	nodeJob(job: ChaosJob): { parameters: Record<string, ParameterValue>; items?: INodeExecutionData[] };
	checkNodeOutput(output: INodeExecutionData[]): FileCheck;
	/** The CLI arguments after `genflows`, saving into `outDir`. */
	cliArgs(job: ChaosJob, outDir: string, workDir: string): string[];
	checkCliFiles(events: CliEvent[], outDir: string): FileCheck;
	/** Every job the server ever had with this tag (deleted or cancelled ones too). */
	serverJobs(tag: string): ServerJob[];
	/** Jobs the server still has waiting or running (any tag). */
	busy(): number;
	/** Requests the simulator logged, and how many took a fault. */
	requestCounts(): { requests: number; faulted: number };
}

export type Outcome = 'done' | 'badBytes' | 'failed' | 'lost';

export interface JobResult {
	job: ChaosJob;
	outcome: Outcome;
	/** When the job ended on our side (Date.now()). */
	endedAt: number;
	/** The error message (failed/lost), or what was wrong. */
	detail?: string;
}

export interface ProviderFigures {
	provider: string;
	submitted: number;
	viaNode: number;
	viaCli: number;
	stops: number;
	timeouts: number;
	serverFailures: number;
	done: number;
	/** Done but a file's bytes differ from the simulator's (counted in neither done nor failed). */
	doneBadBytes: number;
	failedClearly: number;
	lost: number;
	createdTwice: number;
	/** Server jobs still running, or finished later, after a failure or stop, where the backend can cancel. */
	leftRunning: number;
	/** Pet Portrait: runs that went on after a stop, timeout or failure (it cannot cancel). */
	finishedUnattendedByDesign: number;
	/** Jobs that ended before anything reached the server (e.g. an early stop). */
	neverCreated: number;
	requests: number;
	faultedRequests: number;
	wallSeconds: number;
	/** A few examples of what went wrong, for the report. */
	examples: string[];
	/** Why jobs of no planned failure (not fail, stop or timeout) failed: the message with ids and numbers as #, and how often. */
	plainJobFailures: Record<string, number>;
}
