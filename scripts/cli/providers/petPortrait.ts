// `genflows pet-portrait …`: every command is a few calls into the Pet Portrait provider of the core
// (nodes/shared/providers/petPortrait), the same code the n8n nodes run. A job is a session (what
// the upload returned); status and results are the shared job commands (../jobCommands.ts), and
// the output half of run and regenerate is ../jobRun.ts. The API has no cancel: Ctrl-C or
// --timeout stops the wait, and the server finishes the portrait anyway.
import { isApiError } from '../../../nodes/shared/core/errors.ts';
import type { JobAdapter } from '../../../nodes/shared/core/job.ts';
import type { WaitProgress } from '../../../nodes/shared/core/waiter.ts';
import type { StartedPortrait } from '../../../nodes/shared/providers/petPortrait/api.ts';
import { PET_PORTRAIT_JOB_WORDS, petPortraitJobs } from '../../../nodes/shared/providers/petPortrait/job.ts';
import type { PortraitSession } from '../../../nodes/shared/providers/petPortrait/sessionState.ts';
import { UsageError } from '../args.ts';
import type { Command, CommandContext, ProviderCli } from '../command.ts';
import type { JobCli } from '../jobCli.ts';
import { jobCommands } from '../jobCommands.ts';
import type { RunReport } from '../jobRun.ts';
import { prepareRunOutput, RUN_OPTIONS, RUN_SYNOPSIS, runDetails, runReport, runTimeoutMs } from '../jobRun.ts';
import type { Fields } from '../output.ts';
import { describeSession, PET_PORTRAIT_EXTRA_COMMANDS } from './petPortraitCommands.ts';
import { connect, PET_PORTRAIT_SETTINGS } from './petPortraitConnection.ts';
import { petPortraitArgumentFor, photoFromArgs, userInputsFromArgs } from './petPortraitInput.ts';

const SESSION_ARGUMENT = '<sessionId>';

/**
 * The session's jobs, where a session the server does not know is a bad <sessionId> (exit 2): its
 * 404 "Session not found" means a wrong id, or one the server forgot (a restart, 24 h idle).
 */
function knownSessions(jobs: JobAdapter<PortraitSession>): JobAdapter<PortraitSession> {
	return {
		...jobs,
		async read(id, signal) {
			try {
				return await jobs.read(id, signal);
			} catch (error) {
				if (isApiError(error) && error.status === 404 && /session/i.test(error.serverMessage)) {
					// The core adds why a server forgets a session to its "Session not found"; said once here, as for regenerate.
					const said = error.serverMessage.split('; the server has forgotten')[0];
					throw new UsageError(
						SESSION_ARGUMENT,
						`Pet Portrait does not know session ${id} (404: ${said}): the server has forgotten it (it was restarted, or the session expired after 24 h of inactivity), or the id is wrong.`,
					);
				}
				throw error;
			}
		},
	};
}

const petPortraitSessions: JobCli<PortraitSession> = {
	words: PET_PORTRAIT_JOB_WORDS,
	idArgument: SESSION_ARGUMENT,
	parseId(text) {
		const id = text.trim();
		if (!id) throw new UsageError(SESSION_ARGUMENT, `${SESSION_ARGUMENT} is empty`);
		return id;
	},
	connect: (context) => knownSessions(petPortraitJobs(connect(context))),
	describe: describeSession,
};

const NO_CANCEL = 'Pet Portrait cannot cancel a run: after Ctrl-C or --timeout the server finishes the portrait anyway';

const RUN_DETAILS = [
	'  --input nodeId=value a text input of the workflow by its node id, e.g. 229=cat (repeatable; `info` lists',
	'                       them); an empty value keeps the default',
	...runDetails(petPortraitSessions),
	`  (${NO_CANCEL};`,
	'   fetch it later with `status` and `results` while the session lasts)',
];

/**
 * The progress line of a session: labelled with the session id cut short (a UUID would push the bar
 * off an 80-column terminal), showing the node being run; the JSON lines carry the whole id.
 */
function sessionProgress(context: CommandContext): (progress: WaitProgress, session: PortraitSession) => void {
	return (progress, session) => {
		const id = session.sessionId;
		const label = `session ${id.length > 13 ? `${id.slice(0, 8)}…` : id}`;
		context.output.progress(label, progress, { sessionId: id });
	};
}

/** The JSON-only facts of an accepted run, beside its session id. */
function startedFields(started: StartedPortrait): Fields {
	return {
		...(started.promptId ? { promptId: started.promptId } : {}),
		...(typeof started.totalNodes === 'number' ? { totalNodes: started.totalNodes } : {}),
		...(started.recovered ? { recovered: true } : {}),
	};
}

function onSubmitted(report: RunReport<PortraitSession>): (started: StartedPortrait) => void {
	return (started) => report.submitted([started.sessionId], startedFields(started));
}

const run: Command = {
	name: 'run',
	positionals: [],
	synopsis: `--image PATH [--input nodeId=value]... ${RUN_SYNOPSIS}`,
	summary: "Upload a pet photo, generate its portrait, wait for it (the bar shows the node being run), and save it into --out.",
	details: ['  --image PATH         the pet photo (PNG, JPEG, WebP, GIF, BMP or TIFF), uploaded into a new session', ...RUN_DETAILS],
	options: { image: 'value', input: 'list', ...RUN_OPTIONS },
	async run(context) {
		const timeoutMs = runTimeoutMs(context);
		const userInputs = userInputsFromArgs(context.args);
		const petPortrait = connect(context);
		const photo = await photoFromArgs(context.runtime, context.args);
		await prepareRunOutput(context);
		const report = runReport(context, petPortraitSessions, petPortraitJobs(petPortrait), {
			name: `portrait of ${photo.fileName}`,
			fields: { image: context.args.values.get('image') },
		});
		// --timeout bounds the whole run: the checks, the upload, the wait and the download.
		const finished = await petPortrait.createPortrait({
			image: photo,
			userInputs,
			timeoutMs,
			signal: context.signal,
			onSubmitted: onSubmitted(report),
			onProgress: sessionProgress(context),
		});
		await report.onJobFinished(finished);
		report.done();
	},
};

const regenerate: Command = {
	name: 'regenerate',
	positionals: [SESSION_ARGUMENT],
	synopsis: `[--input nodeId=value]... ${RUN_SYNOPSIS}`,
	summary: "Generate another portrait of a session's photo (new random seeds, new inputs if given), wait for it, and save it into --out.",
	details: RUN_DETAILS,
	options: { input: 'list', ...RUN_OPTIONS },
	async run(context) {
		const timeoutMs = runTimeoutMs(context);
		const sessionId = String(petPortraitSessions.parseId(context.args.positionals[0]));
		const userInputs = userInputsFromArgs(context.args);
		const petPortrait = connect(context);
		await prepareRunOutput(context);
		const report = runReport(context, petPortraitSessions, petPortraitJobs(petPortrait), { name: 'new portrait', fields: {} });
		const finished = await petPortrait.regeneratePortrait(sessionId, {
			userInputs,
			timeoutMs,
			signal: context.signal,
			onSubmitted: onSubmitted(report),
			onProgress: sessionProgress(context),
		});
		await report.onJobFinished(finished);
		report.done();
	},
};

export const petPortraitCli: ProviderCli = {
	name: 'pet-portrait',
	summary: 'Pet Portrait (a pet photo → its portrait, on ComfyUI): run, regenerate, status, results, image, info, health',
	settings: PET_PORTRAIT_SETTINGS,
	commands: [run, regenerate, ...jobCommands(petPortraitSessions), ...PET_PORTRAIT_EXTRA_COMMANDS],
	argumentFor: petPortraitArgumentFor,
	stopping: 'Pet Portrait cannot cancel a run, so a portrait already started finishes on the server anyway',
};
