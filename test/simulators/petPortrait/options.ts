// The simulator's options with their defaults. Where the reference (pet-portrait.md) lists variants,
// the default is the doc's (the pet server's own API document) unless only the sibling's code says
// anything, as noted beside each.
import type {
	AfterError,
	MessageShapes,
	NonImageUpload,
	PetPortraitSimulatorOptions,
	ProgressFormula,
	PromptOutcome,
	PromptRequest,
	ResultCheck,
	StatusStyle,
	UploadedStatus,
	UserInputsForm,
	WorkflowInfoShape,
} from './types.ts';

/** ComfyUI's exception_message for a CUDA out-of-memory. */
export const DEFAULT_FAILURE_TEXT = 'Allocation on device 0 would exceed allowed memory. (out of memory)';
export const DEFAULT_SESSION_TTL_MS = 24 * 60 * 60 * 1000;

export interface ResolvedOptions {
	workflowInfoShape: WorkflowInfoShape;
	uploadedStatus: UploadedStatus;
	progressFormula: ProgressFormula;
	nonImageUpload: NonImageUpload;
	userInputsForm: UserInputsForm;
	messageShapes: MessageShapes;
	statusStyle: StatusStyle;
	nodeMs(node: { id: string; type: string }, prompt: { texts: Record<string, string> }): number;
	nodeCount: number | undefined;
	startDelayMs: number;
	outcome(prompt: PromptRequest): PromptOutcome;
	sessionTtlMs: number;
	workflowLoaded: boolean;
	wsEnabled: boolean;
	perNodeEvents: boolean;
	wsRouting: 'last' | 'all';
	resultLagMs: number;
	resultCheck: ResultCheck;
	afterError: AfterError;
	imageSize: { width: number; height: number };
}

function defaultOutcome(prompt: PromptRequest): PromptOutcome {
	return Object.values(prompt.texts).some((text) => /\bFAIL\b/.test(text)) ? { error: DEFAULT_FAILURE_TEXT } : undefined;
}

export function resolveOptions(options: PetPortraitSimulatorOptions): ResolvedOptions {
	const nodeMs = options.nodeMs ?? 20;
	return {
		workflowInfoShape: options.workflowInfoShape ?? 'union',
		uploadedStatus: options.uploadedStatus ?? 'uploaded',
		// The sibling's code; the doc's example (5 of 42 nodes, 45 %) fits neither formula.
		progressFormula: options.progressFormula ?? 'node-id',
		nonImageUpload: options.nonImageUpload ?? 'json400',
		userInputsForm: options.userInputsForm ?? 'both',
		messageShapes: options.messageShapes ?? 'doc',
		statusStyle: options.statusStyle ?? 'doc',
		nodeMs: typeof nodeMs === 'function' ? nodeMs : () => nodeMs,
		nodeCount: options.nodeCount,
		startDelayMs: options.startDelayMs ?? 50,
		outcome: options.outcome ?? defaultOutcome,
		sessionTtlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
		workflowLoaded: options.workflowLoaded ?? true,
		wsEnabled: options.wsEnabled ?? true,
		perNodeEvents: options.perNodeEvents ?? true,
		// The sibling keeps one socket per clientId in a Map.
		wsRouting: options.wsRouting ?? 'last',
		resultLagMs: options.resultLagMs ?? 10,
		// The sibling's only route to a result: ComfyUI's status broadcast with an empty queue.
		resultCheck: options.resultCheck ?? 'queue-empty',
		afterError: options.afterError ?? 'stop',
		imageSize: options.imageSize ?? { width: 832, height: 1216 },
	};
}
